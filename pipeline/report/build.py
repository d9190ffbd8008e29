"""The report: per policy its data items (category, sensitivity, count, actions, purposes,
receivers) and its disclosure checklist, and for the corpus the share of policies naming each
category and missing each checklist item (report/job.py writes them)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterator, List, Optional, Sequence, Set

from ..records import Document
from .categories import GENERIC, OTHER, Categories, load
from .checklist import STATUSES, Checklist
from .item_filter import ItemFilter, features, filtered
from .items import (BANK_ACCOUNTS, CONTACT_ITEMS, Item, Options, a_banks_policy, as_channel,
                    defines_personal_information, defines_under_heading, glued_verbs, in_numbered_heading, items_of,
                    names_an_account, not_collected, not_data, outermost)
from .practices import COLLECT, KINDS, SHARE, Practices, Verbs, load_verbs
from .sdk import SdkLists

TOP_ITEMS = 30
WITHOUT_CANONICAL = 50  # the most frequent items with no canonical item, for growing the table
# CA4P-483's action labels: the truth the verb rule is checked against.
TRUTH = {"COLLECT": COLLECT, "SHARE": SHARE}
ACCOUNT = "account"  # the canonical account of a service, which a bank's policy means as its own


@dataclass
class Found:
    """One policy read: its report entry, and what the page needs to show it."""

    policy: Document
    entry: dict
    items: List[Item]
    practices: Practices
    sentences: List[List[int]] = field(default_factory=list)  # of each data item, in entry order


def report_policy(policy: Document, categories: Categories, verbs: Verbs,
                  options: Options = Options(), checklist: Optional[Checklist] = None,
                  item_filter: Optional[ItemFilter] = None) -> Found:
    """The policy's report entry; `item_filter` reads the items of a model's spans (annotate's
    report spans, or a tagger's scored spans), never an annotator's."""
    text = policy.text
    items = glued_verbs(items_of(text, policy.spans, categories, options), categories)
    practices = Practices(text, policy.spans, verbs)
    sdks = SdkLists(text)
    rows: Dict[str, dict] = {}  # item key -> its row of data_items
    sentences: Dict[str, List[int]] = {}
    handled: Set[str] = set()  # items with an ACTION in a sentence of theirs
    # items named as data at least once: not only as a channel (短信通知), as what the app does
    # not collect (我们不会收集…) or in a numbered heading ((四) …运营互动活动)
    as_data: Set[str] = set()
    bounds = practices.segments.sentences + [len(text)]
    said = [text[a:b] for a, b in zip(bounds, bounds[1:])]  # each sentence's text
    defining: Set[int] = set()  # a definition goes on over its ；-parts (…包括：个人基本信息（…）；个人身份信息（…）；…)
    line = ""  # the last sentence before this one that is not blank: a glossary entry's heading
    for i, sentence in enumerate(said):
        if (defines_personal_information(sentence) or defines_under_heading(line, sentence)
                or (i - 1 in defining and said[i - 1].rstrip().endswith(("；", ";")))):
            defining.add(i)
        line = sentence if sentence.strip() else line
    keys = [categories.core(item.text) for item in items]
    for item, key in zip(items, keys):
        practice = practices.at(item.start)
        row = rows.get(key)
        if row is None:
            category, sensitive = categories.assign_item(item.text, item.head)
            canonical = categories.canonical_of(item.text)
            row = rows[key] = {"text": categories.display(item.text), "head": _head(item, categories),
                               "canonical": canonical.id if canonical else None,
                               "category": category, "sensitive": sensitive, "count": 0, "actions": [],
                               "purposes": [], "receivers": [], "at": []}
            sentences[key] = []
        row["count"] += 1
        clause_start = practices.segments.clauses[practices.segments.clause(item.start)]
        if not (as_channel(text, item, clause_start) or not_collected(text, item, clause_start)
                or in_numbered_heading(text, item.start)):
            as_data.add(key)
        # the occurrence as shown: display only takes a prefix (您的, 上述) off the front (an
        # item made of two pieces of text, 身份证正面照片, points at the words it stands on)
        row["at"].append([item.start + len(item.text) - len(categories.display(item.text)), item.end])
        if row["head"] is None and item.head is not None:
            row["head"] = _head(item, categories)
        row["actions"] = [k for k in KINDS if k in row["actions"] or k in practice.kinds]
        _add(row["purposes"], (text[s.start:s.end] for s in practice.purposes))
        _add(row["receivers"], (text[s.start:s.end] for s in practice.receivers))
        _add(row["receivers"], filter(None, [sdks.at(item.start)]))
        if practice.sentence not in sentences[key]:
            sentences[key].append(practice.sentence)
        if practice.handled:
            handled.add(key)

    bank = categories.canonical[BANK_ACCOUNTS["canonical"]] if a_banks_policy(text) else None
    for key, row in rows.items():
        # a term the sentences decide (口令 beside 剪切板), where every sentence of it does
        meant = {categories.in_context(key, said[i]) for i in sentences[key]}
        if len(meant) == 1 and (found := meant.pop()) is not None:
            row.update(canonical=found.id, category=found.category, sensitive=found.sensitive)
        elif bank is not None and row["canonical"] in (None, ACCOUNT) and names_an_account(row["text"]):
            row.update(canonical=bank.id, category=bank.category, sensitive=bank.sensitive)
    known = [key for key, row in rows.items() if row["category"] not in (OTHER, GENERIC) or row["canonical"]]
    # sentences that name an item of a known category, and one besides a contact (电话, 邮编 …)
    listing = {i for key in known for i in sentences[key]}
    beyond_contact = {i for key in known if rows[key]["canonical"] not in CONTACT_ITEMS for i in sentences[key]}

    def users_data(key: str, row: dict) -> bool:
        """Only the user's data: each rule read by hand on 20 real policies (docs/report.md)."""
        if key not in as_data or not_data(key):
            return False  # not named as data (above), or how data is handled (SSL, 流程 …)
        if defining.issuperset(sentences[key]):
            return False  # the law's examples (个人信息是指…包括姓名…)
        if (row["category"] == OTHER and row["canonical"] is None and key not in handled
                and not listing.intersection(sentences[key])):
            # no category, no ACTION, no data beside it: headings, glossary, disclaimers (154 of
            # the 188 such items were not data)
            return False
        # the company's own contact lines (邮编：518054, 联系邮箱：privacy@…)
        return not (row["canonical"] in CONTACT_ITEMS and key not in handled
                    and not beyond_contact.intersection(sentences[key]))

    kept = [key for key, row in rows.items() if users_data(key, row)]
    set_aside: List[dict] = []  # what the item filter dropped, shown so that a reader can check it
    if item_filter is not None and (policy.report is not None or policy.scores is not None):
        starts = practices.segments.sentences
        scores = {key: item_filter.score(features(text, rows[key], starts)) for key in kept if filtered(rows[key])}
        set_aside = [{"text": rows[key]["text"], "score": round(scores[key], 3), "at": rows[key]["at"]}
                     for key in kept if scores.get(key, 1.0) < item_filter.threshold]
        kept = [key for key in kept if scores.get(key, 1.0) >= item_filter.threshold]
    kept_keys = set(kept)
    items = [item for item, key in zip(items, keys) if key in kept_keys]
    data_items = [rows[key] for key in kept]
    counts = Counter(row["category"] for row in data_items)
    checklist = checklist or Checklist.load()
    entry = {"id": policy.id, "chars": len(text), "data_items": data_items,
             "categories": {name: counts[name] for name in categories.names if counts[name]},
             "set_aside": set_aside,
             **checklist(policy)}
    return Found(policy, entry, items, practices, [sentences[key] for key in kept])


def _head(item: Item, categories: Categories) -> Optional[str]:
    return categories.display(item.head) if item.head is not None else None


def _add(values: List[str], new) -> None:
    for value in new:
        value = value.strip()
        if value and value not in values:
            values.append(value)


def build(policies: Sequence[Document], categories: Optional[Categories] = None,
          verbs: Optional[Verbs] = None, options: Options = Options()) -> tuple[dict, List[Found]]:
    """The report of the policies (a JSON-ready dict) and what each policy's page section needs:
    all in memory, for a few policies (serve); `privspan report` runs report/job.py."""
    categories = categories or load()
    verbs = verbs or load_verbs()
    checklist, item_filter = Checklist.load(), ItemFilter.load()
    found = [report_policy(p, categories, verbs, options, checklist, item_filter) for p in policies]
    tally = Tally.of(found, categories, verbs)
    entries = [f.entry for f in found]
    report = {"policies": entries,
              "corpus": summary(tally, top_items(entries, categories), categories, checklist,
                                top_items(entries, categories, WITHOUT_CANONICAL, without_canonical=True))}
    return report, found


@dataclass
class Tally:
    """What the corpus summary adds up from each partition's policies: counts only, so that a
    job's client holds a few of them, never the policies (report/job.py)."""

    policies: int = 0
    sensitive_policies: int = 0
    naming: Counter = field(default_factory=Counter)  # category -> policies naming it
    sensitive_naming: Counter = field(default_factory=Counter)
    occurrences: Counter = field(default_factory=Counter)
    coverage: Counter = field(default_factory=Counter)
    actions: Counter = field(default_factory=Counter)
    check: Counter = field(default_factory=Counter)  # the action rule against COLLECT/SHARE labels
    confusion: Counter = field(default_factory=Counter)
    disagreements: Counter = field(default_factory=Counter)
    checklist: Counter = field(default_factory=Counter)  # "item status" -> policies
    canonical: Counter = field(default_factory=Counter)  # canonical item -> policies naming it

    @classmethod
    def of(cls, found: Sequence[Found], categories: Categories, verbs: Verbs) -> "Tally":
        tally = cls(policies=len(found))
        for f in found:
            rows = f.entry["data_items"]
            tally.naming.update({e["category"] for e in rows})
            tally.sensitive_naming.update({e["category"] for e in rows if e["sensitive"]})
            tally.sensitive_policies += any(e["sensitive"] for e in rows)
            for e in rows:
                tally.occurrences[e["category"]] += e["count"]
                tally.actions.update(e["actions"])
            tally.checklist.update(f"{e['item']} {e['status']}" for e in f.entry["checklist"])
            tally.canonical.update({e["canonical"] for e in rows if e["canonical"]})
        tally.coverage = _coverage_counts(found, categories)
        _action_counts(found, verbs, tally)
        return tally

    def add(self, other: "Tally") -> "Tally":
        for name, value in vars(other).items():
            setattr(self, name, getattr(self, name) + value)
        return self

    def to_json(self) -> dict:
        return {name: dict(value) if isinstance(value, Counter) else value for name, value in vars(self).items()}

    @classmethod
    def from_json(cls, data: dict) -> "Tally":
        return cls(**{name: Counter(value) if isinstance(value, dict) else value for name, value in data.items()})


def top_items(entries: Sequence[dict], categories: Categories, n: int = TOP_ITEMS,
              without_canonical: bool = False) -> List[dict]:
    """The `n` items most policies name (generic mentions left out; with `without_canonical`,
    those with no canonical item only), in memory; a job asks its tables the same
    (report/job.py)."""
    item_shown: Dict[str, dict] = {}
    for entry in entries:
        for e in entry["data_items"]:
            if without_canonical and e["canonical"]:
                continue
            row = item_shown.setdefault(categories.core(e["text"]), {
                "text": e["text"], "category": e["category"], "sensitive": e["sensitive"], "policies": 0, "count": 0})
            row["policies"] += 1
            row["count"] += e["count"]
    return sorted((row for row in item_shown.values() if row["category"] != GENERIC),
                  key=lambda r: (-r["policies"], -r["count"], r["text"]))[:n]


def summary(tally: Tally, top: List[dict], categories: Categories, checklist: Checklist,
            without: Sequence[dict] = ()) -> dict:
    """The corpus summary, report.json's `corpus`, from a tally, the most frequent items and
    the most frequent of those with no canonical item (`without`)."""
    n = tally.policies
    share = lambda k: round(k / n, 4) if n else 0.0
    rows = []
    for name in categories.names:
        category = categories.by_name.get(name)
        rows.append({"name": name, "standard": category is not None,
                     "sensitive": bool(category and category.sensitive),
                     "examples": category.examples if category else categories.meanings[name],
                     "policies": tally.naming[name], "share": share(tally.naming[name]),
                     "sensitive_policies": tally.sensitive_naming[name],
                     "sensitive_share": share(tally.sensitive_naming[name]), "occurrences": tally.occurrences[name]})
    check = action_check(tally)
    return {"policies": n,
            "sensitive_policies": tally.sensitive_policies,
            "coverage": coverage(tally.coverage),
            "categories": rows,
            "top_items": top,
            "canonical_items": [{"id": key, "name": categories.canonical[key].name,
                                 "category": categories.canonical[key].category,
                                 "sensitive": categories.canonical[key].sensitive,
                                 "policies": n_named, "share": share(n_named)}
                                for key, n_named in sorted(tally.canonical.items(), key=lambda kv: (-kv[1], kv[0]))],
            "top_without_canonical": list(without),
            "actions": {kind: tally.actions[kind] for kind in KINDS},
            "checklist": checklist_shares(tally, checklist),
            **({"action_check": check} if check["actions"] else {})}


def checklist_shares(tally: Tally, checklist: Checklist) -> List[dict]:
    """Per checklist item, how many policies have it present, vague and missing, and the
    shares of the last two."""
    n = tally.policies
    rows = []
    for rule in checklist.rules:
        counts = {status: tally.checklist[f"{rule.id} {status}"] for status in STATUSES}
        rows.append({"item": rule.id, "title": rule.title, "source": rule.source, **counts,
                     "missing_share": _ratio(counts["missing"], n), "vague_share": _ratio(counts["vague"], n)})
    return rows


def _coverage_counts(found: Sequence[Found], categories: Categories) -> Counter:
    """How many DATA span occurrences, and how many items, get a standard category (neither
    generic nor other); a span counts when every item of it does."""
    counts: Counter = Counter()
    for f in found:
        by_span: Dict[int, List[str]] = {}
        for item in f.items:
            category = categories.assign_item(item.text, item.head)[0]
            kind = category if category in (GENERIC, OTHER) else "standard"
            counts[f"items_{kind}"] += 1
            counts["canonical"] += kind != GENERIC and categories.canonical_of(item.text) is not None
            if item.span >= 0:
                by_span.setdefault(item.span, []).append(kind)
        counts["spans_all"] += len(outermost(f.policy.spans))
        for kinds in by_span.values():
            if all(k == "standard" for k in kinds):
                counts["spans_standard"] += 1
            elif all(k == GENERIC for k in kinds):
                counts[f"spans_{GENERIC}"] += 1
            else:
                counts["spans_mixed"] += 1
    return counts


def coverage(counts: Counter) -> dict:
    """The shares of DATA spans and item occurrences in a category of table A.1, and of the
    non-generic item occurrences that are a canonical item."""
    spans = {key[len("spans_"):]: value for key, value in counts.items() if key.startswith("spans_")}
    items = Counter({key[len("items_"):]: value for key, value in counts.items() if key.startswith("items_")})
    n_items = sum(items.values())
    spans = Counter(spans)
    return {"data_spans": spans["all"], "spans_standard": spans["standard"], "spans_generic": spans[GENERIC],
            "spans_share": _ratio(spans["standard"], spans["all"]),
            "spans_share_non_generic": _ratio(spans["standard"], spans["all"] - spans[GENERIC]),
            "items": n_items, "items_standard": items["standard"], "items_generic": items[GENERIC],
            "items_other": items[OTHER], "items_share": _ratio(items["standard"], n_items),
            "items_share_non_generic": _ratio(items["standard"], n_items - items[GENERIC]),
            "items_canonical": counts["canonical"],
            "items_canonical_share": _ratio(counts["canonical"], n_items - items[GENERIC])}


def _action_counts(found: Sequence[Found], verbs: Verbs, tally: Tally) -> None:
    """On gold with CA4P-483's COLLECT/SHARE labels: how often the rule attaches an action to a
    DATA span (an ACTION in its clause whose verb gives a kind), and how often the kinds it
    gives equal those of the labels of the same ACTION spans."""
    c = tally.check
    for f in found:
        if not any(s.label in TRUTH for s in f.policy.spans):
            continue
        for span in outermost(f.policy.spans):
            c["spans"] += 1
            actions = [(a, k) for a, k in f.practices.at(span.start).actions if a.label in TRUTH]
            c["with_action"] += bool(actions)
            kinds = {k for _, k in actions if k}
            if not kinds:
                continue
            c["attached"] += 1
            c["right"] += kinds == {TRUTH[a.label] for a, k in actions if k}
            for action, kind in actions:
                if kind:
                    c["pairs"] += 1
                    c["pairs_right"] += kind == TRUTH[action.label]
                    tally.confusion[f"{action.label}->{kind}"] += 1
                    if kind != TRUTH[action.label]:
                        words = f.policy.text[action.start:action.end]
                        tally.disagreements[f"{action.label}->{kind} {verbs.verb(words)}"] += 1


def action_check(tally: Tally) -> dict:
    c = tally.check
    return {"data_spans": c["spans"], "actions": c["pairs"], "with_action_in_clause": c["with_action"],
            "attached": c["attached"], "attached_share": _ratio(c["attached"], c["spans"]), "right": c["right"],
            "right_share": _ratio(c["right"], c["attached"]), "pairs_right": c["pairs_right"],
            "pairs_right_share": _ratio(c["pairs_right"], c["pairs"]),
            "confusion": dict(sorted(tally.confusion.items())),
            "disagreements": dict(tally.disagreements.most_common())}


def _ratio(part: int, whole: int) -> Optional[float]:
    """part / whole to 4 places; None where there is no whole (n/a, not 0%)."""
    return round(part / whole, 4) if whole else None


# --- CSV rows ------------------------------------------------------------------------------

# A byte order mark: Excel reads a CSV without one in the machine's code page and garbles
# the Chinese; pandas, DuckDB and csv with "utf-8-sig" skip it.
CSV_ENCODING = "utf-8-sig"
ITEMS_CSV_HEADER = ["policy", "item", "head", "category", "sensitive", "count", "actions", "purposes", "receivers"]
CHECKLIST_CSV_HEADER = ["policy", "item", "status", "evidence", "first_evidence"]


def items_csv_rows(entries: Sequence[dict]) -> Iterator[list]:
    for policy in entries:
        for e in policy["data_items"]:
            yield [policy["id"], e["text"], e["head"] or "", e["category"], int(e["sensitive"]), e["count"],
                   ";".join(e["actions"]), " | ".join(e["purposes"]), " | ".join(e["receivers"])]


def policies_csv_header(categories: Categories) -> List[str]:
    return ["policy", "chars", "items", "sensitive_items", COLLECT, SHARE, *categories.names]


def policies_csv_rows(entries: Sequence[dict], categories: Categories) -> Iterator[list]:
    for policy in entries:
        items = policy["data_items"]
        yield [policy["id"], policy["chars"], len(items), sum(e["sensitive"] for e in items),
               sum(COLLECT in e["actions"] for e in items), sum(SHARE in e["actions"] for e in items),
               *(policy["categories"].get(name, 0) for name in categories.names)]


def checklist_csv_rows(found: Sequence[Found]) -> Iterator[list]:
    """A row per policy and checklist item: its status and evidence (offsets, and the first
    sentence's text, for reading in a spreadsheet)."""
    for f in found:
        for e in f.entry["checklist"]:
            first = f.policy.text[slice(*e["evidence"][0])] if e["evidence"] else ""
            yield [f.entry["id"], e["item"], e["status"], ";".join(f"{a}-{b}" for a, b in e["evidence"]), first]
