"""Formats, one module each, reader and writer together: bracket markup, JSONL, HTML, Markdown
(reader only), CA4P-483, HF datasets, spaCy DocBins, Parquet, and the files of the annotation
tools Label Studio, doccano and Prodigy. `registry.py` is the one table of them all, which
every command reads through; `tasks.py` holds what the readers share."""
