"""The report: per policy its data items (category, sensitivity, count, actions, purposes,
receivers) and its disclosure checklist, and for the corpus the share of policies naming each
category and missing each checklist item; written as report.json, data_items.csv,
policies.csv and checklist.csv."""
from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence

from ..records import Document
from .categories import GENERIC, OTHER, Categories, load
from .checklist import STATUSES, Checklist
from .items import Item, Options, items_of, outermost
from .practices import COLLECT, KINDS, SHARE, Practices, Verbs, load_verbs

TOP_ITEMS = 30
# CA4P-483's action labels: the truth the verb rule is checked against.
TRUTH = {"COLLECT": COLLECT, "SHARE": SHARE}


@dataclass
class Found:
    """One policy read: its report entry, and what the page needs to show it."""

    policy: Document
    entry: dict
    items: List[Item]
    practices: Practices
    sentences: List[List[int]] = field(default_factory=list)  # of each data item, in entry order


def report_policy(policy: Document, categories: Categories, verbs: Verbs,
                  options: Options = Options(), checklist: Optional[Checklist] = None) -> Found:
    text = policy.text
    items = items_of(text, policy.spans, categories, options)
    practices = Practices(text, policy.spans, verbs)
    rows: Dict[str, dict] = {}  # item key -> its row of data_items
    sentences: Dict[str, List[int]] = {}
    for item in items:
        key = categories.core(item.text)
        practice = practices.at(item.start)
        row = rows.get(key)
        if row is None:
            category, sensitive = categories.assign(item.text)
            row = rows[key] = {"text": categories.display(item.text), "head": _head(item, categories),
                               "category": category, "sensitive": sensitive, "count": 0, "actions": [],
                               "purposes": [], "receivers": [], "at": []}
            sentences[key] = []
        row["count"] += 1
        # the occurrence as shown: display only takes a prefix (您的, 上述) off the front
        row["at"].append([item.end - len(categories.display(item.text)), item.end])
        if row["head"] is None and item.head is not None:
            row["head"] = _head(item, categories)
        row["actions"] = [k for k in KINDS if k in row["actions"] or k in practice.kinds]
        _add(row["purposes"], (text[s.start:s.end] for s in practice.purposes))
        _add(row["receivers"], (text[s.start:s.end] for s in practice.receivers))
        if practice.sentence not in sentences[key]:
            sentences[key].append(practice.sentence)
    data_items = list(rows.values())
    counts = Counter(row["category"] for row in data_items)
    checklist = checklist or Checklist.load()
    entry = {"id": policy.id, "chars": len(text), "data_items": data_items,
             "categories": {name: counts[name] for name in categories.names if counts[name]},
             **checklist(policy)}
    return Found(policy, entry, items, practices, list(sentences.values()))


def _head(item: Item, categories: Categories) -> Optional[str]:
    return categories.display(item.head) if item.head is not None else None


def _add(values: List[str], new) -> None:
    for value in new:
        value = value.strip()
        if value and value not in values:
            values.append(value)


def build(policies: Sequence[Document], categories: Optional[Categories] = None,
          verbs: Optional[Verbs] = None, options: Options = Options()) -> tuple[dict, List[Found]]:
    """The report of the policies (a JSON-ready dict) and what each policy's page section needs."""
    categories = categories or load()
    verbs = verbs or load_verbs()
    checklist = Checklist.load()
    found = [report_policy(p, categories, verbs, options, checklist) for p in policies]
    report = {"policies": [f.entry for f in found], "corpus": corpus(found, categories, verbs, checklist)}
    return report, found


