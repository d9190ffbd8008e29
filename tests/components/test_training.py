"""The default config trains with plain spaCy, and what it saves loads and packages."""
from __future__ import annotations

import json
import shlex
import subprocess
import sys
import venv
from pathlib import Path

import numpy
import pytest
import spacy
from spacy.cli._util import parse_config_overrides
from spacy.util import dot_to_object, load_config, load_model_from_config, registry
from weasel.util import load_project_config

from pipeline.schema import CA4P_CLASSES, LABELS

ROOT = Path(__file__).resolve().parents[2]

CONFIG = ROOT / "configs" / "spancat.cfg"
PROBE = "当您通过快手小店购买商品时，我们会收集您的手机号码。"


def test_labels_come_from_the_schema():
    config = load_config(CONFIG, interpolate=True)
    resolved = registry.resolve(config["initialize"]["components"])
    assert resolved["spancat"]["labels"] == LABELS
    seven = load_config(CONFIG, overrides={"vars.labels": "ca4p"}, interpolate=True)
    assert sorted(registry.resolve(seven["initialize"]["components"])["spancat"]["labels"]) == sorted(
        CA4P_CLASSES.values())


def _workflow_trainings():
    for command in load_project_config(ROOT)["commands"]:
        for line in command.get("script", []):
            args = shlex.split(line)
            if args[:2] == ["privspan", "step"]:  # the guarded steps of the topics: the command after --
                args = args[args.index("--") + 1:]
            if args[1:4] == ["-m", "spacy", "train"]:
                yield pytest.param(args[4], args[5:], id=command["name"])


@pytest.mark.parametrize("config_path,args", list(_workflow_trainings()))
def test_workflow_trainings_build_from_their_config_and_overrides(config_path, args):
    # A misspelt or renamed override would otherwise fail only when the step runs, after
    # its corpus has been built; options without a dot (--output, --gpu-id) are spaCy's own.
    pairs = [(args[i], args[i + 1]) for i in range(0, len(args), 2)]
    overrides = parse_config_overrides([a for key, value in pairs if "." in key for a in (key, value)])
    config = load_config(ROOT / config_path, overrides=overrides, interpolate=False)
    nlp = load_model_from_config(config, auto_fill=True, validate=True)
    expected = {"configs/spancat.cfg": ["tok2vec", "spancat", "decoder", "report_spans"],
                "configs/topics.cfg": ["topics", "topic_thresholds"]}
    assert nlp.pipe_names == expected[config_path]
    for key, value in overrides.items():
        assert dot_to_object(nlp.config, key) == value, key


def test_smoke_model_has_the_labels_and_predicts_spans(tiny_model: Path):
    nlp = spacy.load(tiny_model)
    assert nlp.pipe_names == ["tok2vec", "spancat", "decoder", "report_spans"]
    assert nlp.get_pipe("spancat").labels == tuple(LABELS)
    doc = nlp(PROBE)
    # one score per span (spaCy's max_positive = 1 path keeps them as an (n, 1) array)
    assert numpy.ravel(doc.spans["sc"].attrs["scores"]).shape == (len(doc.spans["sc"]),)


def test_saved_pipeline_tokenizes_as_in_training_in_a_fresh_process(tiny_model: Path, user_word: str):
    code = (f"import json, spacy; nlp = spacy.load({str(tiny_model)!r}); "
            f"print(json.dumps([t.text for t in nlp.make_doc({PROBE!r})], ensure_ascii=False))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    tokens = json.loads(result.stdout)
    assert user_word in tokens
    assert tokens == [t.text for t in spacy.load(tiny_model).make_doc(PROBE)]
    assert json.loads((tiny_model / "tokenizer" / "cfg").read_text())["user_words"] == [user_word]


def test_saved_pipeline_multiplies_with_numpys_blas_in_a_fresh_process(tiny_model: Path):
    # thinc's default (blis) would be True here; the config's before_creation callback flips it
    code = (f"import spacy; nlp = spacy.load({str(tiny_model)!r}); "
            "print(sorted({node.ops.use_blis for _, pipe in nlp.pipeline if hasattr(pipe, 'model') "
            "for node in pipe.model.walk()}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd="/")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[False]"


# The README's command, run as written from the project folder after the workflow's package step.
INSTALL_PACKAGE = "pip install --find-links packages/zh_privspan-0.1.0/dist zh_privspan"


@pytest.mark.slow
def test_workflow_package_installs_as_the_readme_says_in_a_fresh_venv(tiny_model: Path, tmp_path: Path,
                                                                     user_word: str):
    import shlex
    import shutil

    assert INSTALL_PACKAGE in (ROOT / "README.md").read_text(encoding="utf-8")
    project = tmp_path / "project"
    shutil.copytree(ROOT, project, ignore=shutil.ignore_patterns(
        ".git", ".venv", "training", "packages", "assets", "metrics", "annotations", "tests",
        "__pycache__", "*.egg-info", "build", "*.spacy"))
    shutil.copytree(tiny_model, project / "training" / "pipeline")
    result = subprocess.run([sys.executable, "-m", "weasel", "run", "package", str(project)],
                            capture_output=True, text=True, cwd=project)
    assert result.returncode == 0, result.stdout + result.stderr
    meta = json.loads(next(project.glob("packages/*/meta.json")).read_text())
    assert any(r.startswith("privspan") for r in meta["requirements"])

    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    command = shlex.split(INSTALL_PACKAGE)
    install = subprocess.run([str(env / "bin" / "python"), "-m", *command, "-q"],
                             capture_output=True, text=True, cwd=project)
    assert install.returncode == 0, install.stdout + install.stderr
    code = (f"import json, spacy; nlp = spacy.load('zh_privspan'); doc = nlp({PROBE!r}); "
            "print(json.dumps([t.text for t in doc], ensure_ascii=False))")
    loaded = subprocess.run([str(env / "bin" / "python"), "-c", code], capture_output=True, text=True,
                            cwd=tmp_path)
    assert loaded.returncode == 0, loaded.stderr
    assert user_word in json.loads(loaded.stdout)


def test_threshold_is_tuned_on_dev_and_saved_in_the_pipeline(tiny_model: Path, seed_corpus: Path, tmp_path: Path):
    import shutil

    from pipeline.measure.threshold import tune_threshold

    model = tmp_path / "model"
    shutil.copytree(tiny_model, model)
    best, score, scores = tune_threshold(model, seed_corpus / "dev.spacy", n_trials=5)
    assert sorted(scores) == pytest.approx([0.0, 0.25, 0.5, 0.75, 1.0])
    assert score == max(scores.values()) and scores[best] == score
    saved = load_config(model / "config.cfg", interpolate=True)["components"]
    assert saved["decoder"]["threshold"] == best
    loaded = spacy.load(model)
    assert loaded.get_pipe("decoder").threshold == best
    # the span categorizer keeps every span either group needs
    assert loaded.get_pipe("spancat").cfg["threshold"] <= min(best, saved["decoder"]["report_threshold"])
