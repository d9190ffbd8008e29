"""Character BIO files as gold (the dataset authors' dev and test files), leaving their
sentences out of a training corpus, and the flat decoding they are scored with."""
from __future__ import annotations

from pathlib import Path

import pytest
from spacy.tokens import DocBin

from pipeline.cli import main
from pipeline.formats.bios import read_bios
from pipeline.gold.corpus import without_sentences
from pipeline.gold.docs import blank_pipeline
from pipeline.components.decoder import cut, flat
from pipeline.records import Span, Unit


def bios(*sentences: list) -> str:
    return "".join("".join(f"{char}\t{tag}\n" for char, tag in sentence) + "\n" for sentence in sentences)


def tagged(text: str, tags: str) -> list:
    return list(zip(text, tags.split()))


SENTENCE = tagged("我们收集您的手机号", "B-handler I-handler B-collect I-collect O O B-data I-data I-data")


def test_spans_and_labels_through_the_schema(tmp_path):
    path = tmp_path / "test.char.bios"
    path.write_text(bios(SENTENCE, tagged("向第三方", "O B-subjects I-subjects I-subjects")), encoding="utf-8")
    seven = read_bios(path, "ca4p")
    assert [u.text for u in seven.units] == ["我们收集您的手机号", "向第三方"]
    assert [u.line for u in seven.units] == [1, 11]
    assert seven.units[0].spans == [Span(0, 2, "ACTOR"), Span(2, 4, "COLLECT"), Span(6, 9, "DATA")]
    assert seven.units[1].spans == [Span(1, 4, "RECEIVER")]
    project = read_bios(path, "project")
    assert project.units[0].spans == [Span(0, 2, "ACTOR"), Span(2, 4, "ACTION"), Span(6, 9, "DATA")]
    assert project.units[1].spans == []
    assert project.read == 4 and project.dropped == {"receiver (no label in this scheme)": 1}


def test_sequence_errors_are_located_counted_and_read_as_fastnlp_reads_them(tmp_path):
    path = tmp_path / "x.bios"
    # I- with no B-, a label change inside a span, S- and E- (BIOES), an unknown tag
    path.write_text(bios(tagged("您的手机号码", "I-data I-data O B-data I-purpose E-purpose"),
                         tagged("我们用", "S-handler X-y B-collect")), encoding="utf-8")
    result = read_bios(path, "ca4p")
    assert result.units[0].spans == [Span(0, 2, "DATA"), Span(3, 4, "DATA"), Span(4, 6, "PURPOSE")]
    assert result.units[1].spans == [Span(0, 1, "ACTOR"), Span(2, 3, "COLLECT")]
    assert result.sequence_errors == 2
    assert [str(p) for p in result.problems] == [
        f"{path}:1:1: warning: sequence: I-data after no open span; read as the start of a span, "
        "as fastNLP reads it",
        f"{path}:5:1: warning: sequence: I-purpose after a span of another label; read as the start "
        "of a span, as fastNLP reads it",
        f"{path}:9:1: error: bad-tag: tag 'X-y' is none of O, B-x, I-x, E-x, S-x; read as O",
    ]


def test_bad_lines_are_reported_and_the_rest_read(tmp_path):
    path = tmp_path / "x.bios"
    path.write_text("我\tB-handler\n们\tI-handler\nno tab here\n\n收\tB-collect\n", encoding="utf-8")
    result = read_bios(path)
    assert [u.text for u in result.units] == ["我们", "收"]
    assert [str(p) for p in result.problems] == [
        f"{path}:3:1: error: bad-line: expected one character, a tab and a tag; line skipped"]


def test_units_holding_a_given_sentence_are_left_out():
    units = [Unit("a", 1, "第一段。我们收集您的 手机号，用于注册。"), Unit("a", 2, "我们不会出售您的信息。"),
             Unit("b", 1, "我们收集您的手机")]
    kept, left_out = without_sentences(units, ["我们收集您的手机号，", "与此无关的一句话"], window=8)
    assert [u.id for u in left_out] == ["a:1"]  # whitespace does not hide it
    assert [u.id for u in kept] == ["a:2", "b:1"]  # a part of the sentence is not the sentence


def test_corpus_leaves_out_the_test_sentences_and_writes_a_given_file_whole(tmp_path, capsys):
    pool = tmp_path / "pool.txt"
    pool.write_text("(我们)[收集]您的<手机号>。\n(我们)[共享]<位置信息>给第三方。\n(我们)[使用]<设备信息>。\n",
                    encoding="utf-8")
    test = tmp_path / "test.char.bios"
    test.write_text(bios(SENTENCE, tagged("没有任何标注的一句话", "O " * 10)), encoding="utf-8")
    code = main(["corpus", str(pool), "--leave-out", str(test), "--dev", "0", "--out", str(tmp_path / "c")])
    out = capsys.readouterr().out
    assert code == 0
    assert "left out: 1 unit(s) holding 3 gold span(s)" in out
    assert "annotations read: 9 = written 6 + dropped 3; in a --leave-out text: 3" in out
    vocab = blank_pipeline().vocab
    train = [doc.text for doc in DocBin().from_disk(tmp_path / "c" / "train.spacy").get_docs(vocab)]
    assert train == ["(我们)[共享]<位置信息>给第三方。".translate(str.maketrans("", "", "()[]<>")),
                     "我们使用设备信息。"]

    code = main(["corpus", str(test), "--labels", "ca4p", "--all-units", "--whole", "test",
                 "--out", str(tmp_path / "c")])
    assert code == 0
    docs = list(DocBin().from_disk(tmp_path / "c" / "test.spacy").get_docs(vocab))
    assert [len(doc.spans["sc"]) for doc in docs] == [3, 0]  # the sentence without spans is kept


