"""The reading rules of the bracket markup, the renderer, and the round trip between them."""
from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.formats.brackets import parse, render
from pipeline.schema import LABELS
from pipeline.records import Span

SEED = Path(__file__).resolve().parents[2] / "corpus" / "seed_kuaishou.txt"


def test_each_bracket_is_its_label():
    parsed = parse("(我们)[收集]<手机号码>{为了注册}")
    assert parsed.text == "我们收集手机号码为了注册"
    assert parsed.spans == [Span(0, 2, "ACTOR"), Span(2, 4, "ACTION"),
                            Span(4, 8, "DATA"), Span(8, 12, "CONTEXT")]
    assert parsed.problems == []


def test_full_width_brackets_are_text():
    parsed = parse("（我们）【收集】《政策》｛x｝")
    assert parsed.text == "（我们）【收集】《政策》｛x｝"
    assert parsed.spans == [] and parsed.problems == []


def test_backslash_escapes_brackets_and_itself_only():
    parsed = parse(r"a\(b\)c \\ d\n \<x\>")
    assert parsed.text == r"a(b)c \ d\n <x>"
    assert parsed.spans == []


def test_escaped_backslash_before_bracket_leaves_bracket_as_markup():
    parsed = parse(r"\\<x>")
    assert parsed.text == "\\x"
    assert parsed.spans == [Span(1, 2, "DATA")]


def test_same_label_nests():
    parsed = parse("<<个人>信息>")
    assert parsed.text == "个人信息"
    assert parsed.spans == [Span(0, 2, "DATA"), Span(0, 4, "DATA")]


def test_stray_closer_is_text_and_warned():
    parsed = parse("1)当{您}时")
    assert parsed.text == "1)当您时"
    assert parsed.spans == [Span(3, 4, "CONTEXT")]
    [problem] = parsed.problems
    assert (problem.line, problem.col, problem.severity, problem.kind) == (1, 2, "warning", "stray")


def test_mismatched_closer_does_not_close_outer():
    parsed = parse("<a)b>")
    assert parsed.text == "a)b"
    assert parsed.spans == [Span(0, 3, "DATA")]
    assert [p.kind for p in parsed.problems] == ["stray"]


def test_unclosed_opener_is_text_and_an_error_and_spans_never_cross_lines():
    parsed = parse("x[收集<信息>\n]y", path="f.txt")
    assert parsed.text == "x[收集信息\n]y"
    assert parsed.spans == [Span(4, 6, "DATA")]
    kinds = [(p.line, p.col, p.severity, p.kind) for p in parsed.problems]
    assert kinds == [(1, 2, "error", "unclosed"), (2, 1, "warning", "stray")]
    assert str(parsed.problems[0]).startswith("f.txt:1:2: error: unclosed: ")


def test_empty_pair_is_text_and_an_error():
    parsed = parse("a<>b")
    assert parsed.text == "a<>b"
    assert parsed.spans == []
    assert [(p.col, p.severity, p.kind) for p in parsed.problems] == [(2, "error", "empty")]


def test_bom_is_not_text_and_columns_count_characters():
    parsed = parse("\ufeff您好[x")
    assert parsed.text == "您好[x"
    assert (parsed.problems[0].line, parsed.problems[0].col) == (1, 3)


def test_conservation_every_opener_is_a_span_or_a_problem():
    markup = "(a[b<c>d{e\n<>f)g]"
    parsed = parse(markup)
    openers = sum(markup.count(o) for o in "([<{")
    opener_problems = [p for p in parsed.problems if p.kind in ("unclosed", "empty")]
    assert len(parsed.spans) + len(opener_problems) == openers


def test_seed_counts():
    parsed = parse(SEED.read_text(encoding="utf-8"), str(SEED))
    counts = {label: sum(s.label == label for s in parsed.spans) for label in LABELS}
    assert counts == {"ACTOR": 12, "ACTION": 19, "DATA": 78, "CONTEXT": 15}
    assert [(p.line, p.kind) for p in parsed.errors] == [(21, "unclosed")]
    assert [p.kind for p in parsed.problems if not p.is_error] == ["stray"] * 4
    longest = max(parsed.spans, key=lambda s: s.end - s.start)
    assert (longest.label, longest.end - longest.start) == ("CONTEXT", 102)


def test_render_escapes_text_brackets():
    markup, left_out = render("a(b)\\c<d", [Span(0, 1, "ACTOR")])
    assert markup == "(a)\\(b\\)\\\\c\\<d"
    assert left_out == []


def test_render_identical_extents_nest_consistently():
    spans = [Span(0, 2, "DATA"), Span(0, 2, "ACTOR"), Span(0, 2, "DATA")]
    markup, _ = render("信息", spans)
    assert markup == "(<<信息>>)"
    assert parse(markup).spans == sorted(spans)


def test_render_keeps_higher_scored_of_crossing_spans():
    spans = [Span(0, 3, "DATA"), Span(2, 5, "CONTEXT")]
    markup, left_out = render("abcde", spans, scores=[0.4, 0.9])
    assert markup == "ab{cde}"
    assert left_out == [Span(0, 3, "DATA")]
    markup, left_out = render("abcde", spans)
    assert markup == "<abc>de" and left_out == [Span(2, 5, "CONTEXT")]


def test_render_leaves_out_spans_across_lines_and_empty_spans():
    _, left_out = render("ab\ncd", [Span(1, 4, "DATA"), Span(2, 2, "ACTOR")])
    assert left_out == [Span(1, 4, "DATA"), Span(2, 2, "ACTOR")]


def test_seed_round_trips():
    parsed = parse(SEED.read_text(encoding="utf-8"))
    markup, left_out = render(parsed.text, parsed.spans)
    again = parse(markup)
    assert (again.text, again.spans, left_out) == (parsed.text, parsed.spans, [])


# Text full of characters the markup cares about, plus Chinese, spaces and line breaks.
texts = st.text(alphabet=st.sampled_from(list("()[]<>{}\\（）【】《》｛｝ab 数据\n\r\t")), max_size=30)


@st.composite
def nested_spans(draw):
    """A text and a properly nested set of non-empty spans that stay within one line."""
    text = draw(texts)
    spans: list[Span] = []
    for _ in range(draw(st.integers(0, 6))):
        if not text:
            break
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        span = Span(start, end, draw(st.sampled_from(LABELS)))
        crosses = any(s.start < span.start < s.end < span.end or span.start < s.start < span.end < s.end
                      for s in spans)
        if "\n" not in text[start:end] and not crosses:
            spans.append(span)
    return text, sorted(spans)


@settings(max_examples=300, deadline=None)
@given(nested_spans())
def test_parse_inverts_render(case):
    text, spans = case
    markup, left_out = render(text, spans)
    parsed = parse(markup)
    assert left_out == []
    assert (parsed.text, parsed.spans, parsed.problems) == (text, spans, [])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="\\"), max_size=40))
def test_any_markup_parses_without_losing_an_opener(markup):
    parsed = parse(markup)
    openers = sum(markup.count(o) for o in "([<{")
    opener_problems = [p for p in parsed.problems if p.kind in ("unclosed", "empty")]
    assert len(parsed.spans) + len(opener_problems) == openers
