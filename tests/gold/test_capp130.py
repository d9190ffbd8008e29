"""CAPP-130 as gold: its policies' sentences and their 13 labels, read, checked and built into
a corpus of sentence spans split by policy; and the sentence suggester the topics model uses."""
from __future__ import annotations

import json
from pathlib import Path

from spacy.tokens import DocBin
from spacy.vocab import Vocab

from pipeline.cli import main
from pipeline.components.sentences import sentence_spans
from pipeline.formats.registry import format_of, read
from pipeline.gold.docs import blank_pipeline
from pipeline.schema import TOPICS, TOPICS_KEY, get_scheme


def write_capp(root: Path, policies) -> Path:
    (root / "Annotation").mkdir(parents=True)
    for n, sentences in enumerate(policies, start=1):
        lines = [line if isinstance(line, str) else json.dumps(
            {"task": f"rw_{n}.jsonl", "id": k, "text": line[0], "label": line[1], "rewrite": []},
            ensure_ascii=False) for k, line in enumerate(sentences)]
        (root / "Annotation" / f"rw_{n}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_the_labels_are_the_data_files_thirteen_in_the_datasets_order():
    assert TOPICS == ["COLLECTION", "PERMISSION", "SHARING", "USE", "RETENTION", "SECURITY", "SPECIAL_AUDIENCE",
                      "CONTROL", "CONTACT", "POLICY_CHANGE", "CESSATION", "IMPORTANT", "RISK"]


def test_a_policy_is_its_sentences_and_a_stray_label_is_a_located_warning(tmp_path: Path):
    folder = write_capp(tmp_path / "capp", [[
        ("隐私政策", []),
        ("我们收集您的手机号码。", ["数据收集", "摘要"]),
        ("第三方可能获取您的位置。", ["共享、委托、转让、公开（披露）", "潜在风险", "我们收集您的手机号码。", ["x"]]),
        "{not json",
        ("联系我们：privacy@example.com", ["联系方式", "联系方式"]),
    ]])
    assert format_of(folder).name == "capp130"
    export = read(folder, get_scheme("topics"))
    (policy,) = export.documents
    assert policy.id == "rw_1"
    assert policy.text == "隐私政策\n我们收集您的手机号码。\n第三方可能获取您的位置。\n联系我们：privacy@example.com"
    assert [(policy.text[s.start:s.end], s.label) for s in policy.spans] == [
        ("我们收集您的手机号码。", "COLLECTION"), ("我们收集您的手机号码。", "IMPORTANT"),
        ("第三方可能获取您的位置。", "RISK"), ("第三方可能获取您的位置。", "SHARING"),
        ("联系我们：privacy@example.com", "CONTACT")]
    shown = [str(p) for p in export.problems]
    assert any(":3:1: warning: stray-label:" in line for line in shown)
    assert any(":4:" in line and "error: bad-record" in line for line in shown)
    assert export.dropped == {"not a CAPP-130 label": 2, "duplicate": 1}


def test_the_shared_copy_reads_whole(capp_dir: Path):
    export = read(capp_dir, get_scheme("topics"))
    assert len(export.documents) == 110 and sum(len(d.text.splitlines()) for d in export.documents) == 33624
    assert not export.bad and export.dropped["not a CAPP-130 label"] > 50
    assert {s.label for d in export.documents for s in d.spans} == set(TOPICS)


def test_corpus_keeps_every_sentence_split_by_policy_in_the_topics_group(tmp_path: Path, capsys):
    policies = [[(f"第{n}份政策的第{k}句，我们收集您的信息。", ["数据收集"] if k % 2 else []) for k in range(6)]
                for n in range(10)]
    folder = write_capp(tmp_path / "capp", policies)
    assert main(["corpus", str(folder), "--out", str(tmp_path / "out"), "--dev", "0.2", "--test", "0.2"]) == 0
    docs = {name: list(DocBin().from_disk(tmp_path / "out" / f"{name}.spacy").get_docs(Vocab()))
            for name in ("train", "dev", "test")}
    assert sum(map(len, docs.values())) == 60  # the sentences without a label too: negatives
    policies_of = {name: {d.user_data["doc_id"] for d in split} for name, split in docs.items()}
    assert [len(p) for p in policies_of.values()] == [6, 2, 2]
    assert not (policies_of["train"] & policies_of["test"])
    spans = [(s.text, s.label_) for split in docs.values() for d in split for s in d.spans[TOPICS_KEY]]
    assert len(spans) == 30 and {label for _, label in spans} == {"COLLECTION"}
    assert "COLLECTION 30" in capsys.readouterr().out


def test_each_sentence_is_one_candidate():
    doc = blank_pipeline().make_doc("我们收集信息。 您可以删除！\n联系我们")
    assert [doc[a:b].text for a, b in sentence_spans(doc)] == ["我们收集信息。", "您可以删除！", "联系我们"]


def test_topic_scores_count_every_sentence_and_report_yes_no_labels_as_the_authors_do():
    from spacy.tokens import Span as SpacySpan

    from pipeline.measure.topics import evaluate_topics

    nlp = blank_pipeline()

    def doc(text, labels):
        d = nlp.make_doc(text)
        d.spans[TOPICS_KEY] = [SpacySpan(d, 0, len(d), label=label) for label in labels]
        return d

    texts = ["我们收集信息。", "我们共享信息。", "本政策生效。", "风险自负。"]
    gold = [doc(texts[0], ["COLLECTION", "IMPORTANT"]), doc(texts[1], ["SHARING"]), doc(texts[2], []),
            doc(texts[3], ["RISK"])]
    predicted = {texts[0]: ["COLLECTION"], texts[1]: ["COLLECTION"], texts[2]: ["RISK"], texts[3]: []}

    def labeller(d):
        d.spans[TOPICS_KEY] = [SpacySpan(d, 0, len(d), label=label) for label in predicted[d.text]]
        return d

    class Labeller:  # a pipeline whose topics are `predicted`
        def pipe(self, texts, batch_size=0):
            return (labeller(nlp.make_doc(text)) for text in texts)

    report = evaluate_topics(Labeller(), gold)
    assert report["per_label"]["COLLECTION"] == {"p": 0.5, "r": 1.0, "f": 2 / 3, "gold": 1, "pred": 2, "correct": 1}
    assert report["per_label"]["SHARING"]["f"] == 0.0 and report["micro"]["correct"] == 1
    # RISK: no true positive, one false positive, one false negative, two true negatives
    assert report["risk"] == {"f": 0.0, "accuracy": 0.5, "macro": (0.0 + 2 / 3) / 2}
    # the topics' micro F pools COLLECTION and SHARING only: 1 right of 2 predicted and 2 gold
    assert report["topics"]["micro"] == 0.5
    # a gold with no risky sentence (one task's file of the authors) gives no yes/no figures of RISK
    assert "risk" not in evaluate_topics(Labeller(), gold[:3]) and "important" in report


def write_extraction(root: Path, files) -> Path:
    """Extraction/ folders as the authors name them, a file per (task, split)."""
    from pipeline.formats.capp130 import extraction_file

    for (task, split), lines in files.items():
        path = extraction_file(root, task, split)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_split_authors_takes_each_tasks_files_as_they_are_and_locates_bad_lines(tmp_path: Path, capsys):
    hot = "[1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]"
    files = {(task, split): [] for task in ("topic", "important", "risk") for split in ("train", "dev", "test")}
    files["topic", "train"] = [f"我们收集您的手机号码。\t{hot}", "我们不会出售。\t[0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]",
                               "没有标签的一行", "坏的一行\t[1, 0]"]
    files["topic", "dev"] = ["您可以删除账号。\t[0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0]"]
    files["topic", "test"] = ["联系我们。\t[0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0]"]
    files["important", "train"] = ["我们收集您的手机号码。\t1", "您好。\t0", "真的吗\ttrue"]
    files["important", "dev"] = ["您可以删除账号。\t1"]
    files["important", "test"] = ["联系我们。\t0"]
    files["risk", "train"] = ["我们可能共享您的位置。\t1"]
    files["risk", "dev"] = ["我们加密。\t0"]
    files["risk", "test"] = ["第三方可能获取您的通讯录。\t1"]
    folder = write_extraction(write_capp(tmp_path / "capp", [[("隐私政策", [])]]), files)
    out = tmp_path / "out"
    # the bad lines fail the command, after every good line is written
    assert main(["corpus", str(folder), "--split", "authors", "--out", str(out)]) == 1
    printed = capsys.readouterr()
    assert "topic_identification_dataset/train.txt:3:1: error: bad-line" in printed.err
    assert "topic_identification_dataset/train.txt:4:1: error: bad-line" in printed.err
    assert "imprtant_identification_dataset/train.txt:3:1: error: bad-line" in printed.err
    assert "task: risk" in printed.out and "RISK 2)" in printed.out and "COLLECTION" not in printed.out.split("task: risk")[1]

    def read_split(task, split):
        return [(d.text, sorted({s.label_ for s in d.spans[TOPICS_KEY]}))
                for d in DocBin().from_disk(out / task / f"{split}.spacy").get_docs(blank_pipeline().vocab)]

    assert read_split("topic", "train") == [("我们收集您的手机号码。", ["CESSATION", "COLLECTION"]), ("我们不会出售。", [])]
    assert read_split("topic", "test") == [("联系我们。", ["CONTACT"])]
    assert read_split("important", "train") == [("我们收集您的手机号码。", ["IMPORTANT"]), ("您好。", [])]
    assert read_split("risk", "test") == [("第三方可能获取您的通讯录。", ["RISK"])]


def test_split_authors_needs_a_folder_with_the_authors_files(tmp_path: Path, capsys):
    folder = write_capp(tmp_path / "capp", [[("隐私政策", [])]])
    assert main(["corpus", str(folder), "--split", "authors", "--out", str(tmp_path / "out")]) == 1
    assert "error: --split authors reads one CAPP-130 folder with an Extraction/" in capsys.readouterr().err


def test_split_authors_reads_the_shared_copy(capp_dir: Path):
    from pipeline.formats.capp130 import read_extraction

    export = read_extraction(capp_dir, "topic", "test")
    assert len(export.documents) == 2659 and not export.bad  # the sentences the shared copy keeps


def test_bad_policies_are_located_and_the_good_ones_still_read(tmp_path: Path, capsys):
    folder = write_capp(tmp_path / "capp", [
        [],  # an empty policy
        [("没有句末的一句" * 3, ["数据收集"])],  # no sentence end: the line is its sentence
        [("长" * 200_000, ["数据收集"]), ("好的句子。", [])],  # a very long line
        [("我们共享您的位置。", ["共享、委托、转让、公开（披露）"])],
    ])
    (folder / "Annotation" / "rw_5.jsonl").write_bytes(b"\xff\xfe bad bytes\n")
    code = main(["corpus", str(folder), "--out", str(tmp_path / "out"), "--dev", "0"])
    printed = capsys.readouterr()
    assert code == 1  # the unreadable file fails the command, after the rest is written
    assert f"{folder / 'Annotation' / 'rw_1.jsonl'}:1:1: warning: empty: a policy without sentences" in printed.err
    assert f"{folder / 'Annotation' / 'rw_5.jsonl'}: error: undecodable bytes" in printed.err
    docs = list(DocBin().from_disk(tmp_path / "out" / "train.spacy").get_docs(Vocab()))
    assert sorted(len(d.text) for d in docs) == [5, 9, 21, 200_000]
    assert "annotations read: 3 = written 3 + dropped 0" in printed.out
