"""`privspan diff`: two annotations of the same documents compared, per label, with a page
of every disagreement in context."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ..formats.registry import READABLE
from ..problems import InputError
from ..schema import SCHEMES, get_scheme
from ._common import HelpFormatter, read_documents


def add_to(commands: argparse._SubParsersAction) -> None:
    diff = commands.add_parser("diff", help="compare two annotations of the same documents: "
                               "agreement per label, added, removed, relabelled, re-cut spans",
                               formatter_class=HelpFormatter)
    diff.add_argument("a", help="the first annotation (the reference, e.g. the model's draft): a "
                      "file or folder in any format with spans (formats/registry.py)")
    diff.add_argument("b", help="the second annotation (e.g. the correction), in any such format")
    diff.add_argument("--from", dest="source", choices=("auto",) + READABLE, default="auto",
                      help="the format of both inputs; auto tells each file's by suffix and content")
    diff.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                      help="the labels a tool's annotations may have (others are errors)")
    diff.add_argument("--out", help="a folder to write diff.json (the figures and every "
                      "disagreement) and diff.html (each disagreement in context) into")
    diff.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..measure.diff import html_page, match, report, text_report

    scheme = get_scheme(args.labels)
    a_docs, a_failed = read_documents([args.a], args.source, scheme)
    b_docs, b_failed = read_documents([args.b], args.source, scheme)
    diff = match(a_docs, b_docs)
    figures = report(diff, scheme.labels)
    print(text_report(figures, args.a, args.b))
    if args.out:
        out = Path(args.out)
        try:
            out.mkdir(parents=True, exist_ok=True)
            (out / "diff.json").write_text(json.dumps({"a": args.a, "b": args.b, **figures},
                                                      ensure_ascii=False, indent=1) + "\n",
                                           encoding="utf-8")
            (out / "diff.html").write_text(html_page(diff, figures, args.a, args.b), encoding="utf-8")
        except OSError as err:
            raise InputError(f"{err.filename or out}: error: cannot write ({err.strerror})") from None
    return 1 if a_failed or b_failed else 0
