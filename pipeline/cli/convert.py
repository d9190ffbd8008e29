"""`privspan convert`: any format to any other, through the documents read from each file:
bracket markup, privspan's JSONL, and the files of Label Studio, doccano and Prodigy."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List

from ..formats import brackets, doccano, jsonl, labelstudio, prodigy
from ..formats.readers import ALL_SUFFIXES, READERS, SUFFIXES, format_of
from ..formats.tasks import FORMATS, Record
from ..problems import InputError
from ..schema import SCHEMES, LabelScheme, get_scheme
from ._common import HelpFormatter, Inputs


def add_to(commands: argparse._SubParsersAction) -> None:
    convert = commands.add_parser("convert", help="bracket markup, JSONL, Label Studio, doccano, "
                                  "Prodigy: any to any", formatter_class=HelpFormatter)
    convert.add_argument("files", nargs="+", help="files, or folders of them: .txt bracket markup, "
                         ".jsonl (privspan's, doccano's or Prodigy's), .json (Label Studio tasks "
                         "or export)")
    convert.add_argument("--to", choices=FORMATS, required=True,
                         help="brackets: one .txt file per document; jsonl: {id, text, spans} "
                              "lines; labelstudio: a JSON list of tasks with the spans as "
                              "annotations; doccano: sequence labeling lines; prodigy: accepted "
                              "tasks with jieba's tokens")
    convert.add_argument("--from", dest="source", choices=("auto",) + FORMATS + ("bios",), default="auto",
                         help="the inputs' format; auto tells it by suffix and content (a .jsonl "
                              "line with tokens or answer is Prodigy's, with label, labels or "
                              "entities doccano's); bios (read only): character BIO files such as "
                              "CA4P-483's dev.char.bios")
    convert.add_argument("--labels", choices=tuple(SCHEMES), default="project",
                         help="the labels a tool's annotations may have (others are errors) "
                              "and those of the Label Studio config")
    convert.add_argument("--out", help="output file, or folder for brackets; default: stdout. With "
                         "--to labelstudio, the labeling config is written beside it, as "
                         f"{labelstudio.CONFIG_NAME}")
    convert.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scheme = get_scheme(args.labels)
    inputs = Inputs(args.files, SUFFIXES.get(args.source, ALL_SUFFIXES))
    records: List[Record] = []
    failed = False
    for file, content in inputs:
        fmt = format_of(file, content, args.source)
        if fmt is None:
            print(f"{file}: error: cannot tell its format from its suffix and content; give --from",
                  file=sys.stderr)
            failed = True
            continue
        export = READERS[fmt](file, content, scheme)
        for problem in export.problems:
            print(problem, file=sys.stderr)
        for reason, n in sorted(export.skipped.items()):
            print(f"{file}: note: {n} task(s) skipped: {reason}", file=sys.stderr)
        failed = failed or export.bad > 0
        records.extend(export.records)
    if args.to == "brackets":
        _write_brackets(records, Path(args.out) if args.out else None)
    else:
        _write_file(args.to, records, args.out, scheme)
    return 1 if failed or inputs.failed else 0


def _write_brackets(records: List[Record], out_dir: Path | None) -> None:
    if out_dir:
        _make_folder(out_dir)
    for record in records:
        doc = record.document
        markup, left_out = brackets.render(doc.text, doc.spans, record.scores)
        for span in left_out:
            print(f"{record.where}: warning: left-out: {doc.doc_id}: {span.label} "
                  f"[{span.start}, {span.end}) cannot be written as brackets", file=sys.stderr)
        if out_dir:
            _write(out_dir / f"{doc.doc_id}.txt", markup)
        else:
            sys.stdout.write(markup + "\n")


def _write_file(fmt: str, records: List[Record], out: str | None, scheme: LabelScheme) -> None:
    docs = [record.document for record in records]
    if fmt == "labelstudio":
        text = labelstudio.tasks_json(labelstudio.task(d.doc_id, d.text, d.spans) for d in docs)
    elif fmt == "prodigy":
        from ..gold.docs import blank_pipeline

        tokenizer = blank_pipeline().tokenizer
        text = "".join(prodigy.task(d.doc_id, d.text, d.spans, tokenizer, accepted=True) + "\n"
                       for d in docs)
    else:
        line = doccano.record if fmt == "doccano" else jsonl.record
        text = "".join(line(d.doc_id, d.text, d.spans) + "\n" for d in docs)
    if not out:
        sys.stdout.write(text)
        return
    path = Path(out)
    _make_folder(path.parent)
    _write(path, text)
    if fmt == "labelstudio":
        _write(path.parent / labelstudio.CONFIG_NAME, labelstudio.label_config(scheme.labels))


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
