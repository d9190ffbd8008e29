"""`privspan corpus` as an importable function: what the command prints is its result's."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.gold.build import CorpusError, CorpusOptions, build_corpus

SEED = Path(__file__).resolve().parents[2] / "corpus" / "seed_kuaishou.txt"


def test_the_command_prints_the_functions_summary(tmp_path, run):
    result = build_corpus([str(SEED)], tmp_path / "f", CorpusOptions(dev=0.2, test=0.1))
    assert set(result.paths) == {"train", "dev", "test"} and all(p.exists() for p in result.paths.values())
    assert result.demo and not result.failed  # one policy; its one markup error fails only --strict
    code, out, _ = run("corpus", SEED, "--out", tmp_path / "c", "--dev", "0.2", "--test", "0.1")
    assert code == 0

    def timeless(lines):
        return [line.rsplit(" in ", 1)[0].replace(str(tmp_path / "f"), "OUT").replace(str(tmp_path / "c"), "OUT")
                for line in lines]

    assert timeless(out.splitlines()) == timeless(result.summary())


def test_nothing_to_write_is_a_corpus_error_that_keeps_what_was_read(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_text("没有标注的一行\n(未闭合\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="no annotated units") as caught:
        build_corpus([str(empty)], tmp_path / "c", CorpusOptions())
    assert [p.kind for p in caught.value.gathered.problems] == ["unclosed"]


def test_a_leave_out_source_that_cannot_be_read_fails_the_corpus(tmp_path, run):
    code, _, err = run("corpus", SEED, "--out", tmp_path / "c", "--leave-out", tmp_path / "absent.bios")
    assert code == 1 and f"{tmp_path / 'absent.bios'}: error: no such file or folder" in err
