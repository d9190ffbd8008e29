"""spaCy's DocBin (`.spacy`), as `privspan corpus` writes it: reading, with a located error."""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import TYPE_CHECKING, List

from ..problems import InputError
from ..records import Span
from ..schema import SPANS_KEY

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab


def read_docbin(path: str | Path, vocab: "Vocab") -> List["Doc"]:
    """The docs of a `.spacy` file; raises InputError naming the file."""
    from spacy.tokens import DocBin

    if not Path(path).exists():
        raise InputError(f"{path}: error: no such file or folder")
    try:
        return list(DocBin().from_disk(path).get_docs(vocab))
    except (OSError, ValueError, KeyError, TypeError, zlib.error) as err:
        # a truncated or foreign file fails deep inside msgpack/zlib; name the file instead
        raise InputError(f"{path}: error: not a readable DocBin ({type(err).__name__})") from None


def gold_spans(doc: "Doc", spans_key: str = SPANS_KEY) -> List[Span]:
    """A corpus Doc's gold: the annotated character offsets when `privspan corpus` kept them
    (`user_data["gold_chars"]`), else its token spans."""
    if "gold_chars" in doc.user_data:
        return sorted(Span(int(start), int(end), str(label)) for start, end, label in doc.user_data["gold_chars"])
    return sorted(Span(s.start_char, s.end_char, s.label_) for s in doc.spans.get(spans_key, []))
