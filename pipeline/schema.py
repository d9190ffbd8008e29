"""The one source of truth for labels: brackets <-> labels, and CA4P-483 classes <-> labels.

Everything else (parser, renderer, configs, readers, scorers) derives from these tables.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional

from spacy.util import registry

# opener -> (closer, label); order is the order labels are listed in reports.
BRACKETS: Dict[str, tuple[str, str]] = {
    "(": (")", "ACTOR"),
    "[": ("]", "ACTION"),
    "<": (">", "DATA"),
    "{": ("}", "CONTEXT"),
}
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

# CA4P-483 span classes. Under the project schema e_26 (receiver) has no bracket.
CA4P_CLASSES: Dict[str, str] = {
    "e_21": "DATA",
    "e_22": "COLLECT",
    "e_23": "SHARE",
    "e_24": "ACTOR",
    "e_25": "CONDITION",
    "e_26": "RECEIVER",
    "e_27": "PURPOSE",
}
CA4P_TO_PROJECT: Dict[str, Optional[str]] = {
    "e_21": "DATA",
    "e_22": "ACTION",
    "e_23": "ACTION",
    "e_24": "ACTOR",
    "e_25": "CONTEXT",
    "e_26": None,
    "e_27": "CONTEXT",
}


@dataclass(frozen=True)
class LabelScheme:
    name: str
    labels: List[str]
    ca4p: Dict[str, Optional[str]]


SCHEMES: Dict[str, LabelScheme] = {
    "project": LabelScheme("project", LABELS, CA4P_TO_PROJECT),
    "ca4p": LabelScheme("ca4p", sorted(CA4P_CLASSES.values()), dict(CA4P_CLASSES)),
}


def get_scheme(name: str) -> LabelScheme:
    if name not in SCHEMES:
        raise ValueError(f"unknown label scheme {name!r}; choose one of {', '.join(SCHEMES)}")
    return SCHEMES[name]


@registry.misc("privspan.labels.v1")
def create_labels(scheme: str = "project") -> List[str]:
    """The label list of a scheme, so configs never type labels by hand."""
    return list(get_scheme(scheme).labels)
