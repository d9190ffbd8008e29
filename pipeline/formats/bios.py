"""Character BIO/BIOES files (reading only): one character, a tab and a tag per line, a blank line
after each sentence, as in CA4P-483's `train_dev_test/{dev,test}.char.bios`.

Tags are read the way fastNLP's `_bioes_tag_to_spans` reads them, the decoding behind the
SpanFPreRecMetric that the dataset's authors scored with: `B-x` and `S-x` start a span,
`I-x` and `E-x` continue one only right after `B-x` or `I-x` of the same label, and start a
new span otherwise. Those otherwise-cases are sequence errors: located and counted here,
never silently mended. Labels are the authors' names (`data`, `handler`, `subjects`...),
mapped through the schema's CA4P-483 table to the chosen label scheme.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional, Tuple

from ..files import read_text
from ..problems import Problem
from ..records import Document, Span, Unit
from ..schema import BIOS_CLASSES, CA4P_CLASSES, LabelScheme, get_scheme
from .tasks import Export

SUFFIXES = (".bios", ".bio", ".bioes", ".bmes")


@dataclass
class BiosResult:
    """The sentences of a file as units, its problems, and counts that add up."""

    units: List[Unit] = field(default_factory=list)
    problems: List[Problem] = field(default_factory=list)
    read: int = 0  # spans decoded
    dropped: Counter = field(default_factory=Counter)  # by reason
    sequence_errors: int = 0


# A decoded span: (start, end, authors' label, line of its first character)
_Decoded = Tuple[int, int, str, int]


def read_bios(path: Path, scheme: str = "project") -> BiosResult:
    """Every sentence of a character BIO/BIOES file as a unit with its gold spans.

    Raises InputError when the file cannot be read at all.
    """
    content, _ = read_text(path)
    return parse_bios(path, content, scheme)


def parse_bios(path: Path, content: str, scheme: str = "project") -> BiosResult:
    """`read_bios` of a file's content, already decoded."""
    label_map = get_scheme(scheme).ca4p
    result = BiosResult()
    chars: List[str] = []
    tags: List[Tuple[str, int]] = []
    first_line = 1
    lines = content.split("\n")
    for lineno, line in enumerate(lines + [""], start=1):
        line = line.rstrip("\r")
        if not line.strip():
            if chars:
                _add_sentence(result, path, first_line, "".join(chars), tags, label_map)
            chars, tags, first_line = [], [], lineno + 1
            continue
        char, tab, tag = line.rpartition("\t")
        if not tab or len(char) != 1:
            result.problems.append(Problem(str(path), lineno, 1, "error", "bad-line",
                                           "expected one character, a tab and a tag; line skipped"))
            continue
        chars.append(char)
        tags.append((tag.strip(), lineno))
    return result


def _add_sentence(result: BiosResult, path: Path, line: int, text: str,
                  tags: List[Tuple[str, int]], label_map: dict) -> None:
    spans: List[Span] = []
    for start, end, name, span_line in _decode(tags, path, result):
        result.read += 1
        label = _label(name, label_map)
        if label is None:
            reason = (f"{CA4P_CLASSES[BIOS_CLASSES[name]].lower()} (no label in this scheme)"
                      if name in BIOS_CLASSES else "unknown label")
            if name not in BIOS_CLASSES:
                result.problems.append(Problem(str(path), span_line, 1, "error", "label",
                                               f"unknown label {name!r}; span dropped"))
            result.dropped[reason] += 1
            continue
        spans.append(Span(start, end, label))
    # BIO tags cannot overlap, so no two spans share their edges
    result.units.append(Unit(path.stem, line, text, spans))


def _label(name: str, label_map: dict) -> Optional[str]:
    cls = BIOS_CLASSES.get(name)
    return label_map.get(cls) if cls else None


def _decode(tags: List[Tuple[str, int]], path: Path, result: BiosResult) -> List[_Decoded]:
    spans: List[list] = []  # [start, end, label, line]
    previous = "o"
    for index, (tag, lineno) in enumerate(tags):
        kind, _, name = tag.partition("-")
        kind = kind.lower()
        if kind == "o" and not name:
            previous = "o"
            continue
        if kind not in ("b", "i", "e", "s") or not name:
            result.problems.append(Problem(str(path), lineno, 1, "error", "bad-tag",
                                           f"tag {tag!r} is none of O, B-x, I-x, E-x, S-x; read as O"))
            previous = "o"
            continue
        if kind in ("i", "e") and previous in ("b", "i") and spans and spans[-1][2] == name:
            spans[-1][1] = index + 1
        else:
            if kind in ("i", "e"):
                result.sequence_errors += 1
                after = "a span of another label" if previous in ("b", "i") else "no open span"
                result.problems.append(Problem(
                    str(path), lineno, 1, "warning", "sequence",
                    f"{tag} after {after}; read as the start of a span, as fastNLP reads it"))
            spans.append([index, index + 1, name, lineno])
        previous = kind
    return [(start, end, name, line) for start, end, name, line in spans]


def read(path: Path, content: str, scheme: LabelScheme) -> Export:
    """Each sentence as a paragraph of the file's document (its line the sentence's first);
    a bad line is one located error, which fails the command, and the rest is kept."""
    result = parse_bios(path, content, scheme.name)
    export = Export(problems=result.problems, read=result.read, dropped=result.dropped,
                    bad=sum(p.is_error for p in result.problems))
    export.documents = [Document(unit.doc_id, unit.text, unit.spans, source=str(path),
                                 where=f"{path}:{unit.line}:1", line=unit.line)
                        for unit in result.units]
    return export
