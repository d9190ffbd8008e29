"""Formats, one module each, reader and writer together: bracket markup, HTML, CA4P-483, HF datasets."""
