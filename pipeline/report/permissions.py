"""Data named as a device permission (data/items.toml's `permissions`): in a sentence that
asks for a permission, the terms of the permission items of data/canonical.toml where no
DATA span covers them. `通讯录、位置、相机、相册、麦克风等系统权限` names five data items the
tagger rarely marks, since CA4P-483's annotators marked such lists seldom."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import List, Sequence, Tuple

from ..records import Span
from .categories import Categories
from .practices import role, segments

ITEMS_FILE = Path(__file__).resolve().parents[1] / "data" / "items.toml"


@dataclass(frozen=True)
class Permissions:
    cues: Tuple[str, ...]
    pattern: "re.Pattern[str]"

    def spans(self, text: str, spans: Sequence[Span]) -> List[Span]:
        """DATA spans over the permission terms of the sentences with a cue, outside every DATA span."""
        if not any(cue in text for cue in self.cues):
            return []  # most paragraphs: spare the sentence split
        taken = [(s.start, s.end) for s in spans if role(s.label) == "DATA"]
        bounds = segments(text, spans).sentences + [len(text)]
        found = []
        for start, end in zip(bounds, bounds[1:]):
            if not any(cue in text[start:end] for cue in self.cues):
                continue
            for match in self.pattern.finditer(text, start, end):
                a, b = match.span()
                if not any(x < b and a < y for x, y in taken):
                    found.append(Span(a, b, "DATA"))
        return found


@lru_cache(maxsize=2)
def load_permissions(categories: Categories, path: Path = ITEMS_FILE) -> Permissions:
    table = tomllib.loads(Path(path).read_text(encoding="utf-8"))["permissions"]
    terms = {term for item in table["items"] for term in categories.canonical_terms(item)}
    # longest first, so that 相机权限 is one item and not 相机 and a stray 权限; a Latin term
    # (GPS) only where no Latin letter touches it, in any case (the terms are lower case)
    pattern = re.compile("|".join(rf"(?<![a-z]){re.escape(t)}(?![a-z])" if re.search("[a-z]", t) else re.escape(t)
                                  for t in sorted(terms, key=lambda t: (-len(t), t))), re.IGNORECASE)
    return Permissions(tuple(table["cues"]), pattern)