def corpus(found: Sequence[Found], categories: Categories, verbs: Verbs, checklist: Checklist) -> dict:
    n = len(found)
    naming, sensitive_naming, occurrences = Counter(), Counter(), Counter()
    item_policies: Counter = Counter()
    item_shown: Dict[str, dict] = {}
    for f in found:
        own = {e["category"] for e in f.entry["data_items"]}
        naming.update(own)
        sensitive_naming.update({e["category"] for e in f.entry["data_items"] if e["sensitive"]})
        for e in f.entry["data_items"]:
            occurrences[e["category"]] += e["count"]
            key = categories.core(e["text"])
            item_policies[key] += 1
            item_shown.setdefault(key, {"text": e["text"], "category": e["category"],
                                        "sensitive": e["sensitive"], "policies": 0, "count": 0})
            item_shown[key]["count"] += e["count"]
    for key, row in item_shown.items():
        row["policies"] = item_policies[key]
    share = lambda k: round(k / n, 4) if n else 0.0
    rows = []
    for name in categories.names:
        category = categories.by_name.get(name)
        rows.append({"name": name, "standard": category is not None,
                     "sensitive": bool(category and category.sensitive),
                     "examples": category.examples if category else "",
                     "policies": naming[name], "share": share(naming[name]),
                     "sensitive_policies": sensitive_naming[name],
                     "sensitive_share": share(sensitive_naming[name]), "occurrences": occurrences[name]})
    top = sorted((row for row in item_shown.values() if row["category"] != GENERIC),
                 key=lambda r: (-r["policies"], -r["count"], r["text"]))[:TOP_ITEMS]
    return {"policies": n,
            "sensitive_policies": sum(any(e["sensitive"] for e in f.entry["data_items"]) for f in found),
            "coverage": coverage(found, categories),
            "categories": rows,
            "top_items": top,
            "actions": {kind: sum(kind in e["actions"] for f in found for e in f.entry["data_items"])
                        for kind in KINDS},
            "checklist": checklist_shares([f.entry for f in found], checklist),
            **({"action_check": check} if (check := action_check(found, verbs))["actions"] else {})}


def checklist_shares(entries: Sequence[dict], checklist: Checklist) -> List[dict]:
    """Per checklist item, how many policies have it present, vague and missing, and the
    shares of the last two."""
    n = len(entries)
    rows = []
    for rule in checklist.rules:
        counts = Counter(e["status"] for p in entries for e in p["checklist"] if e["item"] == rule.id)
        rows.append({"item": rule.id, "title": rule.title, "source": rule.source,
                     **{status: counts[status] for status in STATUSES},
                     "missing_share": _ratio(counts["missing"], n), "vague_share": _ratio(counts["vague"], n)})
    return rows


def coverage(found: Sequence[Found], categories: Categories) -> dict:
    """How many DATA span occurrences, and how many items, get a standard category (neither
    generic nor other); a span counts when every item of it does."""
    spans = Counter()
    items = Counter()
    for f in found:
        by_span: Dict[int, List[str]] = {}
        for item in f.items:
            category = categories.assign(item.text)[0]
            kind = category if category in (GENERIC, OTHER) else "standard"
            items[kind] += 1
            if item.span >= 0:
                by_span.setdefault(item.span, []).append(kind)
        spans["all"] += len(outermost(f.policy.spans))
        for kinds in by_span.values():
            if all(k == "standard" for k in kinds):
                spans["standard"] += 1
            elif all(k == GENERIC for k in kinds):
                spans[GENERIC] += 1
            else:
                spans["mixed"] += 1
    n_items = sum(items.values())
    return {"data_spans": spans["all"], "spans_standard": spans["standard"], "spans_generic": spans[GENERIC],
            "spans_share": _ratio(spans["standard"], spans["all"]),
            "spans_share_non_generic": _ratio(spans["standard"], spans["all"] - spans[GENERIC]),
            "items": n_items, "items_standard": items["standard"], "items_generic": items[GENERIC],
            "items_other": items[OTHER], "items_share": _ratio(items["standard"], n_items),
            "items_share_non_generic": _ratio(items["standard"], n_items - items[GENERIC])}


