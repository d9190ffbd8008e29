"""Loading a trained pipeline and finding its span categorizer, for every model command."""
from __future__ import annotations

from spacy.language import Language
from spacy.pipeline import SpanCategorizer

from ..problems import InputError


def load_pipeline(model: str) -> Language:
    """spacy.load a folder or package; an InputError with spaCy's reason if it cannot."""
    import spacy

    try:
        return spacy.load(model)
    except Exception as err:  # spaCy raises many kinds here; each is one line to the user
        reason = str(err).strip().splitlines()[0] if str(err).strip() else err.__class__.__name__
        raise InputError(f"{model}: error: cannot load the pipeline: {reason}") from None


def span_categorizer(nlp: Language) -> SpanCategorizer:
    for _, pipe in nlp.pipeline:
        if isinstance(pipe, SpanCategorizer):
            return pipe
    raise InputError(f"{nlp.meta.get('name', 'pipeline')}: error: no span categorizer among "
                     f"its components ({', '.join(nlp.pipe_names) or 'none'})")
