"""A report's data items against readings by hand (`privspan report … --item-readings`).

corpus/item_readings.jsonl holds, per policy, a line per item the report listed when it was
read (`{"policy", "item_text", "category", "sensitive", "item": right|cut|not_data,
"category_ok", "sensitive_ok", "note"}`, with the category and sensitivity the reader saw)
and a line per clear item the list missed (`{"policy", "missed", "at", "note"}`).

A report made after the reading is scored on what the readings can say of it: its items are
looked up by policy and text (an item not read is counted, never guessed); a category or a
sensitivity is judged where it is still the one read (a category changed since is counted
apart; a sensitivity changed since is right where the one read was wrong, as there are two);
a wrong category is `disputed` where the readers judged the same canonical item's same
category right in another policy (they split on user content: album, comments, photos);
an item missed then is found now where an item of the policy has its canonical id or
contains its words (the names of a missed line split at `/`: 相机/摄像头 is found by either);
a clear item listed as data then, whose kind and text are no longer listed (a rule or the item
filter dropped it, or the tagger no longer marks it), is missed.
Recall of the clear items: per policy, the kinds of CLEAR the list names (by canonical id, on
items not read as `not_data`), and the missed items found now, against those plus the
missed items still missing.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

from ..report.categories import GENERIC, Categories
from ..report.wording import percent

# The clear items the readers were asked to look for in every policy (their instructions,
# docs/report.md), as canonical ids of pipeline/data/canonical.toml.
CLEAR = frozenset((
    "imei", "idfa", "oaid", "android_id", "imsi", "iccid", "mac_address", "ip_address", "serial_number",
    "location", "precise_location", "gps", "wifi_info", "cell_info", "address_book", "contacts", "call_log", "sms",
    "album", "photo", "images", "camera", "microphone", "id_card_number", "id_card_photo", "passport", "face",
    "face_image", "fingerprint", "voiceprint", "bank_card", "bank_card_number", "payment_account", "phone_number",
    "email", "real_name", "name"))


@dataclass
class ItemReadingScores:
    listed: int = 0  # the report's non-generic items of the policies read
    read: Counter = field(default_factory=Counter)  # right / cut / not_data, of the items read
    unread: List[str] = field(default_factory=list)  # listed, not read
    category: Counter = field(default_factory=Counter)  # ok / wrong / changed (not judged)
    sensitive: Counter = field(default_factory=Counter)
    found: int = 0
    missed: List[str] = field(default_factory=list)
    # of the categories judged wrong, those of a canonical item whose same category the readers
    # judged right in another policy (album as 个人通信信息): where the readers disagree
    disputed: int = 0
    searched: bool = True  # whether the readers looked for the clear items missed

    @property
    def precision(self) -> float:
        n = sum(self.read.values())
        return self.read["right"] / n if n else 0.0

    @property
    def recall(self) -> float:
        n = self.found + len(self.missed)
        return self.found / n if n else 0.0

    @staticmethod
    def share(counts: Counter) -> float:
        n = counts["ok"] + counts["wrong"]
        return counts["ok"] / n if n else 0.0


def against_item_readings(entries: Iterable[dict], readings: Sequence[dict],
                          categories: Categories) -> ItemReadingScores:
    """Score the entries (policies.jsonl) of the policies that the readings cover."""
    read: Dict[Tuple[str, str], dict] = {}
    missed: Dict[str, List[dict]] = {}
    for reading in readings:
        if "missed" in reading:
            missed.setdefault(reading["policy"], []).append(reading)
        else:
            read[reading["policy"], reading["item_text"]] = reading
    policies = {policy for policy, _ in read} | set(missed)
    listed_then: Dict[str, Dict[str, Set[str]]] = {}  # per policy, the kinds of CLEAR listed as data when read
    for (policy, text), reading in read.items():
        canonical = categories.canonical_of(text)
        if reading["item"] != "not_data" and canonical is not None and canonical.id in CLEAR:
            listed_then.setdefault(policy, {}).setdefault(canonical.id, set()).add(text)
    # readings that judge no category and list no missed item were made for the items only
    scores = ItemReadingScores(searched=bool(missed) or any(r.get("category_ok") is not None for r in read.values()))
    judged: Dict[Tuple[str, str], Set[bool]] = {}  # (canonical id, category) -> the judgements of it
    wrong: List[Tuple[str, str]] = []
    for entry in entries:
        if entry["id"] not in policies:
            continue
        items = [item for item in entry["data_items"] if item["category"] != GENERIC]
        kinds: Set[str] = set()
        listed: Set[str] = set()  # the items listed now and not read as not data
        for item in items:
            scores.listed += 1
            reading = read.get((entry["id"], item["text"]))
            if reading is None:
                scores.unread.append(f"{entry['id']}: {item['text']}")
            else:
                scores.read[reading["item"]] += 1
                if reading["item"] == "not_data":
                    continue
            listed.add(item["text"])
            if item.get("canonical") in CLEAR:
                kinds.add(item["canonical"])
            if reading is None or (reading.get("category_ok") is None and reading.get("sensitive_ok") is None):
                continue  # not read, or read for the item only (a test set's first reading)
            if _judge(scores.category, item["category"], reading["category"], reading["category_ok"]) is not None:
                key = (item.get("canonical") or "", item["category"])
                judged.setdefault(key, set()).add(bool(reading["category_ok"]))
                if not reading["category_ok"]:
                    wrong.append(key)
            # sensitive or not: the other value than one read wrong is right
            flipped = None if reading["sensitive_ok"] is None else not reading["sensitive_ok"]
            _judge(scores.sensitive, item["sensitive"], reading["sensitive"], reading["sensitive_ok"],
                   flipped)
        scores.found += len(kinds)
        scores.missed += [f"{entry['id']}: {kind} (listed when read)"
                          for kind, texts in sorted(listed_then.get(entry["id"], {}).items())
                          if kind not in kinds and not texts & listed]
        for line in missed.get(entry["id"], []):
            # 相机/摄像头: the readers' names of one item, either of which the list may use
            names = line["missed"].split("/")
            canonicals = {c.id for c in map(categories.canonical_of, names) if c is not None}
            if canonicals & kinds:
                continue  # counted among the kinds the list names
            words = [categories.core(name) for name in names]
            if any(item.get("canonical") in canonicals or any(w in categories.core(item["text"]) for w in words)
                   for item in items):
                scores.found += 1
            else:
                scores.missed.append(f"{entry['id']}: {line['missed']}")
    scores.disputed = sum(1 for key in wrong if key[0] and True in judged[key])
    return scores


def _judge(counts: Counter, now: object, then: object, ok: bool,
           ok_if_changed: Optional[bool] = None) -> Optional[bool]:
    """Count a judgement; return it, or None where it was not judged (changed since read)."""
    if now != then and ok_if_changed is not None:
        ok = ok_if_changed
    elif now != then:
        counts["changed"] += 1
        return None
    counts["ok" if ok else "wrong"] += 1
    return ok


def by_set(readings: Sequence[dict]) -> Dict[str, List[dict]]:
    """The readings of each set (`set`: dev, test …; dev where a line names none), in the order
    the sets first come: a set's rules were tuned on it or not, so each is scored alone."""
    sets: Dict[str, List[dict]] = {}
    for reading in readings:
        sets.setdefault(reading.get("set", "dev"), []).append(reading)
    return sets