def action_check(found: Sequence[Found], verbs: Verbs) -> dict:
    """On gold with CA4P-483's COLLECT/SHARE labels: how often the rule attaches an action to a
    DATA span (an ACTION in its clause whose verb gives a kind), and how often the kinds it
    gives equal those of the labels of the same ACTION spans."""
    spans = attached = right = pairs = pairs_right = with_action = 0
    confusion: Counter = Counter()
    disagreements: Counter = Counter()  # "SHARE->collect 提供": the verbs behind the wrong pairs
    for f in found:
        if not any(s.label in TRUTH for s in f.policy.spans):
            continue
        for span in outermost(f.policy.spans):
            spans += 1
            actions = [(a, k) for a, k in f.practices.at(span.start).actions if a.label in TRUTH]
            with_action += bool(actions)
            kinds = {k for _, k in actions if k}
            if not kinds:
                continue
            attached += 1
            right += kinds == {TRUTH[a.label] for a, k in actions if k}
            for action, kind in actions:
                if kind:
                    pairs += 1
                    pairs_right += kind == TRUTH[action.label]
                    confusion[f"{action.label}->{kind}"] += 1
                    if kind != TRUTH[action.label]:
                        words = f.policy.text[action.start:action.end]
                        disagreements[f"{action.label}->{kind} {verbs.verb(words)}"] += 1
    return {"data_spans": spans, "actions": pairs, "with_action_in_clause": with_action,
            "attached": attached, "attached_share": _ratio(attached, spans), "right": right,
            "right_share": _ratio(right, attached), "pairs_right": pairs_right,
            "pairs_right_share": _ratio(pairs_right, pairs), "confusion": dict(sorted(confusion.items())),
            "disagreements": dict(disagreements.most_common())}


def _ratio(part: int, whole: int) -> Optional[float]:
    """part / whole to 4 places; None where there is no whole (n/a, not 0%)."""
    return round(part / whole, 4) if whole else None


# --- Files ---------------------------------------------------------------------------------


def write_json(report: dict, path: Path) -> None:
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# A byte order mark: Excel reads a CSV without one in the machine's code page and garbles
# the Chinese; pandas, DuckDB and csv with "utf-8-sig" skip it.
CSV_ENCODING = "utf-8-sig"


def write_items_csv(report: dict, path: Path) -> None:
    with path.open("w", encoding=CSV_ENCODING, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["policy", "item", "head", "category", "sensitive", "count", "actions",
                         "purposes", "receivers"])
        for policy in report["policies"]:
            for e in policy["data_items"]:
                writer.writerow([policy["id"], e["text"], e["head"] or "", e["category"],
                                 int(e["sensitive"]), e["count"], ";".join(e["actions"]),
                                 " | ".join(e["purposes"]), " | ".join(e["receivers"])])


def write_checklist_csv(report: dict, path: Path, found: Sequence[Found]) -> None:
    """A row per policy and checklist item: its status and evidence (offsets, and the first
    sentence's text, for reading in a spreadsheet)."""
    with path.open("w", encoding=CSV_ENCODING, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["policy", "item", "status", "evidence", "first_evidence"])
        for policy, f in zip(report["policies"], found):
            for e in policy["checklist"]:
                first = f.policy.text[slice(*e["evidence"][0])] if e["evidence"] else ""
                writer.writerow([policy["id"], e["item"], e["status"],
                                 ";".join(f"{a}-{b}" for a, b in e["evidence"]), first])


def write_policies_csv(report: dict, path: Path, categories: Categories) -> None:
    with path.open("w", encoding=CSV_ENCODING, newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["policy", "chars", "items", "sensitive_items", COLLECT, SHARE, *categories.names])
        for policy in report["policies"]:
            items = policy["data_items"]
            writer.writerow([policy["id"], policy["chars"], len(items), sum(e["sensitive"] for e in items),
                             sum(COLLECT in e["actions"] for e in items), sum(SHARE in e["actions"] for e in items),
                             *(policy["categories"].get(name, 0) for name in categories.names)])
