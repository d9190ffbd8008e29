"""`privspan vectors`: policy texts -> floret vectors that configs/topics.cfg loads."""
from __future__ import annotations

from pathlib import Path

import spacy

from pipeline.cli import main

TEXTS = ["我们会收集您的手机号码和设备信息，用于帐号注册。", "我们可能与第三方共享您的位置信息。",
         "您可以访问、更正或删除您的个人信息，也可以注销帐号。"]


def _policies(root: Path) -> Path:
    root.mkdir()
    for i in range(4):
        (root / f"policy{i}.txt").write_text("\n".join(TEXTS * 3), encoding="utf-8")
    return root


def test_vectors_are_floret_tables_that_give_any_word_a_vector_and_the_same_text_the_same_table(
        tmp_path: Path, capsys):
    policies = _policies(tmp_path / "policies")
    assert main(["vectors", str(policies), "--out", str(tmp_path / "a"), "--bucket", "500", "--dim", "16"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("4 policies, 36 lines,") and f"500 x 16 vectors saved in {tmp_path / 'a'}" in said
    vectors = spacy.load(tmp_path / "a").vocab.vectors
    assert vectors.mode == "floret" and vectors.shape == (500, 16)
    # a word never in the text still has a vector, from its characters' rows
    assert abs(vectors.get_batch(["身份证号码"])).sum() > 0
    assert main(["vectors", str(policies), "--out", str(tmp_path / "b"), "--bucket", "500", "--dim", "16"]) == 0
    assert (tmp_path / "a" / "vocab" / "vectors").read_bytes() == (tmp_path / "b" / "vocab" / "vectors").read_bytes()


def test_a_missing_source_is_a_located_line_and_the_others_still_train(tmp_path: Path, capsys):
    policies = _policies(tmp_path / "policies")
    missing = tmp_path / "nowhere.txt"
    assert main(["vectors", str(policies), str(missing), "--out", str(tmp_path / "v"), "--bucket", "500",
                 "--dim", "16"]) == 1
    err = capsys.readouterr().err
    assert str(missing) in err and "Traceback" not in err
    assert spacy.load(tmp_path / "v").vocab.vectors.shape == (500, 16)
    assert main(["vectors", str(missing), "--out", str(tmp_path / "w")]) == 1
    assert "no policy text to train vectors on" in capsys.readouterr().err
    assert not (tmp_path / "w").exists()
    blank = tmp_path / "blank.txt"
    blank.write_text("  \n\n", encoding="utf-8")
    assert main(["vectors", str(blank), "--out", str(tmp_path / "w")]) == 1
    err = capsys.readouterr().err
    assert err.strip() == f"{blank}: error: no text to train vectors on" and "Traceback" not in err
    assert not (tmp_path / "w").exists()
