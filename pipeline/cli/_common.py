"""What several commands share: help text, option types, reading their input files."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, List, Optional, Sequence, Tuple

from ..files import collect_files, read_text
from ..problems import InputError

if TYPE_CHECKING:
    from ..records import Document
    from ..schema import LabelScheme


class HelpFormatter(argparse.HelpFormatter):
    """Shows each option's default after its help, unless it has none worth showing."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if ("%(default)" not in text and action.option_strings and action.default is not None
                and action.default is not False and action.default is not argparse.SUPPRESS):
            text += " (default: %(default)s)"
        return text


def at_least(minimum: int) -> Callable[[str], int]:
    """An argparse `type`: a whole number of at least `minimum`."""
    def parse(value: str) -> int:
        try:
            number = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
        if number < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {number}")
        return number
    return parse


def fraction(low: float = 0.0, high: float = 1.0, open_low: bool = False) -> Callable[[str], float]:
    """An argparse `type`: a number from `low` to `high` (above `low` with `open_low`)."""
    def parse(value: str) -> float:
        try:
            number = float(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{value!r} is not a number") from None
        if not (low < number if open_low else low <= number) or number > high:
            shown = f"({low:g}, {high:g}]" if open_low else f"[{low:g}, {high:g}]"
            raise argparse.ArgumentTypeError(f"must be in {shown}, not {value}")
        return number
    return parse


class Inputs:
    """Decoded input files; each bad one is reported on stderr and counted."""

    def __init__(self, sources: Sequence[str], suffixes: tuple) -> None:
        self.files, errors = collect_files(sources, suffixes)
        self.errors = len(errors)
        for error in errors:
            print(error, file=sys.stderr)

    @property
    def failed(self) -> bool:
        return self.errors > 0

    def __iter__(self) -> Iterator[Tuple[Path, str]]:
        for file in self.files:
            try:
                content, _ = read_text(file)
            except InputError as err:
                print(err, file=sys.stderr)
                self.errors += 1
                continue
            yield file, content


def read_documents(sources: Sequence[str], fmt: str, scheme: "LabelScheme") -> Tuple[List["Document"], bool]:
    """The documents of files and folders in any readable format (formats/registry.py), each
    problem on stderr as one located line; returns them and whether anything was bad."""
    from ..formats.registry import read_each

    documents: List["Document"] = []
    failed = False
    for file, export in read_each(sources, scheme, fmt):
        for line in [*export.errors, *export.problems]:
            print(line, file=sys.stderr)
        for reason, n in sorted(export.skipped.items()):
            print(f"{file}: note: {n} task(s) skipped: {reason}", file=sys.stderr)
        failed = failed or export.failed
        documents.extend(export.documents)
    return documents, failed


def dask_problem(address: str) -> str:
    """What is wrong with a --dask address (Dask missing, or not local:N nor a scheduler's), or ""."""
    try:
        from ..processing.dask_engine import parse_address
    except ImportError:
        return "--dask needs Dask: pip install 'privspan[dask]'"
    try:
        parse_address(address)
    except ValueError as err:
        return str(err)
    return ""


def read_readings(path: str) -> Optional[List[dict]]:
    """Readings by hand (corpus/item_readings.jsonl, checklist_readings.jsonl), a record a line;
    None, with a one-line error, if they cannot be read."""
    import json

    try:
        with open(path, encoding="utf-8") as lines:
            return [json.loads(line) for line in lines if line.strip()]
    except (OSError, ValueError) as err:
        print(f"{path}: error: cannot read the readings ({err})", file=sys.stderr)
        return None
