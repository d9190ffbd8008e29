"""The `privspan` command line: one module per command, each adding its own parser."""
from __future__ import annotations

import argparse
import os
import sys
from typing import Optional, Sequence

from . import (agreement, annotate, assets, benchmark, convert, corpus, diff, evaluate, item_filter, lint, recall,
               report, select, serve, step, threshold, vectors)

# In the order of the flow: markup, data, corpus, model, measuring, the annotators' loop, reports.
COMMANDS = (lint, convert, assets, corpus, vectors, threshold, recall, agreement, evaluate, annotate, benchmark, diff,
            select, item_filter, report, serve, step)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="privspan", description="Span categorization for Chinese privacy policies: bracket "
        "markup, gold corpora, training with spaCy, annotation and measuring.")
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_to(commands)
    for name, subparser in commands.choices.items():
        subparser.set_defaults(parser=subparser)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    """Run one command: its result on stdout, everything else on stderr; exit 0, 1 for bad
    input (each a located line, the good input still used), 2 for bad usage."""
    from ..problems import InputError, UsageError

    try:
        args = build_parser().parse_args(argv)
        try:
            return args.func(args)
        except UsageError as err:
            args.parser.error(str(err))  # usage and `privspan COMMAND: error: …`, exit 2
    except SystemExit as exit:  # argparse's own way out (errors, --help)
        return 0 if exit.code is None else exit.code if isinstance(exit.code, int) else 1
    except InputError as err:
        print(err, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")
        return 141


if __name__ == "__main__":
    sys.exit(main())
