"""spaCy's DocBin (`.spacy`), as `privspan corpus` writes it (gold/corpus.py): its Docs, and
its paragraphs read back as documents, with a located error."""
from __future__ import annotations

import zlib
from pathlib import Path
from typing import TYPE_CHECKING, List

from ..problems import InputError, Problem
from ..records import Document, Span
from ..schema import SPANS_KEY, LabelScheme
from .tasks import Export

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


def document(doc: "Doc", i: int, source: str = "", spans_key: str = SPANS_KEY) -> Document:
    """A corpus Doc as the paragraph it is of its document (`doc_id` and `line` from its
    user_data; without them, doc `i` of `source`), with its gold spans."""
    data = doc.user_data
    return Document(str(data.get("doc_id", Path(source).stem or f"doc{i}")), doc.text,
                    sorted(set(gold_spans(doc, spans_key))), source=source,
                    where=f"{source}: doc {i}", line=int(data.get("line", i)))


def read(path: Path, scheme: LabelScheme, spans_key: str = SPANS_KEY) -> Export:
    """Each Doc as a paragraph of its document (`doc_id` and `line` from its user_data), with
    the annotated offsets (`gold_chars`) when kept, else the Doc's spans (one warning says
    so). Raises InputError for an unreadable file."""
    from spacy.vocab import Vocab

    export = Export()
    token_aligned = 0
    for i, doc in enumerate(read_docbin(path, Vocab()), start=1):
        token_aligned += "gold_chars" not in doc.user_data
        paragraph = document(doc, i, str(path), spans_key)
        export.read += len(paragraph.spans)
        export.documents.append(paragraph)
    if token_aligned:
        export.problems.append(Problem(str(path), 1, 1, "warning", "token-aligned",
                                       f"{token_aligned} doc(s) keep no annotated offsets (built by "
                                       "another tool?): their token-aligned spans are read"))
    return export
