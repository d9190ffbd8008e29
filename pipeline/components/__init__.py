"""What spaCy builds from the configs, registered through entry points: tokenizer, suggester, span model, CPU ops."""
