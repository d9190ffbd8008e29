"""privspan agreement: marking that depends on the policy vs marking that depends on the text."""
from __future__ import annotations

from typing import List

from spacy.tokens import Doc, DocBin

from pipeline.agreement import marking_agreement
from pipeline.cli import main
from pipeline.docs import blank_pipeline

PHRASE = "获得您的同意"


def paragraphs(policy: str, mark_phrase: bool, n: int = 3, repeat: bool = False) -> List[Doc]:
    nlp = blank_pipeline()
    docs = []
    for i in range(n):
        text = f"第{0 if repeat else i}条：在获得您的同意后，我们收集信息"
        doc = nlp(text)
        start = text.index(PHRASE)
        actor = text.index("我们")
        gold = [[actor, actor + 2, "ACTOR"]]  # every paragraph holds gold spans
        if mark_phrase:
            gold.append([start, start + len(PHRASE), "CONTEXT"])
        doc.user_data.update({"doc_id": policy, "gold_chars": gold, "id": f"{policy}-{i}"})
        docs.append(doc)
    return docs


def test_marking_that_follows_the_policy_is_predicted_within_it_and_not_across():
    docs = paragraphs("A", mark_phrase=True) + paragraphs("B", mark_phrase=False)
    result = marking_agreement(docs, ["CONTEXT"])["CONTEXT"]
    assert (result.texts, result.occurrences) == (1, 6)
    assert result.within == [3, 0, 0] and result.within_f == 1.0
    # A's occurrences look unmarked from B, B's look marked from A
    assert result.across == [0, 3, 3] and result.across_f == 0.0


def test_marking_alike_everywhere_is_predicted_both_ways():
    docs = paragraphs("A", mark_phrase=True) + paragraphs("B", mark_phrase=True)
    result = marking_agreement(docs, ["CONTEXT", "ACTOR"])
    assert result["CONTEXT"].within_f == result["CONTEXT"].across_f == 1.0
    assert result["ACTOR"].within == result["ACTOR"].across == [6, 0, 0]


def test_texts_marked_too_rarely_are_not_judged():
    docs = paragraphs("A", mark_phrase=True, n=2) + paragraphs("B", mark_phrase=False)
    result = marking_agreement(docs, ["CONTEXT"], min_count=3)["CONTEXT"]
    assert (result.texts, result.occurrences, result.within_f) == (0, 0, 0.0)


def test_a_paragraph_repeated_word_for_word_counts_once():
    docs = paragraphs("A", mark_phrase=True, repeat=True) + paragraphs("A", mark_phrase=True)
    docs += paragraphs("B", mark_phrase=False)
    result = marking_agreement(docs, ["CONTEXT"])["CONTEXT"]
    assert result.occurrences == 6  # A's three distinct paragraphs (one of them repeated), B's three


def test_cli_reads_corpus_files_and_names_a_bad_one(tmp_path, capsys):
    path = tmp_path / "gold.spacy"
    DocBin(docs=paragraphs("A", True) + paragraphs("B", False), store_user_data=True).to_disk(path)
    assert main(["agreement", str(path)]) == 0
    out = capsys.readouterr().out
    assert "CONTEXT: same policy 1.00, other policies 0.00 (6 occurrences of 1 texts)" in out
    bad = tmp_path / "bad.spacy"
    bad.write_text("not a DocBin")
    assert main(["agreement", str(path), str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{bad}: error: not a readable .spacy file") and len(err.splitlines()) == 1
