"""The page of `privspan diff`: a table of figures, then each disagreement in its context,
A's spans above B's, the spans that disagree outlined. Text is escaped as `html.py` does."""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Iterable, List, Sequence

from ..records import Span
from .html import PAGE_TAIL, marked, page_head

_STYLE = """<style>
table.figures { border-collapse: collapse; margin: 1rem 0; }
table.figures td, table.figures th { border: 1px solid #ccc; padding: .2em .6em; text-align: right; }
table.figures td:first-child, table.figures th:first-child { text-align: left; }
.change { border-top: 1px solid #ddd; padding: .5rem 0; }
.change .side { display: grid; grid-template-columns: 2.5em 1fr; gap: .2rem; }
.change .who { font-weight: 600; color: #666; }
</style>
"""


@dataclass
class Context:
    """One disagreement: its document, kind, a note, and the stretch of text it sits in
    with each side's spans in the stretch's offsets and which of them disagree."""

    doc_id: str
    kind: str
    note: str
    text: str
    a_spans: List[Span] = field(default_factory=list)
    a_emphasis: List[int] = field(default_factory=list)
    b_spans: List[Span] = field(default_factory=list)
    b_emphasis: List[int] = field(default_factory=list)


def page(title: str, head: Sequence[str], rows: Sequence[Sequence[object]], notes: Sequence[str],
         contexts: Iterable[Context]) -> str:
    """The whole page: figures as a table under `head`, `notes` as paragraphs, each context."""
    parts = [page_head(title), _STYLE, '<table class="figures">\n<tr>',
             "".join(f"<th>{html.escape(str(h))}</th>" for h in head), "</tr>\n"]
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>\n")
    parts.append("</table>\n")
    parts.extend(f"<p>{html.escape(note)}</p>\n" for note in notes)
    for context in contexts:
        parts.append(_context(context))
    parts.append(PAGE_TAIL)
    return "".join(parts)


def _context(c: Context) -> str:
    a, a_depth = marked(c.text, c.a_spans, c.a_emphasis)
    b, b_depth = marked(c.text, c.b_spans, c.b_emphasis)
    return (f'<section class="change">\n<h3>{html.escape(c.doc_id)}: {html.escape(c.kind)}</h3>\n'
            f"<p>{html.escape(c.note)}</p>\n"
            f'<div class="side"><span class="who">A</span>'
            f'<div class="text" style="--depth:{a_depth}">{a}</div>\n'
            f'<span class="who">B</span><div class="text" style="--depth:{b_depth}">{b}</div></div>\n'
            "</section>\n")
