"""privspan lint / convert / corpus, including bad input next to good input."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.tokens import DocBin

from pipeline.cli import main
from pipeline.gold.docs import blank_pipeline
from pipeline.formats.brackets import parse

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "seed_kuaishou.txt"



def test_lint_seed(run, capsys):
    code, out, _ = run("lint", SEED)
    lines = out.splitlines()
    assert code == 1  # the seed's unclosed '['
    assert lines[0] == f"{SEED}:21:43: error: unclosed: '[' (ACTION) is not closed before the end of the line; kept as text"
    assert sum(": warning: stray: " in line for line in lines) == 4
    assert lines[-1] == "1 file(s): 124 spans (ACTOR 12, ACTION 19, DATA 78, CONTEXT 15); 1 error(s), 4 warning(s)"
    assert run("lint", "--strict", SEED)[0] == 1


def test_lint_fails_on_warnings_only_with_strict(run, tmp_path, capsys):
    stray = tmp_path / "stray.txt"
    stray.write_text("1) (我们)[收集]<信息>", encoding="utf-8")
    code, out, _ = run("lint", stray)
    assert code == 0 and out.splitlines()[-1].endswith("0 error(s), 1 warning(s)")
    assert run("lint", "--strict", stray)[0] == 1
    clean = tmp_path / "clean.txt"
    clean.write_text("(我们)[收集]<信息>", encoding="utf-8")
    assert run("lint", "--strict", clean)[0] == 0


def test_lint_bad_inputs_are_one_line_each_and_good_files_still_read(run, tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text("(我们)[收集]<信息>", encoding="utf-8")
    binary = tmp_path / "bin.txt"
    binary.write_bytes(b"\x00\x01\x02")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    code, out, err = run("lint", good, binary, tmp_path / "missing.txt", empty_dir)
    assert code == 1
    assert "3 spans (ACTOR 1, ACTION 1, DATA 1, CONTEXT 0); 3 error(s), 0 warning(s)" in out
    assert err.splitlines() == [
        f"{tmp_path / 'missing.txt'}: error: no such file or folder",
        f"{empty_dir}: error: no .txt files in this folder",
        f"{binary}: error: binary file (NUL bytes), not text",
    ]


def test_lint_reads_gb18030(run, tmp_path, capsys):
    path = tmp_path / "gbk.txt"
    path.write_bytes("(我们)[收集]".encode("gb18030"))
    code, out, _ = run("lint", path)
    assert code == 0 and "2 spans" in out


def test_convert_jsonl_and_back(run, tmp_path, capsys):
    jsonl = tmp_path / "seed.jsonl"
    assert run("convert", SEED, "--to", "jsonl", "--out", jsonl)[0] == 0
    [record] = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    parsed = parse(SEED.read_text(encoding="utf-8"))
    assert record["id"] == SEED.stem and record["text"] == parsed.text
    assert len(record["spans"]) == 124
    # gold: no score; each span's text, which a reader checks against the offsets
    assert all(set(s) == {"start", "end", "label", "text"} and s["text"] == parsed.text[s["start"]:s["end"]]
               for s in record["spans"])
    code, out, _ = run("convert", jsonl, "--to", "brackets")
    assert code == 0
    again = parse(out[:-1])  # one document, followed by a newline
    assert again.text == parsed.text and again.spans == parsed.spans


def test_convert_bad_jsonl_line_is_reported_and_others_written(run, tmp_path, capsys):
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text('{"id": "a", "text": "a(b", "spans": [{"start": 0, "end": 1, "label": "DATA"}]}\n'
                     'not json\n'
                     '{"id": "c", "text": "xyz", "spans": [{"start": 0, "end": 2, "label": "DATA"},'
                     ' {"start": 1, "end": 3, "label": "ACTOR"}]}\n', encoding="utf-8")
    out_dir = tmp_path / "out"
    code, _, err = run("convert", jsonl, "--to", "brackets", "--out", out_dir)
    assert code == 1
    assert (out_dir / "a.txt").read_text(encoding="utf-8") == "<a>\\(b"
    assert (out_dir / "c.txt").read_text(encoding="utf-8") == "<xy>z"
    assert f"{jsonl}:2:1: error: bad-record: " in err
    assert f"{jsonl}:3:1: warning: left-out: c: ACTOR [1, 3)" in err
    assert "Traceback" not in err


def test_corpus_seed_splits_by_line_and_keeps_every_span(run, tmp_path, capsys):
    code, out, err = run("corpus", SEED, "--out", tmp_path, "--dev", "0.2", "--test", "0.1")
    assert code == 0
    assert "documents: 1 (split by line; too few documents to split by document)" in out
    assert "spans written: 124 (ACTOR 12, ACTION 19, DATA 78, CONTEXT 15)" in out
    assert "annotations read: 124 = written 124 + dropped 0" in out
    assert ":21:43: error: unclosed:" in err
    nlp = blank_pipeline()
    docs = {name: list(DocBin().from_disk(tmp_path / f"{name}.spacy").get_docs(nlp.vocab))
            for name in ("train", "dev", "test")}
    assert all(docs.values())
    assert sum(len(d.spans["sc"]) for split in docs.values() for d in split) == 124
    ids = [d.user_data["id"] for split in docs.values() for d in split]
    assert len(ids) == len(set(ids)) == 15
    assert all(d.user_data["doc_id"] == SEED.stem and d.user_data["line"] >= 1
               for split in docs.values() for d in split)


def test_recall_reads_a_built_corpus_and_names_a_bad_one(run, tmp_path, capsys):
    assert run("corpus", SEED, "--out", tmp_path, "--dev", "0.2", "--test", "0.1")[0] == 0
    code, out, err = run("recall", tmp_path / "train.spacy", "--max-ngram", "1", "--max-clause", "1")
    assert code == 0 and err == ""
    # one-token candidates only: ACTION's one-word spans are proposed, CONTEXT's clauses not
    counts = dict(line.strip().split(": ", 1) for line in out.splitlines()[2:])
    assert set(counts) == {"ACTOR", "ACTION", "DATA", "CONTEXT"}
    assert counts["CONTEXT"].startswith("0.000")
    assert float(counts["ACTION"].split()[0]) > 0.5
    bad = tmp_path / "bad.spacy"
    bad.write_bytes(b"not a docbin")
    for path, message in ((bad, "not a readable DocBin (ValueError)"),
                          (tmp_path / "missing.spacy", "no such file or folder")):
        code, out, err = run("recall", path)
        assert (code, out) == (1, "")
        assert err.splitlines() == [f"{path}: error: {message}"]


def test_corpus_is_deterministic_and_splits_by_document(run, tmp_path, capsys):
    for i in range(6):
        (tmp_path / f"doc{i}.txt").write_text(f"(我们)[收集]<信息{i}>\n无\n<位置>", encoding="utf-8")

    def build(out: Path, seed: int) -> dict:
        assert run("corpus", tmp_path, "--out", out, "--dev", "0.2", "--test", "0.2",
                   "--seed", seed)[0] == 0
        nlp = blank_pipeline()
        return {name: sorted(d.user_data["id"] for d in DocBin().from_disk(out / f"{name}.spacy").get_docs(nlp.vocab))
                for name in ("train", "dev", "test")}

    first, again = build(tmp_path / "a", 1), build(tmp_path / "b", 1)
    assert first == again
    doc_sets = [{i.split(":")[0] for i in ids} for ids in first.values()]
    assert sum(len(s) for s in doc_sets) == 6 and not (doc_sets[0] & doc_sets[1] or doc_sets[1] & doc_sets[2])


def test_corpus_raw_text_is_the_train_documents_whole_and_nothing_held_out(run, tmp_path, capsys):
    for i in range(6):
        # the middle line has no spans: left out of the corpus, but still text to pretrain on
        (tmp_path / f"doc{i}.txt").write_text(f"(我们)[收集]<信息{i}>\n无标注{i}\n<位置>", encoding="utf-8")
    raw = tmp_path / "raw" / "train.jsonl"
    out = tmp_path / "out"
    assert run("corpus", tmp_path, "--out", out, "--dev", "0.2", "--test", "0.2",
               "--raw-text", raw)[0] == 0
    nlp = blank_pipeline()
    train_docs = {d.user_data["doc_id"] for d in DocBin().from_disk(out / "train.spacy").get_docs(nlp.vocab)}
    texts = [json.loads(line)["text"] for line in raw.read_text(encoding="utf-8").splitlines()]
    numbers = sorted({int(t[-1]) for t in texts if t.startswith("无标注")})
    assert len(train_docs) == 4 and len(numbers) == 4 and len(texts) == 3 * 4
    assert {f"信息{n}" for n in numbers} == {t[-3:] for t in texts if t.startswith("我们")}
    assert all(f"doc{n}" in " ".join(train_docs) for n in numbers)


def test_corpus_counts_misaligned_spans(run, tmp_path, capsys):
    # jieba keeps 手机号码 whole, so a span on 手机 alone cuts through a token.
    path = tmp_path / "m.txt"
    path.write_text("[提供]<手机>号码", encoding="utf-8")
    assert [t.text for t in blank_pipeline()("提供手机号码")] == ["提供", "手机号码"]
    code, out, _ = run("corpus", path, "--out", tmp_path / "c", "--dev", "0")
    assert code == 0
    assert "expanded to token edges 1 (ACTOR 0, ACTION 0, DATA 1, CONTEXT 0), dropped 0" in out
    [doc] = DocBin().from_disk(tmp_path / "c" / "train.spacy").get_docs(blank_pipeline().vocab)
    assert [(s.text, s.label_) for s in doc.spans["sc"]] == [("提供", "ACTION"), ("手机号码", "DATA")]


def test_corpus_strict_leaves_out_files_with_errors(run, tmp_path, capsys):
    (tmp_path / "bad.txt").write_text("<a>[b", encoding="utf-8")
    (tmp_path / "good.txt").write_text("<a>\n<b>", encoding="utf-8")
    code, out, _ = run("corpus", tmp_path, "--out", tmp_path / "c", "--dev", "0", "--strict")
    assert code == 1
    assert "annotations read: 3 = written 2 + dropped 1; file with markup errors (--strict): 1" in out
    code, out, _ = run("corpus", tmp_path, "--out", tmp_path / "d", "--dev", "0")
    assert code == 0 and "spans written: 3 " in out


def test_corpus_missing_source_is_an_error_but_the_rest_is_built(run, tmp_path, capsys):
    code, out, err = run("corpus", SEED, tmp_path / "nope.txt", "--out", tmp_path / "c")
    assert code == 1
    assert err.splitlines()[0] == f"{tmp_path / 'nope.txt'}: error: no such file or folder"
    assert (tmp_path / "c" / "train.spacy").exists()


def test_module_entry_point_and_no_traceback(tmp_path):
    bad = tmp_path / "x.txt"
    bad.write_bytes(b"\xff\xfe\x00bad")
    result = subprocess.run([sys.executable, "-m", "pipeline", "lint", str(bad)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 1
    assert result.stderr.strip() == f"{bad}: error: binary file (NUL bytes), not text"


def _debug_data(corpus_dir: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "debug", "data", str(ROOT / "configs" / "spancat.cfg"),
         "--paths.train", str(corpus_dir / "train.spacy"), "--paths.dev", str(corpus_dir / "dev.spacy")],
        capture_output=True, text=True, cwd=ROOT)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def test_debug_data_on_a_ca4p_corpus_shows_no_errors(run, tmp_path, capsys, ca4p_dir):
    # 20 policies: enough units for debug data's minimum, small enough to be quick.
    pool = tmp_path / "pool"
    for sub, suffix in (("raw_data", ".html"), ("annotation_data", ".json")):
        (pool / sub).mkdir(parents=True)
        for stem in sorted(p.stem for p in (ca4p_dir / "raw_data").glob("*.html"))[:20]:
            shutil.copy(ca4p_dir / sub / f"{stem}{suffix}", pool / sub)
    assert run("corpus", pool, "--out", tmp_path / "c", "--dev", "0.2")[0] == 0
    result = _debug_data(tmp_path / "c")
    out = result.stdout
    assert result.returncode == 0 and "✘" not in out
    assert "sc          {" in out and "checks passed" in out


def test_debug_data_on_the_seed_corpus_only_finds_it_small(run, tmp_path, capsys):
    assert run("corpus", SEED, "--out", tmp_path, "--dev", "0.2")[0] == 0
    result = _debug_data(tmp_path)
    errors = [line for line in result.stdout.splitlines() if "✘" in line]
    assert result.returncode == 1
    assert len(errors) == 2 and "Low number of examples" in errors[0] and "1 error" in errors[1]


def _docbin_contents(path: Path) -> list:
    vocab = blank_pipeline().vocab
    return [(d.text, [(s.start_char, s.end_char, s.label_) for s in d.spans["sc"]], d.user_data)
            for d in DocBin(store_user_data=True).from_disk(path).get_docs(vocab)]


@pytest.mark.parametrize("extra_docs", [0, 5])
def test_corpus_from_its_own_hf_dataset_gives_the_same_docs(run, tmp_path, capsys, extra_docs):
    import datasets

    sources = [SEED]
    for i in range(extra_docs):
        path = tmp_path / f"d{i}.txt"
        path.write_text(f"(我们)[收集]<信息{i}>\n<位置>", encoding="utf-8")
        sources.append(path)
    first, hf, again = tmp_path / "first", tmp_path / "hf", tmp_path / "again"
    assert run("corpus", *sources, "--out", first, "--dev", "0.2", "--test", "0.2", "--hf-out", hf)[0] == 0
    assert set(datasets.load_from_disk(str(hf))) == {"train", "dev", "test"}
    assert run("corpus", hf, "--out", again, "--dev", "0.2", "--test", "0.2")[0] == 0
    for name in ("train", "dev", "test"):
        assert _docbin_contents(first / f"{name}.spacy") == _docbin_contents(again / f"{name}.spacy")


def _project(tmp_path: Path, repo: str) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "project.yml").write_text(
        f'title: "t"\nassets:\n  - dest: "assets/data"\n    git:\n      repo: "{repo}"\n'
        '      branch: "main"\n      path: "data"\n', encoding="utf-8")
    return project


def test_assets_says_at_once_that_a_host_cannot_be_reached(run, tmp_path, capsys):
    # nothing listens on port 9 of this machine: refused at once, as an absent network is
    project = _project(tmp_path, "https://127.0.0.1:9/owner/repo")
    code, out, _ = run("assets", project, "--timeout", "5")
    assert code == 0
    assert out.strip() == ("note: 127.0.0.1 cannot be reached (Connection refused): no assets fetched; "
                           "the workflow goes on without them")
    assert not (project / "assets").exists()


def test_assets_fetches_with_weasel_when_the_repository_answers(run, tmp_path, capsys):
    source = tmp_path / "source"
    (source / "data").mkdir(parents=True)
    (source / "data" / "0001.txt").write_text("(我们)[收集]<信息>", encoding="utf-8")
    git = ["git", "-C", str(source), "-c", "user.name=t", "-c", "user.email=t@t"]
    for command in (["init", "-q", "-b", "main"], ["add", "."], ["commit", "-qm", "data"]):
        subprocess.run(git + command, check=True)
    project = _project(tmp_path, source.as_uri())
    assert run("assets", project)[0] == 0
    assert (project / "assets" / "data" / "0001.txt").read_text(encoding="utf-8") == "(我们)[收集]<信息>"
    code, out, _ = run("assets", project, "--skip-if", project / "assets" / "data")
    assert code == 0 and out.strip() == f"{project / 'assets' / 'data'} is there: no assets fetched"
    # one of two datasets absent: the assets are fetched
    (project / "assets" / "data" / "0001.txt").unlink()
    code, out, _ = run("assets", project, "--skip-if", project / "assets", "--skip-if", project / "absent")
    assert code == 0 and "no assets fetched" not in out
    assert (project / "assets" / "data" / "0001.txt").exists()


def test_corpus_of_a_few_documents_says_its_model_is_a_demo(run, tmp_path, capsys):
    code, _, err = run("corpus", SEED, "--out", tmp_path / "c")
    assert code == 0
    assert ("note: 1 document(s) are far too few for a useful model: a model trained on this corpus "
            "is a demo") in err.splitlines()


@pytest.mark.parametrize("argv,message", [
    (["annotate", "m", "x.txt", "--threshold", "2"], "argument --threshold: must be in [0, 1], not 2"),
    (["annotate", "m", "x.txt", "--n-process", "0"], "argument --n-process: must be at least 1, not 0"),
    (["select", "m", "x.txt", "--n", "3", "--out", "o", "--band", "0"], "argument --band: must be in (0, 1], not 0"),
    (["corpus", "x.txt", "--out", "o", "--dev", "x"], "argument --dev: 'x' is not a number"),
    (["report", "x.jsonl", "--out", "o", "--min-score", "-0.5"], "argument --min-score: must be in [0, 1], not -0.5"),
    (["threshold", "m", "d.spacy", "--n-trials", "1"], "argument --n-trials: must be at least 2, not 1"),
])
def test_usage_errors_are_argparses_one_line_and_exit_2(argv, message, capsys):
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith(f"usage: privspan {argv[0]}")
    assert err.splitlines()[-1] == f"privspan {argv[0]}: error: {message}"


def test_corpus_notes_go_to_stderr_and_only_results_to_stdout(run, tmp_path, capsys):
    code, out, err = run("corpus", SEED, tmp_path / "absent", "--out", tmp_path / "c", "--skip-missing")
    assert code == 0
    assert err.splitlines()[0] == f"note: {tmp_path / 'absent'} is absent; building from the other sources"
    assert "note:" not in out and "error:" not in out
