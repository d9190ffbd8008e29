"""Markdown: the visible text of a page (reading only).

The Markdown is rendered to HTML by markdown-it-py and read by the HTML reader, so a
policy in Markdown and the same policy as a web page give the same text: one line per
block, table cells side by side, <br> a line break, entities decoded, and inline HTML
(spans, comments, even a <script>) treated exactly as in a page. YAML front matter at
the very start of the file is metadata, not policy text, and is left out.
"""
from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.front_matter import front_matter_plugin

from .html import visible_text as html_visible_text

# CommonMark with the two GitHub extensions policies in app repositories use; without
# them a table or ~~struck~~ text would come out as its raw pipes and tildes.
_MARKDOWN = (MarkdownIt("commonmark", {"html": True})
             .enable(["table", "strikethrough"])
             .use(front_matter_plugin))


def visible_text(markdown: str) -> str:
    """The text a reader sees of rendered `markdown`: one line per block, entities decoded."""
    return html_visible_text(_MARKDOWN.render(markdown))
