"""Measuring a corpus or a pipeline: evaluate, threshold, agreement, benchmark."""
