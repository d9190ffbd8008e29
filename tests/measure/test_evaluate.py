"""privspan evaluate: the scoring arithmetic on hand-made spans, then the CLI and
`spacy evaluate` on the smoke-trained pipeline."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from spacy.tokens import DocBin
from spacy.vocab import Vocab

from pipeline.annotation.load import load_pipeline
from pipeline.cli import main
from pipeline.measure.evaluate import NONE, confusion, exact_match, overlap_match, score, trim_edges
from pipeline.schema import LABELS
from pipeline.gold.sources import gather
from pipeline.records import Span

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "corpus" / "seed_kuaishou.txt"

# (gold, pred) per unit. Unit 1: one exact hit, one short prediction, one wrong label at
# gold edges. Unit 2: a duplicated prediction, two predictions inside one gold span, a
# spurious prediction. Unit 3: one prediction across two gold spans, one only touching.
PAIRS = [
    ([Span(0, 2, "ACTOR"), Span(5, 9, "DATA"), Span(10, 12, "DATA")],
     [Span(0, 2, "ACTOR"), Span(5, 8, "DATA"), Span(10, 12, "ACTION")]),
    ([Span(0, 2, "ACTION"), Span(3, 10, "CONTEXT")],
     [Span(0, 2, "ACTION"), Span(0, 2, "ACTION"), Span(3, 5, "CONTEXT"), Span(6, 8, "CONTEXT"),
      Span(20, 22, "DATA")]),
    ([Span(30, 32, "DATA"), Span(33, 35, "DATA")],
     [Span(31, 34, "DATA"), Span(35, 37, "DATA")]),
]


def counts(matches) -> dict:
    return {label: {k: v for k, v in m.to_dict().items() if k in ("gold", "pred", "correct", "pred_correct")}
            for label, m in matches.items()}


def test_exact_match_counts_and_scores():
    matches = exact_match(PAIRS)
    assert counts(matches) == {
        "ACTOR": {"gold": 1, "pred": 1, "correct": 1, "pred_correct": 1},
        "ACTION": {"gold": 1, "pred": 2, "correct": 1, "pred_correct": 1},  # the duplicate counts once
        "DATA": {"gold": 4, "pred": 4, "correct": 0, "pred_correct": 0},
        "CONTEXT": {"gold": 1, "pred": 2, "correct": 0, "pred_correct": 0},
    }
    action = matches["ACTION"]
    assert (action.p, action.r) == pytest.approx((0.5, 1.0))
    assert action.f == pytest.approx(2 / 3)
    assert matches["DATA"].to_dict()["f"] == 0.0


def test_overlap_match_counts_predictions_and_gold_apart():
    matches = overlap_match(PAIRS)
    assert counts(matches) == {
        "ACTOR": {"gold": 1, "pred": 1, "correct": 1, "pred_correct": 1},
        # the ACTION at DATA's edges has no ACTION gold to overlap
        "ACTION": {"gold": 1, "pred": 2, "correct": 1, "pred_correct": 1},
        # found: 5-9 and both of unit 3 (one prediction spans them); 35-37 only touches 33-35
        "DATA": {"gold": 4, "pred": 4, "correct": 3, "pred_correct": 2},
        # two predictions inside the one gold span
        "CONTEXT": {"gold": 1, "pred": 2, "correct": 1, "pred_correct": 2},
    }
    assert (matches["DATA"].p, matches["DATA"].r) == pytest.approx((0.5, 0.75))


def test_confusion_at_identical_edges():
    assert confusion(PAIRS) == {
        "ACTOR": {"ACTOR": 1},
        "DATA": {NONE: 3, "ACTION": 1},
        "ACTION": {"ACTION": 1},
        "CONTEXT": {NONE: 1},
    }
    # spancat is multi-label: every label predicted at the gold edges is counted
    both = [([Span(0, 2, "DATA")], [Span(0, 2, "DATA"), Span(0, 2, "ACTOR"), Span(0, 3, "DATA")])]
    assert confusion(both) == {"DATA": {"DATA": 1, "ACTOR": 1}}


def test_score_micro_average_and_label_order():
    report = score(PAIRS + [([], [Span(0, 1, "RECEIVER")])], LABELS, "annotated-units")
    assert report["scope"] == "annotated-units" and report["units"] == 4
    assert list(report["exact"]["per_label"]) == LABELS + ["RECEIVER"]
    exact, overlap = report["exact"], report["overlap"]
    # exact: 2 of 10 predictions, 2 of 7 gold spans
    assert (exact["p"], exact["r"]) == pytest.approx((2 / 10, 2 / 7))
    assert exact["f"] == pytest.approx(2 * (0.2 * 2 / 7) / (0.2 + 2 / 7))
    # overlap: 6 of 10 predictions, 6 of 7 gold spans
    assert (overlap["p"], overlap["r"]) == pytest.approx((6 / 10, 6 / 7))
    assert report["exact"]["per_label"]["RECEIVER"] == {
        "p": 0.0, "r": 0.0, "f": 0.0, "gold": 0, "pred": 1, "correct": 0, "pred_correct": 0}


def test_nothing_to_score_is_zero_not_an_error():
    report = score([], LABELS, "all-units")
    assert report["exact"]["f"] == 0.0 and report["confusion"] == {}
    assert all(row["gold"] == 0 for row in report["overlap"]["per_label"].values())


def test_trim_edges_makes_both_conventions_one_span():
    from spacy.tokens import Doc

    # 为了|向|您|提供|服务|时 at characters 0-2, 2, 3, 4-6, 6-8, 8
    doc = Doc(Vocab(), words=["为了", "向", "您", "提供", "服务", "时"], spaces=[False] * 6)
    words = {("CONTEXT", "start"): {"为了", "向"}, ("CONTEXT", "end"): {"时"}}
    spans = [Span(0, 8, "CONTEXT"), Span(2, 9, "CONTEXT"), Span(0, 2, "CONTEXT"),
             Span(0, 8, "DATA"), Span(1, 8, "CONTEXT")]
    assert trim_edges(spans, doc, words) == [
        Span(3, 8, "CONTEXT"), Span(3, 8, "CONTEXT"),  # {为了向您提供服务} and 为了{向您提供服务时}
        Span(0, 2, "CONTEXT"),  # never the whole span
        Span(0, 8, "DATA"),  # another label's edges are its own
        Span(1, 8, "CONTEXT"),  # an edge inside a word is left as annotated
    ]
    assert trim_edges(spans, doc, {}) == spans


# --- end to end on a tiny trained pipeline ------------------------------------------

@pytest.fixture(scope="module")
def tiny(tiny_model: Path, seed_corpus: Path, tmp_path_factory) -> dict:
    """The smoke-trained pipeline at threshold 0: it keeps every candidate's best label,
    so the counts are never trivially zero."""
    tmp = tmp_path_factory.mktemp("evaluate")
    load_pipeline(str(tiny_model), threshold=0.0).to_disk(tmp / "m")
    return {"tmp": tmp, "model": tmp / "m", "train": seed_corpus / "train.spacy"}



def test_cli_json_on_spacy_gold(run, tiny, capsys):
    out_file = tiny["tmp"] / "scores.json"
    code, out, err = run("evaluate", tiny["model"], tiny["train"], "--output", out_file)
    assert code == 0, err
    report = json.loads(out_file.read_text(encoding="utf-8"))
    docs = list(DocBin().from_disk(tiny["train"]).get_docs(Vocab()))
    assert report["scope"] == "annotated-units" and report["units"] == len(docs)
    for kind in ("exact", "overlap"):
        assert {"p", "r", "f", "per_label"} <= set(report[kind])
        assert list(report[kind]["per_label"]) == LABELS
        for row in report[kind]["per_label"].values():
            assert {"p", "r", "f", "gold", "pred", "correct"} <= set(row)
    assert sum(r["gold"] for r in report["exact"]["per_label"].values()) == sum(len(d.spans["sc"]) for d in docs)
    assert sum(r["pred"] for r in report["exact"]["per_label"].values()) > 0
    for label, row in report["exact"]["per_label"].items():
        # the diagonal is the exact hits; each gold span lands in at least one column
        assert report["confusion"].get(label, {}).get(label, 0) == row["correct"]
        assert sum(report["confusion"].get(label, {}).values()) >= row["gold"]
    assert "micro" in out and "(none)" in out
    # privspan corpus kept the annotated offsets, so no fallback to token-aligned gold
    assert all("gold_chars" in d.user_data for d in docs) and "token-aligned" not in err


def test_cli_agrees_with_spacy_evaluate(run, tiny, capsys):
    """On .spacy gold (token-aligned already) both must count the same spans."""
    theirs = tiny["tmp"] / "spacy.json"
    html = tiny["tmp"] / "displacy"
    html.mkdir()
    done = subprocess.run([sys.executable, "-m", "spacy", "evaluate", str(tiny["model"]), str(tiny["train"]),
                           "--output", str(theirs), "--displacy-path", str(html)],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "SPANS (per type)" in done.stdout and (html / "spans.html").is_file()
    spacy_scores = json.loads(theirs.read_text(encoding="utf-8"))
    ours = tiny["tmp"] / "ours.json"
    assert run("evaluate", tiny["model"], tiny["train"], "--output", ours)[0] == 0
    exact = json.loads(ours.read_text(encoding="utf-8"))["exact"]
    assert (exact["p"], exact["r"], exact["f"]) == pytest.approx(
        (spacy_scores["spans_sc_p"], spacy_scores["spans_sc_r"], spacy_scores["spans_sc_f"]))


def test_cli_all_units_on_bracket_gold(run, tiny, capsys):
    units = gather([SEED]).units
    annotated = sum(bool(u.spans) for u in units)
    assert annotated < len(units)
    scopes = {}
    for extra in ((), ("--all-units",)):
        out_file = tiny["tmp"] / f"seed{len(extra)}.json"
        code, out, err = run("evaluate", tiny["model"], SEED, "--markdown", "--output", out_file, *extra)
        assert code == 0
        assert out.splitlines()[2].startswith("| label | exact P |")
        # the seed's markup errors are reported as lint does, and scoring goes on
        assert err.splitlines()[0] == f"{SEED}:21:43: error: unclosed: '[' (ACTION) is not closed before the end of the line; kept as text"
        report = json.loads(out_file.read_text(encoding="utf-8"))
        scopes[report["scope"]] = report["units"]
    assert scopes == {"annotated-units": annotated, "all-units": len(units)}


def test_bad_gold_path_is_one_line(tiny):
    missing = tiny["tmp"] / "missing.spacy"
    done = subprocess.run([sys.executable, "-m", "pipeline", "evaluate", str(tiny["model"]), str(missing)],
                          capture_output=True, text=True)
    assert done.returncode != 0
    assert done.stderr.splitlines() == [f"{missing}: error: no such file or folder"]
    assert done.stdout == ""


def test_bad_docbin_and_bad_model_are_one_line(run, tiny, capsys):
    garbage = tiny["tmp"] / "garbage.spacy"
    garbage.write_bytes(b"not a docbin")
    code, out, err = run("evaluate", tiny["model"], garbage)
    assert code == 1 and out == ""
    assert err.splitlines() == [f"{garbage}: error: not a readable DocBin (ValueError)"]
    code, _, err = run("evaluate", tiny["tmp"] / "no-model", tiny["train"])
    assert code == 1 and len(err.splitlines()) == 1 and err.startswith(f"{tiny['tmp'] / 'no-model'}: error:")


def test_docbin_gold_is_the_annotated_offsets_not_the_expanded_ones(tmp_path):
    from pipeline.gold.sources import gather

    source = tmp_path / "m.txt"
    source.write_text("[提供]<手机>号码", encoding="utf-8")
    assert main(["corpus", str(source), "--out", str(tmp_path / "c"), "--dev", "0"]) == 0
    gathered = gather([str(tmp_path / "c" / "train.spacy")])
    [unit] = gathered.units
    assert unit.spans == [Span(0, 2, "ACTION"), Span(2, 4, "DATA")]  # the span on 手机 as marked
    assert (unit.doc_id, unit.line) == ("m", 1)
    assert gathered.problems == []  # no warning that the gold is only token-aligned


def test_cli_trim_edges(run, tiny, capsys):
    out_file = tiny["tmp"] / "trimmed.json"
    code, out, err = run("evaluate", tiny["model"], tiny["train"], "--output", out_file,
                         "--trim-edges", tiny["train"])
    assert code == 0, err
    report = json.loads(out_file.read_text(encoding="utf-8"))
    assert "edge word(s) whose inclusion varies" in out
    trimmed, varying = report["exact_edges_trimmed"], report["trimmed_edge_words"]
    assert list(trimmed["per_label"]) == LABELS
    for label in LABELS:
        if not any(key.startswith(f"{label} ") for key in varying):
            # nothing to trim: the same spans, the same counts
            assert trimmed["per_label"][label] == report["exact"]["per_label"][label]
    code, _, err = run("evaluate", tiny["model"], tiny["train"], "--trim-edges", tiny["tmp"] / "none.spacy")
    assert code == 1 and "none.spacy: error" in err and "Traceback" not in err
