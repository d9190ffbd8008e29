"""`privspan convert`: bracket markup <-> JSONL."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List

from ..formats.brackets import parse, render
from ..formats.jsonl import parse_record, record
from ..problems import InputError
from ._common import HelpFormatter, Inputs


def add_to(commands: argparse._SubParsersAction) -> None:
    convert = commands.add_parser("convert", help="bracket markup <-> JSONL", formatter_class=HelpFormatter)
    convert.add_argument("files", nargs="+", help=".txt bracket files (to jsonl) or .jsonl files (to brackets)")
    convert.add_argument("--to", choices=("jsonl", "brackets"), required=True,
                         help="jsonl: one {id, text, spans} line per bracket file; brackets: one "
                              ".txt file per JSONL record")
    convert.add_argument("--out", help="output file (jsonl) or folder (brackets); default: stdout")
    convert.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    return _to_jsonl(args) if args.to == "jsonl" else _to_brackets(args)


def _to_jsonl(args: argparse.Namespace) -> int:
    inputs = Inputs(args.files, (".txt",))
    lines: List[str] = []
    for file, markup in inputs:
        parsed = parse(markup, str(file))
        for problem in parsed.problems:
            print(problem, file=sys.stderr)
        lines.append(record(file.stem, parsed.text, parsed.spans))
    text = "".join(line + "\n" for line in lines)
    if args.out:
        try:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as err:
            raise InputError(f"{args.out}: error: cannot write ({err.strerror})") from None
    else:
        sys.stdout.write(text)
    return 1 if inputs.failed else 0


def _to_brackets(args: argparse.Namespace) -> int:
    inputs = Inputs(args.files, (".jsonl",))
    failed = False
    out_dir = Path(args.out) if args.out else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    for file, content in inputs:
        for lineno, line in enumerate(content.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                doc_id, text, spans, scores = parse_record(line)
            except (ValueError, KeyError, TypeError, AttributeError) as err:
                print(f"{file}:{lineno}:1: error: bad-record: {err.__class__.__name__}: {err}", file=sys.stderr)
                failed = True
                continue
            markup, left_out = render(text, spans, scores)
            for span in left_out:
                print(f"{file}:{lineno}:1: warning: left-out: {doc_id}: {span.label} "
                      f"[{span.start}, {span.end}) cannot be written as brackets", file=sys.stderr)
            if out_dir:
                (out_dir / f"{doc_id}.txt").write_text(markup, encoding="utf-8")
            else:
                sys.stdout.write(markup + "\n")
    return 1 if failed or inputs.failed else 0
