"""Formats, one module each, reader and writer together: bracket markup, JSONL, HTML, Markdown
(reader only), CA4P-483, HF datasets, spaCy DocBins, and the files of the annotation tools
Label Studio, doccano and Prodigy (`tasks.py` holds what those share)."""
