"""privspan agreement: marking that depends on the policy vs marking that depends on the text."""
from __future__ import annotations

from typing import List

from spacy.tokens import Doc, DocBin

from pipeline.measure.agreement import edge_agreement, marking_agreement
from pipeline.cli import main
from pipeline.gold.docs import blank_pipeline

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


PURPOSE = "为了向您提供服务，我们收集信息"


def purposes(policy: str, take_in: bool, n: int = 3) -> List[Doc]:
    """`{为了向您提供服务}` or `为了{向您提供服务}`, n times in one policy."""
    nlp = blank_pipeline()
    docs = []
    for i in range(n):
        text = f"{i}.{PURPOSE}"
        doc = nlp(text)
        start = text.index("为了") + (0 if take_in else 2)
        doc.user_data.update({"doc_id": policy, "id": f"{policy}-{i}",
                              "gold_chars": [[start, text.index("，"), "CONTEXT"]]})
        docs.append(doc)
    return docs


def test_an_edge_convention_that_follows_the_policy_is_predicted_within_it_and_not_across():
    results = edge_agreement(purposes("A", take_in=True) + purposes("B", take_in=False), ["CONTEXT"])
    start = results[("CONTEXT", "start")]
    assert start.words == ["为了"] and start.edges == 6
    assert (start.within_accuracy, start.across_accuracy) == (1.0, 0.0)
    # every span ends at 服务, never with a word after it: nothing varies, nothing judged
    assert results[("CONTEXT", "end")].edges == 0


def test_an_even_split_among_the_other_policies_counts_half():
    docs = purposes("A", True) + purposes("B", True) + purposes("C", False)
    start = edge_agreement(docs, ["CONTEXT"])[("CONTEXT", "start")]
    assert start.within_accuracy == 1.0
    # A and B each see 3 taken in against 3 left out (half right); C sees 6 taken in (wrong)
    assert start.across == 3.0 and start.edges == 9


def test_cli_reads_corpus_files_and_names_a_bad_one(tmp_path, capsys):
    path = tmp_path / "gold.spacy"
    DocBin(docs=paragraphs("A", True) + paragraphs("B", False), store_user_data=True).to_disk(path)
    edges = tmp_path / "edges.spacy"
    DocBin(docs=purposes("A", True) + purposes("B", False), store_user_data=True).to_disk(edges)
    assert main(["agreement", str(path)]) == 0
    out = capsys.readouterr().out
    assert "CONTEXT: same policy 1.00, other policies 0.00 (6 occurrences of 1 texts)" in out
    assert main(["agreement", str(edges)]) == 0
    out = capsys.readouterr().out
    assert "CONTEXT start: same policy 1.00, other policies 0.00 (6 edges at 1 words: 为了)" in out
    bad = tmp_path / "bad.spacy"
    bad.write_text("not a DocBin")
    assert main(["agreement", str(path), str(bad)]) == 1
    err = capsys.readouterr().err
    assert err.splitlines() == [f"{bad}: error: not a readable DocBin (ValueError)"]
