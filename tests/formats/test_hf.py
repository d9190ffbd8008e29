"""HuggingFace datasets interchange: Units survive save_to_disk / load_from_disk unchanged."""
from __future__ import annotations

from pathlib import Path

import datasets
import pytest

from pipeline.formats.hf import FEATURES, load_units, save_splits, units_to_dataset
from pipeline.problems import InputError
from pipeline.records import Span, Unit

SPLITS = {
    "train": [
        Unit("0496", 3, "我们收集您的手机号", [Span(0, 2, "ACTOR"), Span(2, 4, "ACTION"),
                                             Span(6, 9, "DATA")]),
        Unit("0496", 7, "第一行\n第二行", [Span(1, 5, "CONTEXT")]),
        Unit("0497", 1, "没有标注的段落", []),
    ],
    "dev": [Unit("0500", 12, "用于{改进}服务", [Span(0, 6, "CONTEXT"), Span(0, 6, "ACTION")])],
    "test": [],
}


def test_round_trip(tmp_path: Path) -> None:
    saved = save_splits(SPLITS, tmp_path / "hf")
    assert set(saved) == set(SPLITS)
    assert saved["train"].features == FEATURES
    assert saved["train"][0]["id"] == "0496:3"
    assert saved["train"][0]["spans"][2] == {"start": 6, "end": 9, "label": "DATA"}
    assert load_units(tmp_path / "hf") == SPLITS


def test_empty_spans_keep_their_type() -> None:
    dataset = units_to_dataset([Unit("0001", 1, "无", [])])
    assert dataset.features == FEATURES
    assert units_to_dataset([]).features == FEATURES


def test_pool_units_round_trip(tmp_path: Path, ca4p_dir: Path) -> None:
    from pipeline.formats.ca4p import read_ca4p
    from pipeline.records import split_units

    documents = read_ca4p(ca4p_dir).documents[:5]
    units = [unit for doc in documents for unit in split_units(doc)]
    save_splits({"train": units}, tmp_path / "hf")
    assert load_units(tmp_path / "hf") == {"train": units}


def test_dataset_without_line(tmp_path: Path) -> None:
    # A dataset written by someone else: no `line`, features inferred, a lone Dataset.
    datasets.Dataset.from_dict({
        "id": ["0496:7", "0497:x", "plain"],
        "doc_id": ["0496", "0497", "0498"],
        "text": ["甲乙", "丙", "丁"],
        "spans": [[{"start": 0, "end": 1, "label": "DATA"}], [], []],
    }).save_to_disk(str(tmp_path / "other"))
    units = load_units(tmp_path / "other")
    assert list(units) == ["train"]
    assert [(u.doc_id, u.line) for u in units["train"]] == [("0496", 7), ("0497", 1), ("0498", 1)]
    assert units["train"][0].spans == [Span(0, 1, "DATA")]


def test_sequence_spans(tmp_path: Path) -> None:
    # `Sequence` of a struct reads back as a dict of lists; it must give the same spans.
    features = datasets.Features({
        "id": datasets.Value("string"), "doc_id": datasets.Value("string"),
        "text": datasets.Value("string"),
        "spans": datasets.Sequence({"start": datasets.Value("int64"),
                                    "end": datasets.Value("int64"),
                                    "label": datasets.Value("string")}),
    })
    datasets.Dataset.from_dict({
        "id": ["d:2"], "doc_id": ["d"], "text": ["甲乙丙"],
        "spans": [{"start": [0, 1], "end": [1, 3], "label": ["DATA", "ACTOR"]}],
    }, features=features).save_to_disk(str(tmp_path / "seq"))
    assert load_units(tmp_path / "seq") == {
        "train": [Unit("d", 2, "甲乙丙", [Span(0, 1, "DATA"), Span(1, 3, "ACTOR")])]}


def test_not_a_dataset(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    (tmp_path / "plain" / "notes.txt").write_text("x", encoding="utf-8")
    for path in (tmp_path / "plain", tmp_path / "missing"):
        with pytest.raises(InputError, match="not a saved HuggingFace dataset") as info:
            load_units(path)
        assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_missing_columns(tmp_path: Path) -> None:
    datasets.Dataset.from_dict({"text": ["甲"]}).save_to_disk(str(tmp_path / "bare"))
    with pytest.raises(InputError, match=r"lacks column\(s\) id, doc_id, spans") as info:
        load_units(tmp_path / "bare")
    assert str(tmp_path / "bare") in str(info.value)
