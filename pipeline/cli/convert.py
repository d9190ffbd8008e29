"""`privspan convert`: any format to any other, through the documents read from each file:
bracket markup, privspan's JSONL, and the files of Label Studio, doccano and Prodigy."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List

from ..formats import brackets, labelstudio
from ..formats.registry import FORMATS, READABLE
from ..problems import InputError
from ..records import Document
from ..schema import SCHEMES, get_scheme
from ._common import HelpFormatter, read_documents

# what convert writes: the formats that hold spans and are written a file at a time
TARGETS = ("brackets", "jsonl", "labelstudio", "doccano", "prodigy")


def add_to(commands: argparse._SubParsersAction) -> None:
    convert = commands.add_parser("convert", help="bracket markup, JSONL, Label Studio, doccano, "
                                  "Prodigy: any to any", formatter_class=HelpFormatter)
    convert.add_argument("files", nargs="+", help="files, or folders of them, in any format with "
                         "spans: " + "; ".join(f"{name}: {FORMATS[name].help}" for name in READABLE))
    convert.add_argument("--to", choices=TARGETS, required=True,
                         help="brackets: one .txt file per document; jsonl: {id, text, spans} "
                              "lines; labelstudio: a JSON list of tasks with the spans as "
                              "annotations (predictions where they have scores); doccano: "
                              "sequence labeling lines; prodigy: tasks with jieba's tokens "
                              "(accepted unless the spans have scores)")
    convert.add_argument("--from", dest="source", choices=("auto",) + READABLE, default="auto",
                         help="the inputs' format; auto tells it by suffix and content (a .jsonl "
                              "line with tokens or answer is Prodigy's, with label, labels or "
                              "entities doccano's, with id and text privspan's)")
    convert.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                         help="the labels the spans may have (others are errors) and those of "
                              "the Label Studio config")
    convert.add_argument("--out", help="output file, or folder for brackets; default: stdout. With "
                         "--to labelstudio, the labeling config is written beside it, as "
                         f"{labelstudio.CONFIG_NAME}")
    convert.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scheme = get_scheme(args.labels)
    documents, failed = read_documents(args.files, args.source, scheme)
    if args.to == "brackets":
        _write_brackets(documents, Path(args.out) if args.out else None)
    else:
        _write_file(args.to, documents, args.out, scheme)
    return 1 if failed else 0


def _write_brackets(documents: List[Document], out_dir: Path | None) -> None:
    if out_dir:
        _make_folder(out_dir)
    for doc in documents:
        markup, left_out = brackets.render(doc.text, doc.spans, doc.score_list())
        for span in left_out:
            print(f"{doc.where}: warning: left-out: {doc.record_id}: {span.label} "
                  f"[{span.start}, {span.end}) cannot be written as brackets", file=sys.stderr)
        if out_dir:
            _write(out_dir / f"{doc.record_id}.txt", markup)
        else:
            sys.stdout.write(markup + "\n")


def _write_file(fmt: str, documents: List[Document], out: str | None, scheme) -> None:
    """All documents into one file (or stdout), as annotate and select write that format."""
    from ..annotation.outputs import write_file
    from ..gold.docs import blank_pipeline

    problems: List[str] = []
    if not write_file(fmt, documents, Path(out) if out else None, problems.append, labels=scheme.labels,
                      tokenizer=blank_pipeline().tokenizer if fmt == "prodigy" else None):
        raise InputError(problems[0])


def _make_folder(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise InputError(f"{path}: error: cannot make the folder ({err.strerror})") from None


def _write(path: Path, text: str) -> None:
    try:
        # newline="" keeps a text's "\r\n" as it was read.
        path.write_text(text, encoding="utf-8", newline="")
    except OSError as err:
        raise InputError(f"{path}: error: cannot write ({err.strerror})") from None
