"""HTML: the visible text of a page (reading), and annotations as a page to read (writing).

Reading needs the standard library only. Script, style and comments are dropped, entities
decoded, whitespace collapsed as a browser does (kept verbatim inside <pre>/<textarea>),
block elements end lines and a table's cells are parted by tabs, so a policy saved from a
web page splits into the same paragraphs as one saved as text, and its tables stay tables.

Writing shows the text exactly as written, each span a <mark> nested in those around it
(a crossing span cut into fragments), its label drawn by CSS and never part of the text.
"""
from __future__ import annotations

import html
import re
import zlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Collection, Iterable, List, Optional, Sequence, Union

from ..records import Document, Span
from ..schema import LABELS, MEANINGS, TOPICS

# Elements whose content is never shown on the page.
_HIDDEN = frozenset({"script", "style", "template", "title"})
_VERBATIM = frozenset({"pre", "textarea", "listing", "plaintext", "xmp"})
_BLOCKS = frozenset({
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details",
    "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
    "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "legend", "li",
    "main", "menu", "nav", "ol", "p", "section", "summary", "table", "tbody", "tfoot",
    "thead", "tr", "ul",
}) | _VERBATIM
# Table cells sit side by side on one line; without a gap Chinese cells would run together.
_CELLS = frozenset({"td", "th"})
# Only ASCII whitespace collapses; &nbsp; and the ideographic space are text.
_COLLAPSIBLE = re.compile(r"[ \t\n\r\f]+")


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: List[str] = []
        self.hidden = 0
        self.verbatim = 0
        # True when the output ends in a collapsed space that a line end must take back.
        self.soft_space = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _HIDDEN:
            self.hidden += 1
        elif tag == "br":
            self._end_line(always=True)
        elif tag in _BLOCKS:
            self._end_line()
        elif tag in _CELLS and not self._at_line_start():
            # a tab between cells keeps a table's columns for the readers of text tables
            # (report/sdk.py), as a browser's copy of a table does
            if self.soft_space:
                self.pieces[-1] = self.pieces[-1][:-1]
            self.pieces.append("\t")
            self.soft_space = False
        if tag in _VERBATIM:
            self.verbatim += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in _BLOCKS:
            self._end_line()
        if tag in _VERBATIM:
            self.verbatim = max(0, self.verbatim - 1)

    def handle_data(self, data: str) -> None:
        if self.hidden:
            return
        if self.verbatim:
            self.pieces.append(data)
            self.soft_space = False
            return
        text = _COLLAPSIBLE.sub(" ", data)
        if self.soft_space or self._at_line_start() or self.pieces[-1].endswith("\t"):
            text = text.lstrip(" ")
        if text:
            self._soft(text)

    def _soft(self, text: str) -> None:
        self.pieces.append(text)
        self.soft_space = text.endswith(" ")

    def _at_line_start(self) -> bool:
        return not self.pieces or self.pieces[-1].endswith("\n")

    def _end_line(self, always: bool = False) -> None:
        if self.soft_space:
            self.pieces[-1] = self.pieces[-1][:-1]
            self.soft_space = False
        if always or not self._at_line_start():
            self.pieces.append("\n")


def visible_text(page: str) -> str:
    """The text a browser shows for `page`: one line per block, entities decoded."""
    parser = _VisibleText()
    parser.feed(page)
    parser.close()
    parser._end_line()
    return "".join(parser.pieces).strip("\n")


# Colours follow the order of MEANINGS (the schema's labels, then CA4P-483's others), so a
# label keeps its colour from page to page; any other label is given one by a stable hash.
_PALETTE = ("#d97706", "#dc2626", "#0d9488", "#2563eb", "#9333ea", "#db2777", "#65a30d",
            "#0891b2", "#4f46e5", "#78716c")
_COLORS = {label: _PALETTE[i % len(_PALETTE)] for i, label in enumerate(MEANINGS)}

# Labels are generated content (::before), which innerText and copying leave out, so the
# text reads exactly as written; each mark's underline sits below those of the marks it holds,
# up to 8 deep, so that a page of every candidate (threshold 0) keeps lines of a usable height.
_STYLE = """
body { margin: 2rem; color: #222; font-size: 16px;
  font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", sans-serif; }
.legend { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .3rem 1.5rem; }
.key, mark.span[data-label]::before { color: #fff; background: var(--c); border-radius: 3px;
  font-weight: 600; padding: 0 .3em; }
.text { white-space: pre-wrap; line-height: calc(2.1em + min(var(--depth), 8) * 4px); }
mark.span { color: inherit; background: color-mix(in srgb, var(--c) 14%, transparent);
  border-bottom: 2px solid var(--c); padding-bottom: calc(min(var(--h) - 1, 7) * 4px); }
mark.span[data-label]::before { content: attr(data-label); font-size: .6em; margin-right: .2em;
  vertical-align: .35em; line-height: 1.2; }
mark.span.diff { outline: 2px dashed var(--c); outline-offset: 1px; }
.text.topics { position: relative; padding-left: 11rem; }
.topic { position: absolute; left: 0; width: 10.5rem; white-space: normal; line-height: 1.3;
  font-size: .7em; color: #555; }
.topic::before { content: attr(data-topics); }
.topic.risk::before { content: "\26A0  " attr(data-topics); color: #b91c1c; font-weight: 600; }
"""


