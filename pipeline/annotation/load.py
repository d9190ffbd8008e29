"""Loading a trained pipeline and finding its span categorizer, for every model command."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, Optional

from spacy.language import Language
from spacy.pipeline import SpanCategorizer

from ..problems import InputError
from ..schema import TOPICS_KEY


def load_pipeline(model: str, threshold: Optional[float] = None,
                  decoding: Optional[Dict[str, Any]] = None) -> Language:
    """spacy.load a folder or package, with the `threshold` of its spans and the decoder's
    settings (`{"flat": True}`, pipeline/components/decoder.py) given as config overrides;
    an InputError with spaCy's reason if it cannot.

    The threshold is the decoder's; the span categorizer's, the lowest any group keeps, is
    lowered to it where it is higher (a pipeline without a decoder has only that one).

    A pipeline saved without a decoder gets one for `decoding`, so a model trained before
    it existed can still be scored flat.
    """
    import spacy

    overrides: Dict[str, Any] = {}
    added = None
    floor = None  # the span categorizer's threshold, where it must change
    try:
        if threshold is not None or decoding:
            config = spacy.util.load_config(_config_path(model), interpolate=True)
            settings = dict(decoding or {})
            if threshold is not None:
                settings["threshold"] = threshold
                blocks = config["components"].values()
                floors = [block["threshold"] for block in blocks if _is_own(block, "spancat")]
                has_decoder = any(block.get("factory") == DECODER for block in blocks)
                floor = min([threshold, *floors]) if has_decoder else threshold
                overrides.update(_overrides(config, "spancat", {"threshold": floor}))
            decoder = _overrides(config, DECODER, settings)
            overrides.update(decoder)
            added = decoding if decoding and not decoder else None
        nlp = spacy.load(model, config=overrides)
    except Exception as err:  # spaCy raises many kinds here; each is one line to the user
        reason = str(err).strip().splitlines()[0] if str(err).strip() else err.__class__.__name__
        raise InputError(f"{model}: error: cannot load the pipeline: {reason}") from None
    if floor is None and not added:
        return nlp  # a pipeline of the sentence topics alone has no span tagger
    spancat = span_categorizer(nlp)
    if floor is not None:
        # A trained span categorizer's own cfg (saved beside its weights) wins over config.cfg
        # when it loads, so the setting is made in both, as `privspan threshold` saves it.
        spancat.cfg["threshold"] = float(floor)
    if added:
        nlp.add_pipe(DECODER, after=spancat.name, config={"spans_key": spancat.key, **added})
    return nlp


DECODER = "privspan_decoder"


def _overrides(config: Any, factory: str, settings: Dict[str, Any]) -> Dict[str, Any]:
    """Config overrides that give every component of `factory` but the sentence topics' these
    settings (None: unset)."""
    return {f"components.{name}.{key}": value
            for name, block in config["components"].items() if _is_own(block, factory)
            for key, value in settings.items() if value is not None}


def _is_own(block: Any, factory: str) -> bool:
    """Whether a config block is a component of `factory` that the span tagger's settings are
    for: the sentence topics, a span categorizer too, keep their own thresholds."""
    return block.get("factory") == factory and block.get("spans_key") != TOPICS_KEY


def _config_path(model: str) -> Path:
    """The config.cfg of a pipeline folder or of an installed package (in its data folder)."""
    import spacy

    path = Path(model)
    if path.is_dir():
        return path / "config.cfg"
    try:
        package = spacy.util.get_package_path(model)
    except Exception:  # not installed: spacy.load says so in its own words
        return path / "config.cfg"
    return next(package.glob("*/config.cfg"), package / "config.cfg")


def report_key(nlp: Language) -> Optional[str]:
    """The span group the pipeline makes for the report, if it makes one."""
    from ..components.decoder import SpanDecoder

    for _, pipe in nlp.pipeline:
        if isinstance(pipe, SpanDecoder) and pipe.report_key:
            return pipe.report_key
    return None


def topics_key(nlp: Language) -> Optional[str]:
    """The span group of the sentence topics, if the pipeline has a classifier of them."""
    return TOPICS_KEY if any(isinstance(pipe, SpanCategorizer) and pipe.key == TOPICS_KEY
                             for _, pipe in nlp.pipeline) else None


def span_categorizer(nlp: Language) -> SpanCategorizer:
    """The span tagger (not the sentence topics' categorizer)."""
    for _, pipe in nlp.pipeline:
        if isinstance(pipe, SpanCategorizer) and pipe.key != TOPICS_KEY:
            return pipe
    raise InputError(f"{nlp.meta.get('name', 'pipeline')}: error: no span categorizer among "
                     f"its components ({', '.join(nlp.pipe_names) or 'none'})")
