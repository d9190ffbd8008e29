"""The sentence topics in the pipeline: configs/pipeline.cfg assembles the span tagger and the
topics model with `spacy assemble`; annotate writes each sentence's labels in JSONL and
Parquet and shows them in the HTML margin; brackets stay as they were."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.cli import main
from pipeline.formats.html import visible_text
from pipeline.schema import TOPICS

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def topics_model(tmp_path_factory) -> Path:
    """A smoke-trained topics model: plain `spacy train configs/topics.cfg` on a CAPP-130-like corpus."""
    from tests.gold.test_capp130 import write_capp

    root = tmp_path_factory.mktemp("topics")
    sentences = [("我们会收集您的手机号码和设备信息。", ["数据收集", "摘要"]),
                 ("我们可能与第三方共享您的位置信息。", ["共享、委托、转让、公开（披露）", "潜在风险"]),
                 ("您可以访问、更正或删除您的个人信息。", ["数据、权限管理"]),
                 ("本政策自发布之日起生效。", [])]
    write_capp(root / "capp", [sentences * 3 for _ in range(6)])
    assert main(["corpus", str(root / "capp"), "--out", str(root / "corpus"), "--dev", "0.2"]) == 0
    # where the workflow puts them, which the config reads: only train and dev are given
    assert main(["vectors", str(root / "capp"), "--out", str(root / "training" / "vectors"), "--bucket", "1000",
                 "--dim", "16"]) == 0
    result = subprocess.run([sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / "topics.cfg"),
                             "--output", str(root / "model"), "--paths.train", str(root / "corpus" / "train.spacy"),
                             "--paths.dev", str(root / "corpus" / "dev.spacy"), "--training.max_steps", "60",
                             "--training.eval_frequency", "20"], capture_output=True, text=True, cwd=root)
    assert result.returncode == 0, result.stdout + result.stderr
    return root / "model" / "model-last"


@pytest.fixture(scope="module")
def assembled(tiny_model: Path, topics_model: Path, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("assembled") / "pipeline"
    # exactly the command the workflow runs
    result = subprocess.run([sys.executable, "-m", "spacy", "assemble", "configs/pipeline.cfg", str(out),
                             "--paths.spancat", str(tiny_model), "--paths.topics", str(topics_model)],
                            capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return out


TEXT = "我们会收集您的手机号码和设备信息。我们可能与第三方共享您的位置信息。\n您可以访问、更正或删除您的个人信息。"


def test_one_load_tags_spans_and_labels_sentences(assembled: Path, tiny_model: Path):
    import spacy

    nlp = spacy.load(assembled)
    assert nlp.pipe_names == ["tok2vec", "spancat", "decoder", "report_spans", "topics", "topic_thresholds"]
    doc = nlp(TEXT)
    sentences = {(s.start_char, s.end_char) for s in doc.spans["topics"]}
    assert sentences <= {(0, 17), (17, 34), (35, 53)} and sentences
    assert {s.label_ for s in doc.spans["topics"]} <= set(TOPICS)
    # the span tagger's spans are those of the pipeline it came from
    alone = spacy.load(tiny_model)(TEXT)
    assert [(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]] == \
        [(s.start_char, s.end_char, s.label_) for s in alone.spans["sc"]]


def test_annotate_writes_topics_in_jsonl_parquet_and_the_html_margin(assembled: Path, tmp_path: Path):
    source = tmp_path / "policy.jsonl"
    source.write_text(json.dumps({"id": "p", "text": TEXT}, ensure_ascii=False) + "\n", encoding="utf-8")
    for fmt in ("jsonl", "html", "brackets"):
        assert main(["annotate", str(assembled), str(source), "--format", fmt, "--out", str(tmp_path / fmt),
                     "--quiet"]) == 0
    record = json.loads((tmp_path / "jsonl" / "policy.jsonl").read_text(encoding="utf-8"))
    topics = record["topics"]
    assert topics and all(set(t) == {"start", "end", "label", "score"} and t["label"] in TOPICS and
                          0.5 <= t["score"] <= 1 and TEXT[t["start"]:t["end"]].strip() for t in topics)
    page = (tmp_path / "html" / "policy.html").read_text(encoding="utf-8")
    assert page.count('class="topic') >= len({t["start"] for t in topics})
    # the notes are generated content: the page's text is the policy's (the reader here
    # collapses the line breaks a pre-wrap block shows)
    body = page[page.index('<div class="text'):]
    assert "".join(visible_text(body[:body.index("</div>") + 6]).split()) == "".join(TEXT.split())
    assert (tmp_path / "brackets" / "policy.txt").read_text(encoding="utf-8").count("\n") <= 2

    # read back: the topics are checked like spans, and kept
    from pipeline.formats.registry import read
    from pipeline.schema import get_scheme

    (doc,) = read(tmp_path / "jsonl" / "policy.jsonl", get_scheme("project")).documents
    assert len(doc.topics) == len(topics)
    bad = dict(record, topics=[{"start": 0, "end": 3, "label": "NOPE", "score": 0.9}])
    (tmp_path / "bad.jsonl").write_text(json.dumps(bad, ensure_ascii=False) + "\n", encoding="utf-8")
    export = read(tmp_path / "bad.jsonl", get_scheme("project"))
    assert any("topics[0]" in str(p) for p in export.problems) and export.documents[0].topics == {}


def test_evaluate_measures_the_checklist_by_ablation_with_the_assembled_pipeline(assembled: Path, tmp_path: Path,
                                                                                 capsys):
    from tests.gold.test_capp130 import write_capp

    sentences = [("如您对本政策有疑问，请发送邮件至privacy@example.com联系我们。", ["联系方式"]),
                 ("您可以在“我的-设置”中注销您的账号。", ["数据、权限管理"]),
                 ("我们会收集您的手机号码，用于注册账号。", ["数据收集"])]
    write_capp(tmp_path / "capp", [sentences, sentences[::-1]])
    assert main(["corpus", str(tmp_path / "capp"), "--out", str(tmp_path / "corpus"), "--dev", "0", "--test", "0"]) == 0
    output = tmp_path / "scores.json"
    assert main(["evaluate", str(assembled), str(tmp_path / "corpus" / "train.spacy"), "--checklist",
                 "--output", str(output)]) == 0
    printed = capsys.readouterr().out
    scores = json.loads(output.read_text(encoding="utf-8"))["checklist"]
    for name in ("topics", "words"):
        result = scores[name]
        # each of the two policies: the items gold finds, decided whole and cut
        assert result["decisions"] > 0 and result["decisions"] % 2 == 0
        assert f"checklist ablation ({name}): {result['right']} of {result['decisions']}" in printed


def _weasel(project: Path, step: str, *overrides: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "weasel", "run", step, str(project), *overrides],
                          capture_output=True, text=True, cwd=project)


@pytest.mark.slow
def test_the_workflow_without_capp130_ends_with_the_span_tagger_and_says_so_in_one_line(
        tiny_model: Path, topics_model: Path, tmp_path: Path):
    """The first run's topics steps as project.yml has them: without CAPP-130 they say in one
    line what is not built and the pipeline is the span tagger alone; once the corpus and the
    topics model are there, assemble runs again and the pipeline has them."""
    import shutil

    import spacy

    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "training", "packages", "assets", "metrics", "annotations", "tests", "reports",
        "__pycache__", "*.egg-info", "build", "*.spacy", "project.lock"))
    shutil.copytree(tiny_model, project / "training" / "spancat" / "model-best")
    said = ""
    for step in ("corpus-topics", "vectors", "train-topics", "evaluate-topics", "assemble"):
        result = _weasel(project, step, "--vars.capp130", str(tmp_path / "no-capp130"))
        assert result.returncode == 0, result.stdout + result.stderr
        said += result.stdout
    assert [line for line in said.splitlines() if "not built" in line] == [
        "not built: the clause topics, so the pipeline is the span tagger alone; CAPP-130 comes with network, "
        f"or from --vars.capp130 PATH ({tmp_path / 'no-capp130' / 'Annotation'} is not there)"]
    assert not (project / "training" / "topics").exists()
    assert not (project / "training" / "vectors").exists()
    assert spacy.load(project / "training" / "pipeline").pipe_names == ["tok2vec", "spancat", "decoder",
                                                                        "report_spans"]

    # CAPP-130 there but not CA4P-483, whose texts the vectors are trained on: one line, no vectors
    (tmp_path / "capp130" / "Annotation").mkdir(parents=True)
    result = _weasel(project, "vectors", "--vars.capp130", str(tmp_path / "capp130"),
                     "--vars.ca4p", str(tmp_path / "no-ca4p"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert [line for line in result.stdout.splitlines() if "not built" in line] == [
        "not built: the clause topics, whose vectors are trained on the texts of CA4P-483 "
        f"({tmp_path / 'no-ca4p' / 'raw_data'} is not there)"]
    assert not (project / "training" / "vectors").exists()

    # the corpus built and the topics trained: assemble's dep changed, and it sources both
    (project / "corpus" / "capp130" / "train.spacy").write_bytes(b"built")
    shutil.copytree(topics_model, project / "training" / "topics" / "model-best")
    result = _weasel(project, "assemble")
    assert result.returncode == 0, result.stdout + result.stderr
    assert spacy.load(project / "training" / "pipeline").pipe_names == ["tok2vec", "spancat", "decoder",
                                                                        "report_spans", "topics", "topic_thresholds"]


def test_step_runs_its_command_only_when_its_paths_are_there(tmp_path: Path, capsys):
    there = tmp_path / "there"
    there.mkdir()
    assert main(["step", "--needs", str(there), "--what", "x", "--", "python", "-c",
                 "import sys; sys.exit(3)"]) == 3  # run, with this Python, its exit status passed on
    assert main(["step", "--needs", str(there), "--needs", str(tmp_path / "absent"), "--what", "the x", "--",
                 "false"]) == 0
    assert main(["step", "--unless", str(there), "--what", "the y", "--", "false"]) == 0
    assert capsys.readouterr().out == f"not built: the x ({tmp_path / 'absent'} is not there)\n"
    assert main(["step", "--needs", str(there)]) == 2  # no command: a usage error


def test_a_threshold_per_label_keeps_each_label_at_its_own():
    import numpy
    from spacy.tokens import SpanGroup

    from pipeline.gold.docs import blank_pipeline

    nlp = blank_pipeline()
    pipe = nlp.add_pipe("privspan_label_thresholds", config={"thresholds": {"RISK": 0.2}})
    doc = nlp.make_doc("我们可能共享您的位置。您可以删除。")
    group = SpanGroup(doc, name="topics", spans=[doc.char_span(0, 11, "RISK"), doc.char_span(0, 11, "SHARING"),
                                                   doc.char_span(11, 17, "CONTROL")])
    group.attrs["scores"] = numpy.asarray([0.3, 0.4, 0.6], dtype="f")
    doc.spans["topics"] = group
    doc = pipe(doc)
    # RISK at its own 0.2, the others at the default 0.5; the kept spans keep their scores
    assert [(s.label_, round(float(v), 2)) for s, v in zip(doc.spans["topics"], doc.spans["topics"].attrs["scores"])] \
        == [("RISK", 0.3), ("CONTROL", 0.6)]


def test_threshold_chooses_each_labels_threshold_on_dev_and_saves_it(topics_model: Path, tmp_path: Path, capsys):
    import shutil

    import spacy

    from pipeline.measure.threshold import GRID

    dev = topics_model.parents[1] / "corpus" / "dev.spacy"
    # a topics model saved before the thresholds component existed gets one
    old = spacy.load(topics_model)
    old.remove_pipe("topic_thresholds")
    old.to_disk(tmp_path / "model")
    assert main(["threshold", str(tmp_path / "model"), str(dev)]) == 0
    assert "thresholds per label COLLECTION" in capsys.readouterr().out
    nlp = spacy.load(tmp_path / "model")
    assert nlp.pipe_names == ["topics", "topic_thresholds"]
    thresholds = nlp.get_pipe("topic_thresholds").thresholds
    assert set(thresholds) == set(TOPICS) and all(GRID[0] <= t <= GRID[-1] for t in thresholds.values())
    # the span categorizer keeps every label at the lowest of them, in its config and its cfg
    assert nlp.config["components"]["topics"]["threshold"] == nlp.get_pipe("topics").cfg["threshold"] \
        == min(thresholds.values())
    assert nlp.config["components"]["topic_thresholds"]["thresholds"] == thresholds
    shutil.rmtree(tmp_path / "model")
