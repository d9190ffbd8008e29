"""privspan: span categorization for Chinese privacy policies."""

__version__ = "0.1.0"
