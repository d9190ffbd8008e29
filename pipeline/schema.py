"""The label tables of `data/schema.toml` (brackets <-> labels, CA4P-483 classes <-> labels),
in the forms the code uses.

Everything else (parser, renderer, configs, readers, scorers) derives from these tables.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from collections import Counter
from typing import Dict, List, Optional, Sequence

from spacy.util import registry

_TABLE = tomllib.loads((Path(__file__).parent / "data" / "schema.toml").read_text(encoding="utf-8"))

# opener -> (closer, label); order is the order labels are listed in reports.
BRACKETS: Dict[str, tuple[str, str]] = {row["open"]: (row["close"], row["label"]) for row in _TABLE["labels"]}
LABELS: List[str] = [label for _, label in BRACKETS.values()]
OPENERS: Dict[str, str] = {opener: label for opener, (_, label) in BRACKETS.items()}
CLOSERS: Dict[str, str] = {closer: opener for opener, (closer, _) in BRACKETS.items()}
LABEL_BRACKETS: Dict[str, tuple[str, str]] = {
    label: (opener, closer) for opener, (closer, label) in BRACKETS.items()
}
ESCAPE = "\\"
# Characters that must be escaped to be read as text.
SPECIAL = frozenset(OPENERS) | frozenset(CLOSERS) | {ESCAPE}

SPANS_KEY = "sc"

# CA4P-483 span classes: their own labels, and the project's (None: no bracket for receivers).
CA4P_CLASSES: Dict[str, str] = {cls: row["label"] for cls, row in _TABLE["ca4p"].items()}
CA4P_TO_PROJECT: Dict[str, Optional[str]] = {cls: row.get("project") for cls, row in _TABLE["ca4p"].items()}
# the name a class has in the authors' character BIO files -> its class
BIOS_CLASSES: Dict[str, str] = {row["bios"]: cls for cls, row in _TABLE["ca4p"].items()}
# label -> what it means, for legends and help: the project's labels and the seven.
MEANINGS: Dict[str, str] = {row["label"]: row["meaning"] for row in _TABLE["labels"]}
MEANINGS.update({row["label"]: row["meaning"] for row in _TABLE["ca4p"].values() if row["label"] not in MEANINGS})


@dataclass(frozen=True)
class LabelScheme:
    name: str
    labels: List[str]
    ca4p: Dict[str, Optional[str]]


# CAPP-130's sentence labels (data/topics.toml): 11 topics, IMPORTANT and RISK, in the
# dataset's id order; a pipeline keeps them in their own span group.
_TOPICS = tomllib.loads((Path(__file__).parent / "data" / "topics.toml").read_text(encoding="utf-8"))["topics"]
TOPICS: List[str] = [row["label"] for row in _TOPICS]
TOPIC_OF_CHINESE: Dict[str, str] = {row["chinese"]: row["label"] for row in _TOPICS}
TOPICS_KEY = "topics"
MEANINGS.update({row["label"]: row["meaning"] for row in _TOPICS})

SCHEMES: Dict[str, LabelScheme] = {
    "project": LabelScheme("project", LABELS, CA4P_TO_PROJECT),
    "ca4p": LabelScheme("ca4p", sorted(CA4P_CLASSES.values()), dict(CA4P_CLASSES)),
    "topics": LabelScheme("topics", TOPICS, {}),
}


def get_scheme(name: str) -> LabelScheme:
    if name not in SCHEMES:
        raise ValueError(f"unknown label scheme {name!r}; choose one of {', '.join(SCHEMES)}")
    return SCHEMES[name]


@registry.misc("privspan.labels.v1")
def create_labels(scheme: str = "project") -> List[str]:
    """The label list of a scheme, so configs never type labels by hand."""
    return list(get_scheme(scheme).labels)


def label_counts(counts: Counter, labels: Sequence[str] = LABELS) -> str:
    """`ACTOR 3, ACTION 0, …`: every label of `labels` in its order, then any other counted."""
    order = list(labels) + sorted(set(counts) - set(labels))
    return ", ".join(f"{label} {counts[label]}" for label in order if label in counts or label in labels)