def test_flat_decoding_keeps_the_best_scored_of_overlapping_spans():
    spans = [(0, 10, "PURPOSE"), (2, 4, "DATA"), (5, 8, "DATA"), (12, 14, "ACTOR")]
    assert sorted(flat(dict(zip(spans, [0.6, 0.9, 0.5, 0.7])))) == [
        (2, 4, "DATA"), (5, 8, "DATA"), (12, 14, "ACTOR")]
    assert sorted(flat(dict(zip(spans, [0.95, 0.9, 0.5, 0.7])))) == [(0, 10, "PURPOSE"), (12, 14, "ACTOR")]


def test_evaluate_reads_a_bios_file_and_scores_every_sentence(tiny_model: Path, tmp_path, capsys):
    test = tmp_path / "test.char.bios"
    test.write_text(bios(SENTENCE, tagged("没有任何标注的一句话", "O " * 10)), encoding="utf-8")
    for decoding in ([], ["--flat"]):
        code = main(["evaluate", str(tiny_model), str(test), "--all-units", *decoding])
        out = capsys.readouterr().out
        assert code == 0
        assert out.startswith(f"scope: all-units, 2 unit(s), {'flat' if decoding else 'spans'} decoding")


@pytest.mark.parametrize("name", ["dev", "test"])
def test_the_authors_files_read_whole(ca4p_dir: Path, name: str):
    result = read_bios(ca4p_dir / "train_dev_test" / f"{name}.char.bios", "ca4p")
    # The README of the files: 2,059 and 1,842 sentences; test has 6,146 spans by B-/S- tags,
    # and 5 more that start with an I- (sequence errors), as fastNLP counts them.
    assert len(result.units) == {"dev": 2059, "test": 1842}[name]
    if name == "test":
        assert result.read == 6146 + result.sequence_errors and result.sequence_errors == 5
    assert all(p.severity == "warning" for p in result.problems)


@pytest.mark.slow
def test_no_sentence_of_the_authors_test_file_survives_in_the_paper_train_split(ca4p_dir: Path, tmp_path, capsys):
    files = [ca4p_dir / "train_dev_test" / f"{name}.char.bios" for name in ("dev", "test")]
    code = main(["corpus", str(ca4p_dir), "--labels", "ca4p", "--leave-out", *map(str, files),
                 "--dev", "0", "--out", str(tmp_path)])
    assert code == 0
    squeeze = "".join
    train = [squeeze(doc.text.split()) for doc in
             DocBin().from_disk(tmp_path / "train.spacy").get_docs(blank_pipeline().vocab)]
    sentences = {squeeze(u.text.split()) for u in read_bios(files[1]).units}
    looked_for = [s for s in sentences if len(s) >= 8]
    pool = "\n".join(train)
    assert looked_for and not [s for s in looked_for if s in pool]


def test_spans_cut_at_list_commas_into_their_pieces():
    text = "收集您的姓名、 性别（可选）和、"
    # pieces trimmed of whitespace; a span of cut characters alone has none
    assert cut(text, 4, 15, "、（）") == [(4, 6), (8, 10), (11, 13), (14, 15)]
    assert cut(text, 0, 2, "、（）") == [(0, 2)]
    assert cut(text, 15, 16, "、（）") == []


def test_corpus_cut_at_keeps_the_count_adding_up(tmp_path, capsys):
    source = tmp_path / "p.txt"
    source.write_text("(我们)[收集]<姓名、性别、电话>和<、>\n", encoding="utf-8")
    code = main(["corpus", str(source), "--cut-at", "、", "--dev", "0", "--out", str(tmp_path / "c")])
    out = capsys.readouterr().out
    assert code == 0
    assert ("annotations read: 4 + 2 pieces cut off by --cut-at = written 5 + dropped 1; "
            "only --cut-at characters: 1") in out


def test_convert_reads_bios_files_into_any_format(tmp_path, capsys):
    path = tmp_path / "test.char.bios"
    path.write_text(bios(SENTENCE), encoding="utf-8")
    assert main(["convert", str(path), "--to", "brackets"]) == 0
    assert capsys.readouterr().out == "(我们)[收集]您的<手机号>\n"
    assert main(["convert", str(path), "--from", "bios", "--to", "jsonl", "--labels", "ca4p"]) == 0
    assert '"label": "COLLECT"' in capsys.readouterr().out


