"""HTML: the visible text of a page (reading), and annotations as a displaCy page (writing).

Reading needs the standard library only. Script, style and comments are dropped, entities decoded, whitespace collapsed as a
browser does (kept verbatim inside <pre>/<textarea>), and block elements end lines, so a
policy saved from a web page splits into the same paragraphs as one saved as text.
"""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from typing import List

from spacy import displacy

from ..records import Annotated, Span

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
        elif tag in _CELLS and not (self._at_line_start() or self.soft_space):
            self._soft(" ")
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
        if self.soft_space or self._at_line_start():
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


COLORS = {"ACTOR": "#f4a261", "ACTION": "#e76f51", "DATA": "#2a9d8f", "CONTEXT": "#8ab17d"}


def to_html(result: Annotated) -> str:
    """A displaCy span figure of the document, one line of text per block."""
    text = result.doc.text
    lines = []
    spans = iter(result.spans)
    span = next(spans, None)
    start = 0
    for line in text.split("\n"):
        end = start + len(line)
        own = []
        while span is not None and span.start < end + 1:
            own.append(span)
            span = next(spans, None)
        lines.append(_line_tokens(line, start, own))
        start = end + 1
    # displaCy escapes token text but not labels or titles, so those are escaped here.
    figure = displacy.render(lines, style="span", manual=True, jupyter=False,
                             options={"colors": COLORS})
    return (f'<figure style="margin-bottom: 4rem">\n<h2>{html.escape(result.doc.doc_id)}</h2>\n'
            f"{figure}\n</figure>\n")


def _line_tokens(line: str, start: int, spans: List[Span]) -> dict:
    # Tokens cut at span edges only: every token is then inside the same spans throughout,
    # and displaCy, which joins tokens with spaces, adds the fewest of them.
    edges = sorted({0, len(line)} | {s.start - start for s in spans} | {s.end - start for s in spans})
    index = {edge: i for i, edge in enumerate(edges)}
    tokens = [line[a:b] for a, b in zip(edges, edges[1:])]
    return {"text": line, "tokens": tokens, "spans": [
        {"start_token": index[s.start - start], "end_token": index[s.end - start],
         "label": html.escape(s.label)} for s in spans]}


PAGE_HEAD = ('<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
              "<title>{title}</title>\n</head>\n<body style=\"font-size: 16px; font-family: "
              "sans-serif; padding: 2rem\">\n")
PAGE_TAIL = "</body>\n</html>\n"
