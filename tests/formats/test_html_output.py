"""The HTML writer: the text exactly as written, spans as nested marks, legend and title; and
the page as headless Chromium renders it."""
from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from typing import List, Tuple

import pytest
from hypothesis import given, settings, strategies as st

from pipeline.annotation.outputs import Output
from pipeline.formats.brackets import parse
from pipeline.formats.html import PAGE_TAIL, label_color, page_head, write as html_section
from pipeline.records import Document, Span
from pipeline.schema import LABELS, MEANINGS

# Markup characters, runs of spaces, a tab, CRLF line ends, a blank line and a script.
POLICY = ("  {当(我们)[收集]<您的<手机号码>>时}，  会\t同时[使用]<设备信息>。\r\n"
          "\r\n"
          "第三方SDK \\<script\\>document.title = \"pwned\"\\</script\\> & [获取]<位置>\n")


def annotated(markup: str, extra: Tuple[Span, ...] = (), doc_id: str = "policy",
              source: str = "policy.txt") -> Document:
    """A result from bracket markup; distinct scores name each span in its mark's title."""
    parsed = parse(markup)
    assert not parsed.errors
    spans = sorted([*parsed.spans, *extra])
    return scored(Document(doc_id, parsed.text, source=source, where=source), spans,
                  [round(0.5 + i / 100, 2) for i in range(len(spans))])


def scored(doc: Document, spans, scores) -> Document:
    doc.spans, doc.scores = list(spans), dict(zip(spans, scores))
    return doc


def text_area(markup: str) -> str:
    match = re.search(r'<div class="text"[^>]*>(.*?)</div>', markup, re.DOTALL)
    assert match, markup
    return match.group(1)


