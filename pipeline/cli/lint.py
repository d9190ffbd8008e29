"""`privspan lint`: markup problems as FILE:LINE:COL, then span counts."""
from __future__ import annotations

import argparse
from collections import Counter

from ..formats.brackets import parse
from ..formats.registry import FORMATS
from ..schema import label_counts
from ._common import HelpFormatter, Inputs


def add_to(commands: argparse._SubParsersAction) -> None:
    lint = commands.add_parser("lint", help="report markup problems and count spans",
                               formatter_class=HelpFormatter)
    lint.add_argument("files", nargs="+", help="bracket files or folders of .txt")
    lint.add_argument("--strict", action="store_true", help="exit 1 on warnings too, not only on errors")
    lint.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    inputs = Inputs(args.files, FORMATS["brackets"].suffixes)
    n_errors = n_warnings = 0
    spans: Counter = Counter()
    for file, markup in inputs:
        parsed = parse(markup, str(file))
        for problem in parsed.problems:
            print(problem)
        n_errors += len(parsed.errors)
        n_warnings += len(parsed.problems) - len(parsed.errors)
        spans.update(s.label for s in parsed.spans)
    n_errors += inputs.errors  # an unreadable input is an error like any other
    print(f"{len(inputs.files)} file(s): {sum(spans.values())} spans ({label_counts(spans)}); "
          f"{n_errors} error(s), {n_warnings} warning(s)")
    return 1 if n_errors or (args.strict and n_warnings) else 0
