"""spaCy's DocBin (`.spacy`), as `privspan corpus` writes it: reading, with a located error."""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import TYPE_CHECKING, List

from ..problems import InputError

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
