"""The clause suggester: n-grams plus clause-final spans, no duplicates, measurable recall."""
from __future__ import annotations

from pipeline.gold.docs import blank_pipeline
from pipeline.components.suggester import batch_clause_spans, build_clause_suggester, candidate_recall, clause_spans

TEXT = "当您选择使用第三方帐号更便捷地注册并登录快手用户帐号时，我们将通过间接获得的方式收集信息"


def test_ngrams_and_clause_final_spans_without_duplicates():
    doc = blank_pipeline()(TEXT)
    comma = next(t.i for t in doc if t.text == "，")
    pairs = [tuple(p) for p in clause_spans(doc, max_ngram=3, max_clause=10).tolist()]
    assert len(pairs) == len(set(pairs))
    ngrams = {p for p in pairs if p[1] - p[0] <= 3}
    assert ngrams == {(i, i + n) for n in (1, 2, 3) for i in range(len(doc) - n + 1)}
    longer = {p for p in pairs if p[1] - p[0] > 3}
    # Only spans that end before the comma or at the end of the text, up to 10 tokens.
    assert longer == {(i, end) for end in (comma, len(doc)) for i in range(max(0, end - 10), end - 3)}


def test_short_and_empty_docs():
    nlp = blank_pipeline()
    suggest = build_clause_suggester(max_ngram=12, max_clause=40)
    ragged = suggest([nlp(""), nlp("信息")])
    assert ragged.lengths.tolist() == [0, 1]
    assert ragged.dataXd.tolist() == [[0, 1]]


def test_candidate_recall_counts_long_spans_only_when_clause_final():
    nlp = blank_pipeline()
    doc = nlp(TEXT)
    comma = next(t.i for t in doc if t.text == "，")
    doc.spans["sc"] = [doc.char_span(doc[1].idx, doc[comma - 1].idx, "CONTEXT"),
                       doc.char_span(doc[1].idx, doc[comma].idx, "CONTEXT")]
    counts = candidate_recall([doc], build_clause_suggester(max_ngram=3, max_clause=40), "sc")
    assert counts == {"CONTEXT": (1, 2)}


def test_trimmed_candidates_keep_punctuation_and_sentence_ends_off_their_edges():
    doc = blank_pipeline()("为了安全，我们收集信息。您可以拒绝")
    full = {tuple(p) for p in clause_spans(doc, max_ngram=12, max_clause=40).tolist()}
    trimmed = {tuple(p) for p in clause_spans(doc, max_ngram=12, max_clause=40, trim=True).tolist()}
    comma, stop = (next(t.i for t in doc if t.text == c) for c in "，。")

    def allowed(start: int, end: int) -> bool:
        return (not doc[start].is_punct and not doc[end - 1].is_punct
                and not start <= stop < end)

    assert trimmed == {p for p in full if allowed(*p)}
    assert (0, comma) in trimmed and (comma + 1, stop) in trimmed  # clauses themselves stay
    assert (comma, comma + 1) not in trimmed


def test_a_batch_gives_each_doc_what_it_gets_alone():
    # docs side by side in one batch must not lend each other clause ends or candidates
    nlp = blank_pipeline()
    docs = [nlp(text) for text in (TEXT, "", "，为了安全。", "信息", "我们收集，" * 8, TEXT + "。")]
    for trim in (False, True):
        spans, lengths = batch_clause_spans(docs, max_ngram=3, max_clause=10, trim=trim)
        alone = [clause_spans(doc, max_ngram=3, max_clause=10, trim=trim) for doc in docs]
        assert lengths.tolist() == [len(a) for a in alone]
        assert spans.tolist() == [pair for a in alone for pair in a.tolist()]
