"""Bracket markup <-> clean text and character-offset spans.

The reading rules live here and nowhere else: only the ASCII brackets of the schema are
markup, a backslash escapes a bracket or a backslash, spans nest but never cross a line
break, and every bracket that forms no span stays in the text and is reported.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple

from ..problems import Problem
from ..records import Document, Span
from ..schema import CLOSERS, ESCAPE, LABEL_BRACKETS, LABELS, OPENERS, SPECIAL, LabelScheme
from .tasks import Export

BOM = "\ufeff"


@dataclass
class Parsed:
    text: str
    spans: List[Span]
    problems: List[Problem] = field(default_factory=list)

    @property
    def errors(self) -> List[Problem]:
        return [p for p in self.problems if p.is_error]


def parse(markup: str, path: str = "<string>") -> Parsed:
    """Read bracket markup into clean text, sorted spans and located problems."""
    if markup.startswith(BOM):
        markup = markup[len(BOM):]
    pieces: List[str] = []
    spans: List[Span] = []
    problems: List[Problem] = []
    offset = 0
    for lineno, line in enumerate(markup.split("\n"), start=1):
        if lineno > 1:
            pieces.append("\n")
            offset += 1
        text, line_spans, line_problems = _parse_line(line, path, lineno)
        pieces.append(text)
        spans.extend(Span(s.start + offset, s.end + offset, s.label) for s in line_spans)
        problems.extend(line_problems)
        offset += len(text)
    return Parsed("".join(pieces), sorted(spans), problems)


def read(path: Path, markup: str, scheme: Optional[LabelScheme] = None) -> Export:
    """A bracket file as one document, named by the file's stem (the markup's labels are the
    project's, whatever `scheme`).

    Markup problems are reported but drop nothing, since brackets that form no span stay text.
    """
    parsed = parse(markup, str(path))
    export = Export(problems=parsed.problems, read=len(parsed.spans))
    export.documents.append(Document(path.stem, parsed.text, parsed.spans, source=str(path),
                                     where=f"{path}:1:1"))
    return export


def _parse_line(line: str, path: str, lineno: int) -> Tuple[str, List[Span], List[Problem]]:
    # Pass 1 decides which bracket characters are markup; pass 2 builds the text. Two
    # passes because an opener's fate (span or literal) is known only at its closer.
    escaped: set[int] = set()  # indices of escaping backslashes, dropped from the text
    pairs: List[Tuple[int, int]] = []
    problems: List[Tuple[int, Problem]] = []
    stack: List[int] = []
    i = 0
    while i < len(line):
        char = line[i]
        if char == ESCAPE and i + 1 < len(line) and line[i + 1] in SPECIAL:
            escaped.add(i)
            i += 2
            continue
        if char in OPENERS:
            stack.append(i)
        elif char in CLOSERS:
            if stack and line[stack[-1]] == CLOSERS[char]:
                start = stack.pop()
                if start + 1 == i:
                    label = OPENERS[line[start]]
                    problems.append((start, Problem(
                        path, lineno, start + 1, "error", "empty",
                        f"empty {line[start]}{char} ({label}) pair; both kept as text")))
                else:
                    pairs.append((start, i))
            else:
                expected = f"'{line[stack[-1]]}'" if stack else "no open bracket"
                problems.append((i, Problem(
                    path, lineno, i + 1, "warning", "stray",
                    f"'{char}' does not close the innermost open bracket ({expected}); kept as text")))
        i += 1
    for start in stack:
        label = OPENERS[line[start]]
        problems.append((start, Problem(
            path, lineno, start + 1, "error", "unclosed",
            f"'{line[start]}' ({label}) is not closed before the end of the line; kept as text")))

    markup_at = {index for pair in pairs for index in pair}
    clean_offset: List[int] = []  # clean-text offset before each raw character
    out: List[str] = []
    for index, char in enumerate(line):
        clean_offset.append(len(out))
        if index in escaped or index in markup_at:
            continue
        out.append(char)
    spans = [Span(clean_offset[o], clean_offset[c], OPENERS[line[o]]) for o, c in pairs]
    return "".join(out), spans, [p for _, p in sorted(problems, key=lambda item: item[0])]


def escape(text: str) -> str:
    """Escape every character that the parser would read as markup."""
    return "".join(ESCAPE + char if char in SPECIAL else char for char in text)


def writable(text: str, spans: Sequence[Span],
             scores: Optional[Sequence[float]] = None) -> Tuple[List[Span], List[Span]]:
    """Split spans into those brackets can express and those left out.

    Brackets can only write properly nested spans that are not empty and do not cross a
    line break. Among crossing spans the higher-scored one (or, without scores, the first
    given) is kept.
    """
    order = list(range(len(spans)))
    if scores is not None:
        order.sort(key=lambda i: -scores[i])
    kept: List[Span] = []
    left_out: List[Span] = []
    for i in order:
        span = spans[i]
        if (span.label not in LABEL_BRACKETS or span.start >= span.end
                or "\n" in text[span.start:span.end]
                or any(_crossing(span, other) for other in kept)):
            left_out.append(span)
        else:
            kept.append(span)
    return kept, left_out


def _crossing(a: Span, b: Span) -> bool:
    return a.start < b.start < a.end < b.end or b.start < a.start < b.end < a.end


def render(text: str, spans: Iterable[Span],
           scores: Optional[Sequence[float]] = None) -> Tuple[str, List[Span]]:
    """Write text and spans as bracket markup; returns the markup and the spans left out."""
    kept, left_out = writable(text, list(spans), scores)
    # Nesting order: outer before inner; identical extents in schema order, so that
    # the openers and closers at one position mirror each other.
    rank = {label: i for i, label in enumerate(LABELS)}
    nest = sorted(kept, key=lambda s: (s.start, -s.end, rank[s.label]))
    opens: dict[int, List[Span]] = {}
    closes: dict[int, List[Span]] = {}
    for span in nest:
        opens.setdefault(span.start, []).append(span)
        closes.setdefault(span.end, []).insert(0, span)
    out: List[str] = []
    for position in range(len(text) + 1):
        out.extend(LABEL_BRACKETS[s.label][1] for s in closes.get(position, ()))
        out.extend(LABEL_BRACKETS[s.label][0] for s in opens.get(position, ()))
        if position < len(text):
            out.append(escape(text[position]))
    markup = "".join(out)
    # `parse` drops a leading BOM as the file's, so a text's own U+FEFF gets one before it
    return (BOM + markup if markup.startswith(BOM) else markup), left_out