def format_item_readings(scores: ItemReadingScores, name: Optional[str] = None) -> List[str]:
    """The figures as lines; those the readings did not judge (categories, clear items missed:
    a test set read for its items only) are said to be so, not scored."""
    n = sum(scores.read.values())
    of = f" ({name})" if name else ""
    lines = [
        f"items against readings{of}: {n} of {scores.listed} listed items read ({len(scores.unread)} not read); "
        f"right {scores.read['right']}, cut wrongly {scores.read['cut']}, not data {scores.read['not_data']}: "
        f"precision {scores.precision:.3f}"]
    if scores.category["ok"] + scores.category["wrong"] + scores.sensitive["ok"] + scores.sensitive["wrong"]:
        lines.append(
            f"category right{of} {scores.category['ok']} of {scores.category['ok'] + scores.category['wrong']} "
            f"({percent(round(scores.share(scores.category), 4))}; {scores.category['changed']} changed since read; "
            f"{scores.disputed} of the wrong ones the readers judged right in another policy); "
            f"sensitivity right {scores.sensitive['ok']} of {scores.sensitive['ok'] + scores.sensitive['wrong']} "
            f"({percent(round(scores.share(scores.sensitive), 4))}; {scores.sensitive['changed']} changed since read)")
    else:
        lines.append(f"category and sensitivity{of}: not judged by these readings")
    if scores.searched:
        lines.append(f"clear items{of}: {scores.found} found, {len(scores.missed)} missed: recall {scores.recall:.3f}")
    else:
        lines.append(f"clear items{of}: the readers listed none missed, so no recall")
    return lines
