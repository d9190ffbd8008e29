"""Gold sources -> units -> spaCy Docs with `doc.spans` -> train/dev/test DocBins."""
