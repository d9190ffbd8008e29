"""Formats, one module each, reader and writer together: bracket markup, HTML, Markdown
(reader only), JSONL, CA4P-483, HF datasets."""