def test_unannotated_units_drawn_as_negatives_by_length_and_seed():
    from pipeline.gold.corpus import drop_unannotated

    annotated = [Unit("p", 1, "我们收集您的手机号", [Span(6, 9, "DATA")])]
    empty = [Unit("p", n, "第三方" * n) for n in range(2, 12)]
    units = empty[:5] + annotated + empty[5:]
    assert drop_unannotated(units) == (annotated, 10)
    kept, left_out = drop_unannotated(units, 1.0, seed=0)
    drawn = [u for u in kept if not u.spans]
    # drawn until their text is at least as long as the annotated text (9 characters), no
    # further: one unit unless the first drawn is the only shorter one (6 characters)
    assert sum(len(u.text) for u in drawn) >= 9
    assert len(drawn) == 1 or sorted(len(u.text) for u in drawn)[:1] == [6] and len(drawn) == 2
    # the draw itself, pinned: a change to it changes every corpus built with --unannotated
    assert [u.id for u in drawn] == ["p:7"]
    assert [u.id for u in drop_unannotated(units, 1.0, seed=1)[0] if not u.spans] == ["p:6"]
    assert left_out == 10 - len(drawn) and annotated[0] in kept
    # the order read in is kept, and the draw depends on the seed, not on that order
    assert kept == [u for u in units if u in kept]
    assert drop_unannotated(list(reversed(units)), 1.0, seed=0)[0] == list(reversed(kept))
    assert len(drop_unannotated(units, 100.0)[0]) == len(units)


def test_corpus_unannotated_keeps_negatives_and_says_how_many(tmp_path, capsys):
    source = tmp_path / "p.txt"
    source.write_text("(我们)[收集]<姓名>\n" + "".join(f"第{n}条与本政策无关。\n" for n in range(20)),
                      encoding="utf-8")
    code = main(["corpus", str(source), "--unannotated", "2", "--dev", "0", "--out", str(tmp_path / "c")])
    out = capsys.readouterr().out
    assert code == 0
    # 6 annotated characters (我们收集姓名), so 12 to draw: one negative of 10 falls short, two reach it
    assert "units: train 3; 18 unit(s) without gold spans left out, 2 kept as negatives (--unannotated)" in out
    docs = list(DocBin().from_disk(tmp_path / "c" / "train.spacy").get_docs(blank_pipeline().vocab))
    assert [len(d.spans["sc"]) for d in docs].count(0) == 2
    assert main(["corpus", str(source), "--unannotated", "-1", "--out", str(tmp_path / "d")]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        "privspan corpus: error: argument --unannotated: must be in [0, inf], not -1")
    assert not (tmp_path / "d").exists()


@pytest.mark.slow
def test_the_paper_workflow_trains_on_a_quarter_apart_from_its_dev_and_never_on_test(ca4p_dir: Path, tmp_path):
    """weasel's corpus-paper step, run as project.yml has it: the training folder holds the pool
    and three copies of three quarters of the authors' dev file; the last quarter (early stopping,
    threshold) and every test sentence are in none of its files."""
    import shutil
    import subprocess
    import sys

    import srsly

    root = Path(__file__).resolve().parents[2]
    project = tmp_path / "project"
    project.mkdir()
    shutil.copy(root / "project.yml", project / "project.yml")
    result = subprocess.run([sys.executable, "-m", "weasel", "run", "corpus-paper", str(project),
                             "--vars.ca4p", str(ca4p_dir)], capture_output=True, text=True, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    vocab = blank_pipeline().vocab
    squeeze = "".join

    def texts(path: Path) -> list:
        return [squeeze(doc.text.split()) for doc in DocBin().from_disk(path).get_docs(vocab)]

    train = project / "corpus" / "paper" / "train"
    assert sorted(p.name for p in train.iterdir()) == [
        "authors-1.spacy", "authors-2.spacy", "authors-3.spacy", "train.spacy"]
    authors, held_out = (texts(project / "corpus" / "paper" / "authors" / f"{n}.spacy") for n in ("train", "dev"))
    assert (len(authors), len(held_out)) == (1544, 515)
    assert all(texts(train / f"authors-{n}.spacy") == authors for n in (1, 2, 3))
    pool = "\n".join(texts(train / "train.spacy"))
    test = {squeeze(u.text.split()) for u in read_bios(ca4p_dir / "train_dev_test" / "test.char.bios").units}
    looked_for = [s for s in test | set(held_out) if len(s) >= 8]
    assert not [s for s in looked_for if s in pool]
    # the split is by sentence: a held-out sentence is in the training quarter only where the
    # authors' file repeats it (a sentence of several policies)
    dev_file = [squeeze(u.text.split()) for u in read_bios(ca4p_dir / "train_dev_test" / "dev.char.bios").units]
    assert all(dev_file.count(s) >= 2 for s in set(authors) & set(held_out))
    assert srsly.read_yaml(project / "project.yml")["workflows"]["paper"][0] == "corpus-paper"
