"""`privspan step`: one line of a workflow that runs only when the data it needs is there.

weasel runs a script's lines without a shell, and a command whose deps are missing stops
the whole workflow. The first run must still end on the embedded sample when a dataset
could not be fetched (CAPP-130's topics), so such a line runs through this guard: the
command as written when its inputs are there, else at most one line said, and exit 0.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from ._common import HelpFormatter


def add_to(commands: argparse._SubParsersAction) -> None:
    step = commands.add_parser("step", help="run a workflow's command only when the paths it needs "
                               "are there (else say so and exit 0)", formatter_class=HelpFormatter)
    step.add_argument("--needs", action="append", default=[], metavar="PATH",
                      help="run only if this file or folder exists (repeatable)")
    step.add_argument("--unless", action="append", default=[], metavar="PATH",
                      help="run only if this file or folder does not exist (repeatable)")
    step.add_argument("--what", metavar="TEXT",
                      help="what the command builds: `not built: TEXT (PATH is not there)` is said when "
                           "it is not run for a missing path")
    step.add_argument("command", nargs=argparse.REMAINDER,
                      help="-- and the command, as weasel would run it (python is this Python)")
    step.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..problems import UsageError

    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise UsageError("no command given after --")
    missing = [path for path in args.needs if not Path(path).exists()]
    if missing or any(Path(path).exists() for path in args.unless):
        if args.what and missing:
            print(f"not built: {args.what} ({' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not there)")
        return 0
    if command[0] in ("python", "python3"):
        command = [sys.executable, *command[1:]]  # as weasel runs its own lines
    sys.stdout.flush()
    return subprocess.run(command).returncode