def label_color(label: str) -> str:
    """The colour of `label`: fixed for the labels of the schema, stable for any other."""
    return _COLORS.get(label) or _PALETTE[zlib.crc32(label.encode("utf-8")) % len(_PALETTE)]


def page_head(title: str) -> str:
    """The start of a page named `title`: its style, heading and the legend of the schema's labels."""
    title = html.escape(title)
    return (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
            f"<h1>{title}</h1>\n{_legend(LABELS)}")


PAGE_TAIL = "</body>\n</html>\n"


def write(result: Document) -> str:
    """One document's section: its id, a legend of any label outside the schema, its marked
    text, and the topics of each sentence in the margin (a risky one in red)."""
    extra = sorted({span.label for span in result.spans} - set(LABELS))
    notes = _topic_notes(result)
    marked, depth = _render(_tree(result, notes), result)
    kind = "text topics" if notes else "text"
    return (f'<section class="doc">\n<h2>{html.escape(result.record_id)}</h2>\n'
            f"{_legend(extra) if extra else ''}"
            f'<div class="{kind}" style="--depth:{depth}">{marked}</div>\n</section>\n')


def _topic_notes(result: Document) -> dict:
    """Offset of each sentence with topics -> its note: an empty element whose topics are
    generated content, so the text still reads exactly as written."""
    by_sentence: dict = {}
    for span in sorted(result.topics or {}):
        by_sentence.setdefault(span.start, []).append(span.label)
    notes = {}
    for start, labels in by_sentence.items():
        ordered = [t for t in TOPICS if t in labels] + sorted(set(labels) - set(TOPICS))
        risk = " risk" if "RISK" in ordered else ""
        shown = html.escape(" · ".join(ordered))
        notes[start] = f'<span class="topic{risk}" data-topics="{shown}" title="{shown}"></span>'
    return notes


def marked(text: str, spans: Sequence[Span], emphasis: Collection[int] = ()) -> tuple[str, int]:
    """A text's markup with its spans as nested marks, those at the indices `emphasis`
    outlined (class `diff`), and its depth; no scores, so each mark's title is its label."""
    result = Document("", text, list(spans))
    return _render(_tree(result), result, frozenset(emphasis))


def _legend(labels: Iterable[str]) -> str:
    items = "".join(f'<li><span class="key" style="--c:{label_color(label)}">{html.escape(label)}'
                    f"</span> {html.escape(MEANINGS.get(label, ''))}</li>" for label in labels)
    return f'<ul class="legend">{items}</ul>\n'


@dataclass
class _Mark:
    """One element of the tree: a span's fragment (a crossing span is cut into several)."""

    span: Optional[int]  # index in the result's spans; None for the root
    first: bool  # the fragment that shows the label
    children: List[Union[str, "_Mark", "_Note"]] = field(default_factory=list)


@dataclass
class _Note:
    """Markup that holds no text of the document (a sentence's topics)."""

    markup: str


def _tree(result: Document, notes: Optional[dict] = None) -> _Mark:
    # Walk the cut points with a stack of open elements. A span that ends below the top of
    # the stack closes the elements above it, and those still running reopen as fragments.
    # A note (markup) goes in where its offset is, before the spans that start there.
    spans, text, notes = result.spans, result.text, notes or {}
    order = sorted(range(len(spans)), key=lambda i: (spans[i].start, -spans[i].end))
    cuts = sorted({0, len(text)} | {s.start for s in spans} | {s.end for s in spans}
                  | {at for at in notes if at < len(text)})
    root = _Mark(None, False)
    stack, todo = [root], iter(order)
    nxt = next(todo, None)
    for here, there in zip(cuts, cuts[1:]):
        ending = [k for k, mark in enumerate(stack[1:], 1) if spans[mark.span].end == here]
        if ending:
            running = [mark for mark in stack[ending[0]:] if spans[mark.span].end > here]
            del stack[ending[0]:]
            for mark in running:
                stack.append(_open(stack[-1], mark.span, False))
        if here in notes:
            stack[-1].children.append(_Note(notes[here]))
        while nxt is not None and spans[nxt].start == here:
            stack.append(_open(stack[-1], nxt, True))
            nxt = next(todo, None)
        stack[-1].children.append(text[here:there])
    return root


def _open(parent: _Mark, span: int, first: bool) -> _Mark:
    mark = _Mark(span, first)
    parent.children.append(mark)
    return mark


def _render(mark: _Mark, result: Document, emphasis: frozenset = frozenset()) -> tuple[str, int]:
    """The markup of `mark` and its height: how many marks deep it goes, itself included."""
    parts, height = [], 0
    for child in mark.children:
        if isinstance(child, str):
            # A CR as a reference survives the parser, which turns a literal "\r\n" into "\n".
            parts.append(html.escape(child, quote=False).replace("\r", "&#13;"))
        elif isinstance(child, _Note):
            parts.append(child.markup)
        else:
            markup, below = _render(child, result, emphasis)
            parts.append(markup)
            height = max(height, below)
    inner = "".join(parts)
    if mark.span is None:
        return inner, height
    span = result.spans[mark.span]
    score = None if result.scores is None else result.scores.get(span)
    label = html.escape(span.label)
    shown = f' data-label="{label}"' if mark.first else ""
    kind = "span diff" if mark.span in emphasis else "span"
    title = label if score is None else f"{label} {score:.2f}"
    return (f'<mark class="{kind}" style="--c:{label_color(span.label)};--h:{height + 1}" '
            f'title="{title}"{shown}>{inner}</mark>', height + 1)