class _Marks(HTMLParser):
    """Per character of the text, the titles of the marks around it; and the labels shown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: List[str] = []
        self.around: List[List[str]] = []
        self.shown: List[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        assert tag == "mark"
        attrs = dict(attrs)
        self.open.append(attrs["title"])
        if "data-label" in attrs:
            self.shown.append(attrs["title"])

    def handle_endtag(self, tag: str) -> None:
        assert tag == "mark"
        self.open.pop()

    def handle_data(self, data: str) -> None:
        self.around.extend(sorted(self.open) for _ in data)


def marks(result: Document) -> _Marks:
    parser = _Marks()
    parser.feed(text_area(html_section(result)))
    parser.close()
    assert parser.open == []
    return parser


def titles(result: Document) -> List[List[str]]:
    """What `marks(result).around` must be: the spans over each character."""
    return [sorted(f"{s.label} {score:.2f}" for s, score in zip(result.spans, result.score_list())
                   if s.start <= i < s.end) for i in range(len(result.text))]


def test_the_text_comes_back_exactly_without_inserted_characters():
    result = annotated(POLICY)
    assert '<script>document.title = "pwned"</script>' in result.text
    area = text_area(html_section(result))
    assert html.unescape(re.sub(r"<[^>]*>", "", area)) == result.text
    assert "\r" not in area  # a parser would turn a literal CRLF into LF


def test_nested_spans_are_nested_marks_each_below_the_ones_it_holds():
    result = annotated("{当(我们)[收集]<您的<手机号码>>时}")
    parsed = marks(result)
    assert parsed.around == titles(result)
    area = text_area(html_section(result))
    assert re.search(r'data-label="DATA">您的<mark [^>]*data-label="DATA">手机号码</mark></mark>', area)
    heights = [int(h) for h in re.findall(r"--h:(\d+)", area)]
    assert heights[0] == 3 == max(heights)  # CONTEXT holds DATA, which holds DATA
    assert 'style="--depth:3"' in html_section(result)


def test_crossing_spans_are_cut_into_fragments_labelled_once():
    result = annotated("abcdefgh", (Span(0, 4, "ACTOR"), Span(2, 6, "DATA")))
    area = text_area(html_section(result))
    assert area.count("<mark ") == 3
    assert re.fullmatch(r'<mark [^>]*data-label="ACTOR">ab<mark [^>]*data-label="DATA">cd</mark></mark>'
                        r'<mark [^>]*title="DATA 0.51">ef</mark>gh', area)
    parsed = marks(result)
    assert parsed.around == titles(result)
    assert sorted(parsed.shown) == ["ACTOR 0.50", "DATA 0.51"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="我们收集 \n\r<&>", min_size=1, max_size=30).flatmap(lambda text: st.tuples(
    st.just(text),
    st.lists(st.tuples(st.integers(0, len(text) - 1), st.integers(1, len(text)),
                       st.sampled_from([*LABELS, "RECEIVER", "<b>"])), max_size=12))))
def test_any_spans_render_as_well_formed_marks_over_exactly_their_characters(case):
    text, drawn = case
    spans = sorted({Span(a, b, label) for a, b, label in drawn if a < b})
    result = scored(Document("x", text), spans,
                       [round(0.01 * (i + 1), 2) for i in range(len(spans))])
    parsed = marks(result)
    assert html.unescape(re.sub(r"<[^>]*>", "", text_area(html_section(result)))) == text
    assert parsed.around == titles(result)
    assert sorted(parsed.shown) == sorted(f"{s.label} {x:.2f}" for s, x in zip(spans, result.score_list()))


def test_policy_ids_and_labels_are_escaped():
    result = scored(Document("<i>p</i>", "我们<script>alert('x')</script> & 信息"),
                       [Span(0, 2, '"><b>')], [0.5])
    page = page_head("<t>.txt") + html_section(result) + PAGE_TAIL
    assert "<script" not in page and "<b>" not in page and "<i>" not in page and "<t>" not in page
    assert "&lt;script&gt;alert('x')&lt;/script&gt; &amp; 信息" in page
    assert "<h2>&lt;i&gt;p&lt;/i&gt;</h2>" in page and "<title>&lt;t&gt;.txt</title>" in page
    assert 'data-label="&quot;&gt;&lt;b&gt;"' in page


def test_the_legend_shows_every_label_of_the_schema_with_its_meaning():
    head = page_head("policy.txt")
    assert "<title>policy.txt</title>" in head and "<h1>policy.txt</h1>" in head
    legend = re.search(r'<ul class="legend">.*?</ul>', head).group(0)
    for label in LABELS:
        assert (f'<span class="key" style="--c:{label_color(label)}">{label}</span> '
                f"{html.escape(MEANINGS[label])}</li>") in legend
    assert len({label_color(label) for label in LABELS}) == len(LABELS)
    assert 'font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", sans-serif' in head
    assert "http" not in head and "<link" not in head  # self-contained


def test_labels_outside_the_schema_get_a_colour_and_a_legend_of_their_own():
    seven = ["ACTOR", "COLLECT", "SHARE", "CONDITION", "RECEIVER", "PURPOSE", "DATA"]
    result = scored(Document("x", "甲" * 7), [Span(i, i + 1, label) for i, label in
                                                              enumerate(seven)], [0.9] * 7)
    section = html_section(result)
    legend = re.search(r'<ul class="legend">.*?</ul>', section).group(0)
    for label in set(seven) - set(LABELS):
        assert f'--c:{label_color(label)}">{label}</span> {MEANINGS[label]}' in legend
    assert "ACTOR" not in legend  # the page's own legend has it
    assert re.fullmatch(r"#[0-9a-f]{6}", label_color("UNHEARD_OF"))
    assert label_color("UNHEARD_OF") == label_color("UNHEARD_OF")


def test_a_page_is_named_after_its_file_and_each_document_after_its_id(tmp_path):
    output = Output("html", tmp_path / "out", say=pytest.fail)
    (tmp_path / "out").mkdir()
    source = str(tmp_path / "in" / "docs.jsonl")
    for doc_id in ("a", "b"):
        assert output.write(annotated("[收集]<信息>", doc_id=doc_id, source=source))
    output.write(annotated("我们", source=str(tmp_path / "in" / "policy.txt")))
    output.close()
    page = (tmp_path / "out" / "docs.html").read_text(encoding="utf-8")
    assert page.count("<title>docs.jsonl</title>") == 1 and str(tmp_path) not in page
    assert re.findall(r"<h2>(.*?)</h2>", page) == ["a", "b"] and page.endswith(PAGE_TAIL)
    assert "<title>policy.txt</title>" in (tmp_path / "out" / "policy.html").read_text(encoding="utf-8")


# --- In a real browser --------------------------------------------------------------------

# Added to a copy of the page only: the page itself has no script. It writes what a reader
# would copy (innerText) of each text area, and how many scripts the page holds, into the DOM.
PROBE = """<script>
const probe = document.createElement("pre");
probe.id = "probe";
probe.textContent = JSON.stringify({texts: [...document.querySelectorAll(".text")].map(e => e.innerText),
                                    scripts: document.scripts.length, title: document.title});
document.body.append(probe);
</script>"""


@pytest.mark.slow
def test_chromium_renders_the_policy_text_exactly(tmp_path, browser):
    out = tmp_path / "out"
    out.mkdir()
    output = Output("html", out, say=pytest.fail)
    source = str(tmp_path / "policy.jsonl")
    second = "第二份\n" + POLICY
    for doc_id, markup in (("first", POLICY), ("second", second)):
        output.write(annotated(markup, (Span(3, 9, "DATA"), Span(1, 4, "RECEIVER")), doc_id, source))
    output.close()
    page = (out / "policy.html").read_text(encoding="utf-8")
    probed = tmp_path / "probed.html"
    probed.write_text(page.replace("</body>", PROBE + "</body>"), encoding="utf-8")

    dom = browser.run(probed, tmp_path / "profile", "--dump-dom")
    found = json.loads(html.unescape(re.search(r'<pre id="probe">(.*?)</pre>', dom, re.DOTALL).group(1)))
    assert found["texts"] == [parse(POLICY).text, parse(second).text]
    assert found["scripts"] == 1 and found["title"] == "policy.jsonl"  # the policy's script is text

    shot = tmp_path / "page.png"
    browser.run(out / "policy.html", tmp_path / "profile", f"--screenshot={shot}", "--window-size=600,400")
    dark, coloured = browser.ink(shot.read_bytes())
    assert dark > 0.01 and coloured > 0.005, (dark, coloured)
