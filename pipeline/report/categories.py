"""The data categories of `data/categories.toml` (GB/T 35273-2020 table A.1, sensitivity by its
Appendix B and PIPL art. 28) and the canonical items of `data/canonical.toml`, and the rule
that puts a data item in one of them: a canonical item's whole term first, then keywords."""
from __future__ import annotations

import tomllib
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "categories.toml"
CANONICAL_FILE = DATA_FILE.with_name("canonical.toml")
# Tails an item's text may carry beyond a canonical term: IMEI信息 is IMEI.
TERM_TAILS = ("信息", "数据")
GENERIC = "generic"
OTHER = "other"


def normalise(text: str) -> str:
    """The form items are compared in: NFKC (full-width letters and brackets to ASCII), Latin
    letters lower-cased, whitespace removed."""
    return "".join(unicodedata.normalize("NFKC", text).lower().split())


@dataclass(frozen=True)
class Category:
    name: str
    examples: str
    sensitive: bool


@dataclass(frozen=True)
class Canonical:
    """An item of data/canonical.toml."""

    id: str
    name: str
    category: str
    sensitive: bool


class Categories:
    """The table of a categories file; `assign(text)` gives (category, sensitive)."""

    def __init__(self, path: Path = DATA_FILE, canonical: Path = CANONICAL_FILE) -> None:
        table = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        self.path = Path(path)
        self.categories: List[Category] = [
            Category(row["name"], row.get("examples", ""), bool(row.get("sensitive", False)))
            for row in table["categories"]]
        self.by_name: Dict[str, Category] = {c.name: c for c in self.categories}
        # Report order: the standard's categories, then generic, then other.
        self.names: List[str] = [c.name for c in self.categories] + [GENERIC, OTHER]
        self.strip: List[str] = sorted((normalise(s) for s in table.get("strip", [])), key=len, reverse=True)
        generic, no_row = table.get("generic", {}), table.get("no_row", {})
        # what generic and other mean, for a reader of the report (they have no row of A.1)
        self.meanings: Dict[str, str] = {GENERIC: generic.get("meaning", ""), OTHER: no_row.get("meaning", "")}
        self.generic_terms = frozenset(normalise(t) for t in generic.get("terms", []))
        self.generic_words: List[str] = sorted({normalise(w) for w in generic.get("words", [])},
                                               key=len, reverse=True)
        # keyword -> (category, sensitive keyword?); a keyword belongs to one category only.
        self.keywords: Dict[str, Tuple[str, bool]] = {}
        # category -> its sensitive keywords: an item holding one is sensitive (登录密码, 精准定位信息).
        self.sensitive_keywords: Dict[str, List[str]] = {
            row["name"]: [normalise(k) for k in row.get("sensitive_keywords", [])] for row in table["categories"]}
        self.duplicates: List[str] = []
        # What A.1 has no row for (what users publish: 相册, 评论, 视频 …) is `other` by its words
        # too, as a canonical item of no row is, and never takes a head's category.
        rows = table["categories"] + [{"name": OTHER, "keywords": no_row.get("keywords", [])}]
        for row in rows:
            sensitive = {normalise(k) for k in row.get("sensitive_keywords", [])}
            for keyword in row.get("keywords", []) + row.get("sensitive_keywords", []):
                key = normalise(keyword)
                if key in self.keywords and self.keywords[key][0] != row["name"]:
                    self.duplicates.append(key)
                self.keywords.setdefault(key, (row["name"], key in sensitive))
        self.longest = max(map(len, self.keywords), default=1)
        self.anywhere: List[Tuple[str, str]] = [
            (normalise(k), row["basis"]) for row in table.get("sensitive_anywhere", []) for k in row["keywords"]]
        # normalised term -> its canonical item
        self.terms: Dict[str, Canonical] = {}
        self.canonical: Dict[str, Canonical] = {}
        # normalised term -> the item it names in a sentence that holds one of the cues
        # (a cue is a word, or words that must all be there)
        self.context: Dict[str, Tuple[Canonical, Tuple[Tuple[str, ...], ...]]] = {}
        for row in tomllib.loads(Path(canonical).read_text(encoding="utf-8"))["items"]:
            item = Canonical(row["id"], row["name"], row["category"], bool(row["sensitive"]))
            if (item.category not in self.by_name and item.category != OTHER) or item.id in self.canonical:
                raise ValueError(f"{canonical}: item {item.id}: a duplicate id, or {item.category!r} is not a "
                                 f"category of {path}")
            self.canonical[item.id] = item
            for term in row.get("context_terms", []):
                self.context[normalise(term)] = (item, tuple((cue,) if isinstance(cue, str) else tuple(cue)
                                                             for cue in row["context_cues"]))
            for term in row["terms"]:
                if self.terms.setdefault(normalise(term), item) != item:
                    raise ValueError(f"{canonical}: term {term!r} is of two items, "
                                     f"{self.terms[normalise(term)].id} and {item.id}")
        self.assign = lru_cache(maxsize=None)(self._assign)
        self.canonical_of = lru_cache(maxsize=None)(self._canonical_of)

    def in_context(self, text: str, sentence: str) -> Optional[Canonical]:
        """The canonical item a term names in this sentence, where the sentence decides it
        (口令 beside 剪切板 is a share code, not a password), else None."""
        found = self.context.get(self.core(text))
        if found is None or not any(all(word in sentence for word in cue) for cue in found[1]):
            return None
        return found[0]

    def canonical_terms(self, item_id: str) -> List[str]:
        """The terms of a canonical item, normalised (lower case, no spaces)."""
        return [term for term, item in self.terms.items() if item.id == item_id]

    def core(self, text: str) -> str:
        """The normalised text without the `strip` prefixes (您的, 上述…)."""
        text = normalise(text)
        changed = True
        while changed:
            changed = False
            for prefix in self.strip:
                if text.startswith(prefix) and len(text) > len(prefix):
                    text, changed = text[len(prefix):], True
                    break
        return text

    def display(self, text: str) -> str:
        """The text as shown: as written, without the `strip` prefixes (您的手机号码 -> 手机号码).

        The prefixes are those `core` takes off, counted in its normalised characters, so that
        an item is shown as it is compared (您 的手机号码 is 手机号码 both ways, not 的手机号码)."""
        removed = len(normalise(text)) - len(self.core(text))
        at = 0
        while removed > 0 and at < len(text):
            removed -= len(normalise(text[at]))
            at += 1
        return text[at:].lstrip() if at else text

    def keyword(self, text: str) -> Optional[Tuple[str, str, bool]]:
        """(keyword, category, sensitive) of the match that ends last, then the longest."""
        for end in range(len(text), 0, -1):
            for length in range(min(self.longest, end), 0, -1):
                found = self.keywords.get(text[end - length:end])
                if found and _latin_ok(text, end - length, end):
                    return text[end - length:end], found[0], found[1]
        return None

    def is_generic(self, core: str, matched: bool) -> bool:
        if core in self.generic_terms:
            return True
        if matched:
            return False
        rest = core
        while rest:
            word = next((w for w in self.generic_words if rest.startswith(w)), None)
            if word is None:
                return False
            rest = rest[len(word):]
        return True

    def sensitive_basis(self, text: str) -> Optional[str]:
        """The basis of a sensitivity that holds in any category (children's data…)."""
        text = normalise(text)
        return next((basis for key, basis in self.anywhere if key in text), None)

    def _canonical_of(self, text: str) -> Optional[Canonical]:
        """The canonical item whose term the text is (with 您的/上述 off, and a 信息/数据 tail)."""
        core = self.core(text)
        found = self.terms.get(core)
        for tail in TERM_TAILS:
            if found is None and core.endswith(tail):
                found = self.terms.get(core[:-len(tail)])
        return found

    def assign_item(self, text: str, head: Optional[str]) -> Tuple[str, bool]:
        """(category, sensitive) of an item listed under `head`: an item the table leaves in
        `other` takes its head's category (Wi-Fi名称 under 位置信息 is a location)."""
        category, sensitive = self.assign(text)
        if category == OTHER and head is not None and not self.known(text):
            under, under_sensitive = self.assign(head)
            if under not in (GENERIC, OTHER):
                return under, sensitive or under_sensitive
        return category, sensitive

    def known(self, text: str) -> bool:
        """Whether an item is a canonical item or has a keyword: `other` then means A.1 has no
        row for it, not that nothing is known of it."""
        return self.canonical_of(text) is not None or self.keyword(self.core(text)) is not None

    def _assign(self, text: str) -> Tuple[str, bool]:
        core = self.core(text)
        anywhere = self.sensitive_basis(core) is not None
        canonical = self.canonical_of(text)
        if canonical is not None:
            return canonical.category, canonical.sensitive or anywhere
        found = self.keyword(core)
        if self.is_generic(core, found is not None):
            return GENERIC, anywhere
        if found is None or found[1] == OTHER:
            return OTHER, anywhere
        name = found[1]
        sensitive_keyword = any(k in core for k in self.sensitive_keywords[name])
        return name, self.by_name[name].sensitive or sensitive_keyword or anywhere


def _latin_ok(text: str, start: int, end: int) -> bool:
    """A Latin keyword (imei, ip) must not be part of a longer Latin word (vip, macos)."""
    piece = text[start:end]
    if not (piece[0].isascii() and piece[0].isalnum()) and not (piece[-1].isascii() and piece[-1].isalnum()):
        return True
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    touches = lambda a, b: a.isascii() and a.isalpha() and b.isascii() and b.isalnum()
    return not ((before and touches(before, piece[0])) or (after and touches(after, piece[-1])))


@lru_cache(maxsize=4)
def load(path: Path = DATA_FILE, canonical: Path = CANONICAL_FILE) -> Categories:
    return Categories(path, canonical)
