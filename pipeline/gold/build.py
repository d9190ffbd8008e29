"""`privspan corpus` as a function: gold sources -> train/dev/test `.spacy` files, and a
summary whose counts add up (annotations read = spans written + spans dropped by reason)."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from ..records import Span, Unit
from ..schema import SCHEMES, SPANS_KEY, TOPICS_KEY, label_counts
from .corpus import (CorpusReport, Split, assign_splits, drop_unannotated, training_texts,
                     without_sentences, write_corpus)
from .sources import Gathered, gather, units_of

# Below this many documents a corpus trains a demo at best (the seed is one policy).
FEW_DOCUMENTS = 10


class CorpusError(Exception):
    """No corpus can be built from what was read (the message says why; `gathered` holds
    what reading gave, its problems to report all the same)."""

    def __init__(self, message: str, gathered: Gathered) -> None:
        super().__init__(message)
        self.gathered = gathered


@dataclass
class CorpusOptions:
    """How to read, filter and split the gold (`privspan corpus --help` says each in full)."""

    fmt: str = "auto"
    labels: str = "project"
    dev: float = 0.1
    test: float = 0.0
    seed: int = 0
    strict: bool = False
    cut_at: str = ""
    leave_out: Sequence[str] = ()
    leave_out_min_chars: int = 8
    all_units: bool = False
    unannotated: float = 0.0
    whole: Optional[str] = None
    hf_out: Optional[str] = None
    raw_text: Optional[str] = None


@dataclass
class CorpusResult:
    gathered: Gathered
    report: CorpusReport
    split: Split
    paths: Dict[str, Path]
    units: List[Unit]  # those written
    options: CorpusOptions
    cut_off: int = 0  # pieces beyond one a span that --cut-at made
    left_out: List[str] = field(default_factory=list)  # the --leave-out line, if any
    seconds: float = 0.0
    task: Optional[str] = None  # the authors' task, for --split authors
    labels: Optional[List[str]] = None  # those counted, if not the scheme's (the task's)

    @property
    def demo(self) -> bool:
        """Too few documents for a useful model."""
        return self.report.documents < FEW_DOCUMENTS and self.split.by in ("document", "line")

    @property
    def failed(self) -> bool:
        return self.gathered.failed or (self.options.strict and any(p.is_error for p in self.gathered.problems))

    def summary(self) -> List[str]:
        """The lines `privspan corpus` prints: what was read, written and dropped, and why."""
        options, report, gathered = self.options, self.report, self.gathered
        labels = self.labels or SCHEMES[options.labels].labels
        written = sum(report.spans.values())
        align = report.alignment
        dropped = gathered.dropped + align.dropped
        n_errors = sum(p.is_error for p in gathered.problems)
        lines = list(self.left_out)
        if self.task:
            lines.append(f"task: {self.task}")
        lines.append(f"documents: {report.documents} ({'not split' if options.whole else 'split by ' + self.split.by}"
                     f"{'; too few documents to split by document' if self.split.by == 'line' else ''})")
        lines.append("units: " + ", ".join(f"{name} {n}" for name, n in report.units.items())
                     + f"; {report.unannotated} unit(s) without gold spans left out"
                     + (f", {sum(not u.spans for u in self.units)} kept as negatives (--unannotated)"
                        if options.unannotated else ""))
        lines.append(f"spans written: {written} ({label_counts(report.spans, labels)})")
        lines.append(f"misaligned with tokens: expanded to token edges {sum(align.expanded.values())} "
                     f"({label_counts(align.expanded, labels)}), dropped {sum(align.dropped.values())}")
        lines.append(f"annotations read: {gathered.read}"
                     f"{f' + {self.cut_off} pieces cut off by --cut-at' if self.cut_off else ''} "
                     f"= written {written} + dropped {sum(dropped.values())}"
                     + "".join(f"; {reason}: {n}" for reason, n in sorted(dropped.items())))
        if gathered.skipped:
            lines.append(f"tasks skipped: {sum(gathered.skipped.values())}"
                         + "".join(f"; {reason}: {n}" for reason, n in sorted(gathered.skipped.items())))
        lines.append(f"problems: {n_errors} error(s), {len(gathered.problems) - n_errors} warning(s); "
                     f"unreadable inputs: {len(gathered.errors)}")
        lines.append("wrote " + ", ".join(str(p) for p in self.paths.values())
                     + (f"; datasets to {options.hf_out}" if options.hf_out else "")
                     + (f"; training text to {options.raw_text}" if options.raw_text else "")
                     + f" in {self.seconds:.1f} s")
        return lines


def build_corpus(sources: Sequence[str], out: Path, options: CorpusOptions) -> CorpusResult:
    """Read the sources, cut and filter their units, split them and write the DocBins (and
    the datasets and raw text asked for). CorpusError if nothing is left to write."""
    from .docs import blank_pipeline

    started = time.perf_counter()
    gathered = gather(sources, options.fmt, options.labels, options.strict)
    cut_off = cut_spans(gathered, options.cut_at) if options.cut_at else 0
    left_out_line: List[str] = []
    if options.leave_out:
        gathered.units, left_out, line = _leave_out(gathered, options)
        gathered.dropped["in a --leave-out text"] += sum(len(u.spans) for u in left_out)
        left_out_line.append(line)
    # a sentence without a topic is a negative CAPP-130's annotators chose: every one is kept
    topics = options.labels == "topics"
    units, unannotated = ((gathered.units, 0) if options.all_units or topics
                          else drop_unannotated(gathered.units, options.unannotated, options.seed))
    if not units:
        raise CorpusError("no annotated units in the sources", gathered)
    try:
        split = Split({options.whole: units}, "none") if options.whole else assign_splits(
            units, options.dev, options.test, options.seed)
    except ValueError as err:
        raise CorpusError(str(err), gathered) from None
    report = CorpusReport(documents=gathered.policies, unannotated=unannotated)
    paths = write_corpus(blank_pipeline(), split, out, report, TOPICS_KEY if topics else SPANS_KEY)
    if options.hf_out:
        from ..formats.hf import save_splits

        save_splits(split.units, Path(options.hf_out))
    if options.raw_text:
        import srsly

        Path(options.raw_text).parent.mkdir(parents=True, exist_ok=True)
        srsly.write_jsonl(options.raw_text, ({"text": text} for text in training_texts(gathered.units, split)))
    return CorpusResult(gathered, report, split, paths, units, options, cut_off, left_out_line,
                        time.perf_counter() - started)


def build_authors_corpus(source: str, out: Path) -> List[CorpusResult]:
    """CAPP-130's pre-sliced sets as the authors cut them (`--split authors`): each task's
    train, dev and test files into OUT/TASK/{train,dev,test}.spacy, one result a task.
    Their split is by sentence, so the same policies are in all three."""
    from ..formats.capp130 import SPLITS, TASK_LABELS, TASKS, read_extraction
    from .docs import blank_pipeline

    nlp, results = blank_pipeline(), []
    for task in TASKS:
        started = time.perf_counter()
        gathered, units = Gathered(), {}
        for split in SPLITS:
            export = read_extraction(Path(source), task, split)
            gathered.merge(export)
            units[split] = [unit for document in export.documents for unit in units_of(document)]
        gathered.units = [unit for split_units in units.values() for unit in split_units]
        if not gathered.units:
            raise CorpusError(f"{source}: no sentences in the authors' {task} files", gathered)
        split = Split(units, "the authors' files")
        report = CorpusReport(documents=gathered.policies)
        paths = write_corpus(nlp, split, out / task, report, TOPICS_KEY)
        options = CorpusOptions(fmt="capp130", labels="topics", all_units=True)
        results.append(CorpusResult(gathered, report, split, paths, gathered.units, options,
                                    seconds=time.perf_counter() - started, task=task, labels=TASK_LABELS[task]))
    return results


def cut_spans(gathered: Gathered, chars: str) -> int:
    """Cut every gold span at `chars`; the pieces added beyond one a span (drops are counted)."""
    from ..components.decoder import cut

    added = 0
    for unit in gathered.units:
        pieces = [[Span(a, b, s.label) for a, b in cut(unit.text, s.start, s.end, chars)]
                  for s in unit.spans]
        kept = sorted({piece for span_pieces in pieces for piece in span_pieces})
        added += sum(len(p) - 1 for p in pieces if p)
        gathered.dropped["only --cut-at characters"] += sum(not p for p in pieces)
        gathered.dropped["the same as another span after --cut-at"] += sum(map(len, pieces)) - len(kept)
        unit.spans = kept
    for reason in ("only --cut-at characters", "the same as another span after --cut-at"):
        if not gathered.dropped[reason]:
            del gathered.dropped[reason]
    return added


def _leave_out(gathered: Gathered, options: CorpusOptions) -> Tuple[List[Unit], List[Unit], str]:
    """(kept, left out, a line saying how many went): whether a unit contains a text of
    `leave_out`; a source of those texts that cannot be read is an error of the corpus."""
    given = gather(options.leave_out, "auto", options.labels)
    gathered.errors.extend(given.errors)
    units = gathered.units
    texts = [u.text for u in given.units]
    looked_for = [t for t in texts if len("".join(t.split())) >= options.leave_out_min_chars]
    kept, left_out = without_sentences(units, looked_for, options.leave_out_min_chars)
    line = (f"left out: {len(left_out)} unit(s) holding {sum(len(u.spans) for u in left_out)} gold "
            f"span(s), which contain one of {len(set(looked_for))} text(s) of "
            f"{', '.join(options.leave_out)} ({len(texts) - len(looked_for)} shorter than "
            f"{options.leave_out_min_chars} characters not looked for)")
    return kept, left_out, line
