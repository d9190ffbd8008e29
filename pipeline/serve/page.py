"""The pages of `privspan serve`: a form, and a policy as `annotate --format html` shows it with
its data items by category (and, from a pipeline with the sentence topics, its risky
sentences). No script: the form posts, the answer is a page; every piece of
policy text is escaped."""
from __future__ import annotations

import html
import json
from typing import Sequence
from urllib.parse import quote

from ..formats import jsonl
from ..formats.html import PAGE_TAIL, page_head, write
from ..records import Document

_STYLE = """<style>
form textarea{width:100%;height:16em;font:inherit}
table.items{border-collapse:collapse;margin:1em 0}
table.items td,table.items th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top}
.sensitive{color:#b00;font-weight:bold}
</style>"""


def form(uploads: Sequence[str], max_bytes: int) -> str:
    return (page_head("privspan") + _STYLE +
            '<form method="post" action="/view" enctype="multipart/form-data">\n'
            '<p><label for="text">Paste a privacy policy:</label></p>\n'
            '<textarea id="text" name="text" lang="zh"></textarea>\n'
            f'<p><label for="file">or choose a file ({html.escape(", ".join(uploads))}):</label>\n'
            '<input id="file" name="file" type="file"></p>\n'
            f'<p><button type="submit">Annotate</button> (at most {max_bytes:,} bytes)</p>\n'
            "</form>\n" + PAGE_TAIL)


def result(doc: Document, entry: dict, category_names: Sequence[str]) -> str:
    """The policy's page: its data items by category, a download of its JSON, its marked text."""
    record = {**jsonl.record(doc), "data_items": entry["data_items"]}
    download = "data:application/json;charset=utf-8," + quote(json.dumps(record, ensure_ascii=False))
    rows = []
    by_category = {name: [i for i in entry["data_items"] if i["category"] == name] for name in category_names}
    for name, items in by_category.items():
        for n, item in enumerate(items):
            cells = [html.escape(name) if n == 0 else "",
                     f'<span class="sensitive">{html.escape(item["text"])}</span>' if item["sensitive"]
                     else html.escape(item["text"]),
                     "sensitive" if item["sensitive"] else "",
                     html.escape(", ".join(item["actions"])),
                     html.escape("; ".join(item["purposes"])),
                     html.escape("; ".join(item["receivers"]))]
            rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    table = ('<table class="items"><tr><th>category</th><th>data item</th><th></th><th>actions</th>'
             "<th>purposes</th><th>receivers</th></tr>\n" + "\n".join(rows) + "</table>\n") if rows else \
        "<p>No data items found.</p>\n"
    return (page_head(f"privspan: {doc.id}") + _STYLE +
            f'<p><a href="/">Another policy</a> · <a download="{html.escape(doc.id)}.json" '
            f'href="{html.escape(download)}">Download the JSON</a></p>\n'
            f"<h2>Data items ({len(entry['data_items'])})</h2>\n{table}" + _risky(doc) + write(doc) + PAGE_TAIL)


def _risky(doc: Document) -> str:
    """The sentences a pipeline with the topics labels RISK, listed (none without topics)."""
    if doc.topics is None:
        return ""
    risky = sorted(span for span in doc.topics if span.label == "RISK")
    items = "".join(f'<li class="sensitive">{html.escape(doc.text[s.start:s.end])}</li>\n' for s in risky)
    return (f"<h2>Risky sentences ({len(risky)})</h2>\n" +
            (f"<ul>\n{items}</ul>\n" if risky else "<p>None found.</p>\n"))
