"""DATA spans -> data items: an enumeration split into its items, and the parenthesis after a
head read as items of that head (`设备标识符（IMEI/Android ID/IDFA）` is 设备标识符, and IMEI,
Android ID, IDFA under it).

Every item keeps its character offsets in the policy text, so that it can be traced to its
sentence, clause and action.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional, Sequence, Tuple

import jieba

from ..records import Span
from .categories import GENERIC, OTHER, Categories, normalise

# The word lists, a data file: data/items.toml says what each is for.
_WORDS = tomllib.loads((Path(__file__).parents[1] / "data" / "items.toml").read_text(encoding="utf-8"))
SEPARATORS = frozenset(_WORDS["separators"])
CONJUNCTIONS = tuple(_WORDS["conjunctions"])
PROTECTED = tuple(_WORDS["protected"])
OPEN, CLOSE = "（(【[", "）)】]"
MARKERS = tuple(_WORDS["markers"])
COORDINATED = frozenset((a, b) for a, b in _WORDS["coordinated"])
TAILS = tuple(_WORDS["tails"])
SHARED_HEADS = tuple(_WORDS["shared_heads"])
SHARED_HEAD_JOINS = frozenset(_WORDS["shared_head_joins"])
UNSHARED = tuple(_WORDS["unshared"])
SHARED_FRONTS = frozenset(_WORDS["shared_fronts"])
SHARED_MODIFIER, SHARED_HEAD = 4, 6  # characters at most
LIST_MODIFIER = 2  # characters: a bare word of a list (设备, 交易), not an item (银行卡号) nor a numeral (二、)
NOT_ITEMS = tuple(_WORDS["not_items"])
HEAD_ENDS = tuple(_WORDS["head_ends"])
GLUED_VERBS = tuple(sorted(_WORDS["glued_verbs"], key=len, reverse=True))
GLUED_BEFORE = tuple(_WORDS["glued_before"])
GLUED_AFTER = tuple(sorted(_WORDS["glued_after"], key=len, reverse=True))
LIST_ENDS = tuple(_WORDS["list_ends"])  # lists.py: where the last item of a grown list ends
_NOT_DATA = {key: tuple(normalise(w) for w in _WORDS["not_data"][key]) for key in ("terms", "starts", "ends")}
CONTACT_ITEMS = frozenset(_WORDS["not_data"]["contact_items"])
CHANNEL_ITEMS = frozenset(normalise(t) for t in _WORDS["not_data"]["channel_items"])
BANK_ACCOUNTS = _WORDS["bank_accounts"]
_OTHER_SERVICES = tuple(w.lower() for w in BANK_ACCOUNTS["other_services"])
_CHANNEL_BEFORE = re.compile(f"(?:{'|'.join(_WORDS['not_data']['channel_before'])})[^您你，。；,;\n]{{0,12}}$")
_CHANNEL_AFTER = re.compile(f"[^，。；,;\n]{{0,12}}?(?<!联系)(?:{'|'.join(_WORDS['not_data']['channel_after'])})")
_NOT_COLLECTED = re.compile(f"(?:{'|'.join(_WORDS['not_data']['not_collected_negations'])})(?:主动)?"
                            f"(?:{'|'.join(_WORDS['not_data']['not_collected_verbs'])})[^，。；,;\n]*$")
HEADING_LONGEST = _WORDS["not_data"]["heading_longest"]
_NUMBERED = re.compile(r"\s*(?:第[一二三四五六七八九十百]+[章节条部分]|[一二三四五六七八九十]+[、.．]"
                       r"|[（(][一二三四五六七八九十\d]+[）)]|\d+(?:\.\d+)*\s*[、.．]?\s*(?=\D))")
_NOT_IN_HEADING = re.compile(r"[。；;，,！？!?：:\t]")
DEFINED_TERMS = frozenset(normalise(t) for t in _WORDS["not_data"]["defined_terms"])
# a sentence's subject and the verb that defines it (2. 敏感个人信息：敏感个人信息是…, 例如，个人信息包括…,
# 本隐私政策中可能涉及到的个人信息包括但不限于…: a glossary's list of the law's categories)
DEFINITION = re.compile(r"\W*(?:\d+(?:[.．]\d+)*[、.．]?\s*)?(?:例如|比如|其中)?[，,]?\s*(?:本(?:隐私)?政策中?(?:可能)?所?(?:涉及(?:到)?|称)的)?"
                        r"([^您你我\W]\w{0,11}?)\s*[：:]?\s*(?:\1\s*)?(?:是指|指的是|是|指|包括)")
# a term defined at the end of its definition, its examples after it (…或歧视性待遇等的信息为个人
# 敏感信息，主要包括：身份证件号码、…)
DEFINED_AS = re.compile(r"的(?:个人)?信息(?:为|是|属于)(\w{2,8}?)[，,：:]?\s*(?:主要)?(?:包括|有)[：:]?")
ENTRY_STARTS = ("包括", "是指", "指")  # the words a glossary entry's definition starts with
# more shapes of a glossary, each naming a defined term as written: 敏感个人信息：一旦泄露…, 例如，
# 敏感个人信息包括…, 个人信息中属于敏感个人信息的有：…, 个人信息示例：… (not …不属于个人信息: the
# data it names is still the app's, 单纯的传感器数据不属于个人信息)
_TERMS = "|".join(sorted(map(re.escape, _WORDS["not_data"]["defined_terms"]), key=len, reverse=True))
GLOSSARY = re.compile(rf"^\W*(?:\d+(?:[.．]\d+)*[)）、.．]?\s*)?(?:{_TERMS})[：:]\s*(?:一旦|以电子|是指|指|包括|是)"
                      rf"|(?:例如|比如)[，,]?\s*(?:{_TERMS})(?:包括|有)|属于(?:{_TERMS})的(?:有|包括)"
                      rf"|(?:{_TERMS})示例[：:]")
LONGEST_PAREN = 300  # characters; a longer "parenthesis" is a stray bracket
MARKUP = re.compile(r"[<>]")


@dataclass(frozen=True)
class Item:
    """One data item: offsets [start, end) in the policy text, its text there, the head it
    was listed under (or None), and the DATA span (index) it came from, or -1 for the
    parenthesis after a span."""

    start: int
    end: int
    text: str
    head: Optional[str] = None
    span: int = -1


@dataclass(frozen=True)
class Options:
    """What item extraction does; both off, an item is a whole DATA span (for measuring)."""

    split: bool = True  # enumerations split into items, heads read inside a span
    parentheses: bool = True  # the parenthesis after a span read as its items


def not_data(core: str) -> bool:
    """Whether an item's core text (Categories.core) is one items.toml's `not_data` names: how
    data is protected or handled, a purpose or a condition, never the user's data."""
    return (core in _NOT_DATA["terms"] or core.startswith(_NOT_DATA["starts"])
            or core.endswith(_NOT_DATA["ends"]))


def as_channel(text: str, item: Item, clause_start: int) -> bool:
    """Whether an item of items.toml's `channel_items` is used as a way to reach the user in its
    clause (通过短信、电话的方式, 以邮件形式): then no data item there."""
    return normalise(item.text) in CHANNEL_ITEMS and bool(
        _CHANNEL_BEFORE.search(text, clause_start, item.start) or _CHANNEL_AFTER.match(text, item.end))


def not_collected(text: str, item: Item, clause_start: int) -> bool:
    """Whether the item's clause says, before it, that the app does not collect it (我们不会收集…)."""
    return bool(_NOT_COLLECTED.search(text, clause_start, item.start))


def line_at(text: str, offset: int) -> str:
    """The line of `text` that holds `offset`, without its line break."""
    end = text.find("\n", offset)
    return text[text.rfind("\n", 0, offset) + 1:end if end != -1 else len(text)]


def in_numbered_heading(text: str, offset: int) -> bool:
    """Whether the line at `offset` is a numbered heading (一、…, （三）…, 2.1 …) and no more."""
    line = line_at(text, offset).strip()
    return (len(line) <= HEADING_LONGEST and not _NOT_IN_HEADING.search(line)
            and _NUMBERED.match(line) is not None)


def defines_personal_information(sentence: str) -> bool:
    """Whether a sentence defines one of the terms the law defines (items.toml's
    `defined_terms`): its examples are the law's, no data the app handles."""
    found = DEFINITION.match(sentence.lstrip())
    if found is not None and normalise(found.group(1)) in DEFINED_TERMS:
        return True
    return (any(normalise(m.group(1)) in DEFINED_TERMS for m in DEFINED_AS.finditer(sentence))
            or GLOSSARY.search(sentence) is not None)


def defines_under_heading(heading: str, sentence: str) -> bool:
    """Whether a sentence is a glossary's entry for one of `defined_terms`: under a line that is
    the term alone (10.2个人敏感信息), its definition (包括身份证件号码、…)."""
    line = heading.strip()
    numbered = _NUMBERED.match(line)  # the entry's number, as a numbered heading's (10.2, （一）)
    term = line[numbered.end():] if numbered else line
    return normalise(term) in DEFINED_TERMS and sentence.lstrip().startswith(ENTRY_STARTS)


def a_banks_policy(policy_text: str) -> bool:
    """Whether the policy is a bank's: it calls its handler 我行 (items.toml's `bank_accounts`)."""
    return policy_text.count(BANK_ACCOUNTS["self_name"]) >= BANK_ACCOUNTS["min_mentions"]


def names_an_account(item: str) -> bool:
    """Whether an item names an account (账号, 账户信息) that is no other service's (微信账号)."""
    return (any(w in item for w in BANK_ACCOUNTS["words"])
            and not any(w in item.lower() for w in _OTHER_SERVICES))


def outermost(spans: Sequence[Span], label: str = "DATA") -> List[Span]:
    """The spans of `label` that no other such span holds (a nested DATA is part of its outer one)."""
    own = sorted({s for s in spans if s.label == label}, key=lambda s: (s.start, -s.end))
    kept: List[Span] = []
    reach = -1  # the furthest end of the spans kept so far
    for span in own:  # sorted by start: a span is held when one kept before reaches its end
        if span.end > reach:
            kept.append(span)
            reach = span.end
    return kept


def items_of(text: str, spans: Sequence[Span], categories: Categories,
             options: Options = Options()) -> List[Item]:
    """The items of a policy's DATA spans (the outermost ones), in text order."""
    data = outermost(spans)
    items: List[Item] = []
    for index, span in enumerate(data):
        if options.split:
            found = split(text, span.start, span.end, categories, index)
        else:
            found = [item for item in [_item(text, span.start, span.end, None, index)] if item]
        items.extend(found)
        if options.parentheses and found:
            items.extend(_parenthesis(text, span, found[-1], data, categories))
    # A DATA span inside the parenthesis of another span is listed under that span's head.
    items = _heads_for_spans_in_parentheses(text, items, data, options)
    # A parenthesis that repeats its head (注册姓名（“注册姓名”）) defines it: no item of itself.
    items = [Item(i.start, i.end, i.text, None, i.span)
             if i.head is not None and categories.core(i.head) == categories.core(i.text) else i
             for i in items]
    items = _shared_fronts(text, _shared_tails(text, _shared_heads(text, items), categories))
    # 交易、支付、预订等信息: a bare word under a bare head noun is that kind of data (交易信息)
    items = [Item(i.start, i.end, i.text + i.head, i.head, i.span)
             if i.head in SHARED_HEADS and len(i.text) == LIST_MODIFIER and not i.text.endswith(SHARED_HEADS)
             and categories.canonical_of(i.text) is None else i
             for i in items]
    # Markup left in a text (<the-end-of-privacy-policy> in CAPP-130's) is no data item.
    items = [i for i in items if not MARKUP.search(i.text)]
    return sorted(items, key=lambda i: (i.start, i.end))


def glued_verbs(items: Sequence[Item], categories: Categories) -> List[Item]:
    """An item with words the tagger glued on is the canonical item they hold, where the whole
    is none: after one of items.toml's `glued_verbs` at its front (采集声音, 获取手机识别码) or
    the last of its `glued_before` (会将您的手机号码), or before one of its `glued_after` at its
    end (身份认证信息除外). An item `not_data` names (以便于我们处理您的订单) stays as it is, to be left out,
    unless only its glued ending makes it so (联系电话时 is 联系电话; 转发时 stays, and is left out)."""
    out = []
    for item in items:
        core = categories.core(item.text)
        if categories.canonical_of(item.text) is None and not not_data(core[:len(core) - len(_glued_ending(core))]):
            item = _unglued(item, categories) or item
        out.append(item)
    return out


def _glued_ending(text: str) -> str:
    """The one of `glued_after` that ends the text and is not all of it, or ''."""
    return next((w for w in GLUED_AFTER if text.endswith(w) and len(text) > len(w)), "")


def _unglued(item: Item, categories: Categories) -> Optional[Item]:
    text = item.text
    verb = next((v for v in GLUED_VERBS if text.startswith(v) and len(text) > len(v)), None)
    before = max((text.rfind(w) + len(w) for w in GLUED_BEFORE if w in text[1:]), default=0)
    after = _glued_ending(text)
    cuts = [(len(verb), len(text))] if verb else []
    cuts += [(before, len(text))] if before else []
    cuts += [(0, len(text) - len(after))] if after else []
    for start, end in cuts:
        start, end = _trim(text, start, end)
        if start < end and categories.canonical_of(text[start:end]) is not None:
            return Item(item.start + start, item.start + end, text[start:end], item.head, item.span)
    return None


def _shared_heads(text: str, items: List[Item]) -> List[Item]:
    """身份证正、反面照片 read as 身份证正面照片 and 身份证反面照片: two items of one span, next to
    each other, the first ending in one word of a `coordinated` pair and the second starting
    with the other, share the first's front and the second's head. Each keeps its own offsets
    (its text is no longer the text there, so the report points at the words it was made of)."""
    out = list(items)
    for n in range(len(out) - 1):
        first, second = out[n], out[n + 1]
        gap = text[first.end:second.start]
        if (first.span != second.span or first.span < 0 or len(gap) > 1 or len(first.text) < 2
                or len(second.text) < 2 or (first.text[-1], second.text[0]) not in COORDINATED):
            continue
        front, head = first.text[:-1], second.text[1:]
        out[n] = Item(first.start, first.end, first.text + head, first.head, first.span)
        out[n + 1] = Item(second.start, second.end, front + second.text, second.head, second.span)
    return out


def _shared_tails(text: str, items: List[Item], categories: Categories) -> List[Item]:
    """硬件及操作系统信息 read as 硬件信息 and 操作系统信息: an item that is no canonical item and
    ends in no head, joined (`shared_head_joins`) to the next item that ends in one
    (`shared_heads`) and starts with none of `unshared`, takes that item's words after its
    first jieba word (or, one word, its head: 通信/通话记录 is 通信记录). The first keeps its
    offsets, as a coordinated pair's items do. A bare word in a list (设备、网络、渠道信息: of
    `LIST_MODIFIER` characters, before 、) takes the head noun alone (设备信息, 网络信息; not
    设备环境信息 from 设备、设备环境信息); from the last item back, so the whole list shares it."""
    out = list(items)
    for n in reversed(range(len(out) - 1)):
        first, second = out[n], out[n + 1]
        # a bare word, not an attribute of the item before it (接入方式、类型、状态、网络质量数据)
        listed = (first.span == second.span and len(first.text) == LIST_MODIFIER
                  and first.text not in SHARED_FRONTS and text[first.end:second.start].strip() == "、")
        if not listed:
            second = items[n + 1]  # joined words share the head as written (驾车/新能源/…路线信息)
        if (not (listed or _joined(text, first, second)) or first.text.endswith(SHARED_HEADS)
                or not second.text.endswith(SHARED_HEADS) or second.text.startswith(UNSHARED)
                or categories.canonical_of(first.text) is not None):
            continue
        noun = next(h for h in SHARED_HEADS if second.text.endswith(h))
        words = jieba.lcut(second.text)  # 操作系统|信息; one word (通话记录) shares its head noun
        head = noun if listed or len(words) == 1 else "".join(words[1:])
        # a modifier is a word or two (硬件, 通信); a head is a noun, not a clause (…化后的信息)
        if len(first.text) <= SHARED_MODIFIER and head and len(head) <= SHARED_HEAD and "的" not in head:
            out[n] = Item(first.start, first.end, first.text + head, first.head, first.span)
    return out


def _shared_fronts(text: str, items: List[Item]) -> List[Item]:
    """访问日期和时间 read as 访问日期 and 访问时间: an item that is one of `shared_fronts` alone,
    joined (`shared_head_joins`) to the item before it, takes that item's words before its last
    jieba word (or all of them, one word: 操作系统及版本 is 操作系统版本)."""
    out = list(items)
    for n in range(1, len(out)):
        first, second = out[n - 1], out[n]
        if second.text not in SHARED_FRONTS or not _joined(text, first, second):
            continue
        words = jieba.lcut(first.text)
        front = "".join(words[:-1]) if len(words) > 1 else first.text
        if first.text not in SHARED_FRONTS and len(front) <= SHARED_HEAD:  # 日期和时间 stays
            out[n] = Item(second.start, second.end, front + second.text, second.head, second.span)
    return out


def _joined(text: str, first: Item, second: Item) -> bool:
    """Whether two items are joined by one of `shared_head_joins` (硬件及操作系统信息, 日期和时间)."""
    return text[first.end:second.start].strip() in SHARED_HEAD_JOINS


def split(text: str, start: int, end: int, categories: Categories, span: int = -1,
          head: Optional[str] = None) -> List[Item]:
    """The items of the stretch [start, end) of `text`."""
    start, end = _trim(text, start, end)
    if start >= end:
        return []
    # 设备信息：型号、版本 — a head, then its list.
    colon = _head_end(text, start, end)
    if colon is not None:
        at, length = colon
        head_item = _item(text, start, at, head, span)
        inner = split(text, at + length, end, categories, span, head_item.text if head_item else head)
        return ([head_item] if head_item else []) + inner
    pieces = _segments(text, start, end)
    # 姓名、电话等个人信息: the words after the last 等 name what the list is (its head).
    summary = None
    last_start, last_end = pieces[-1]
    cut = _summary_cut(text, last_start, last_end)
    if cut is not None:
        summary_item = _item(text, cut + 1, last_end, None, span)
        summary = summary_item.text if summary_item else None
        pieces[-1] = (last_start, cut)
        if len(pieces) == 1 and summary_item is not None and cut <= last_start:
            return [summary_item]
    items: List[Item] = []
    for a, b in pieces:
        items.extend(_piece(text, a, b, categories, span, head or summary))
    return items


def _piece(text: str, a: int, b: int, categories: Categories, span: int,
           head: Optional[str]) -> List[Item]:
    """One segment: an item, or a head and the items of its parenthesis."""
    a, b = _trim(text, a, b)
    if a >= b:
        return []
    open_at = next((i for i in range(a, b) if text[i] in OPEN), None)
    if open_at is None:
        item = _item(text, a, b, head, span)
        return [item] if item else []
    close_at = _closing(text, open_at, b)
    glossed = _glossed(text, a, open_at, close_at, b, head, span, categories)
    if glossed is not None:
        return [glossed]
    head_item = _item(text, a, open_at, head, span)
    inner_end = close_at if close_at is not None else b
    inner_start = _skip_markers(text, open_at + 1, inner_end)
    marked = inner_start > _trim(text, open_at + 1, inner_end)[0]
    items = [head_item] if head_item else []
    if marked or not text[inner_start:inner_end].startswith(NOT_ITEMS):
        under = head_item.text if head_item else head
        inner = split(text, inner_start, inner_end, categories, span, under)
        # the rule of the parenthesis after a span: unmarked, it is a list only when every item
        # is in a category (通话时长（秒）, 移动应用（APP） are a unit and an alias)
        if marked or not _uncategorised(inner, categories):
            items.extend(inner)
    return items


def _glossed(text: str, a: int, open_at: int, close_at: Optional[int], b: int, head: Optional[str],
             span: int, categories: Categories) -> Optional[Item]:
    """互联网协议（IP）地址, 网卡（MAC）地址: a name glossed inside itself, where words go on after
    the parenthesis, is one item; named by the gloss where that makes a canonical item (IP地址,
    MAC地址), else by its own words (互联网协议地址). A gloss that lists (设备信息（IMEI、MAC）等)
    or starts as no list does (如有, 选填) is no gloss."""
    if close_at is None:
        return None
    tail_start, tail_end = _trim(text, close_at + 1, b)
    gloss_start, gloss_end = _trim(text, open_at + 1, close_at)
    gloss, tail = text[gloss_start:gloss_end], text[tail_start:tail_end]
    front = text[slice(*_trim(text, a, open_at))]
    if (not tail or not front or not gloss or tail.startswith(TAILS) or gloss.startswith(NOT_ITEMS)
            or _skip_markers(text, gloss_start, gloss_end) > gloss_start
            or len(_segments(text, gloss_start, gloss_end)) > 1):
        return None
    named = gloss + tail if categories.canonical_of(gloss + tail) is not None else front + tail
    return Item(a, tail_end, named, head, span)


def _parenthesis(text: str, span: Span, last: Item, data: Sequence[Span],
                 categories: Categories) -> List[Item]:
    """The items of the parenthesis right after a DATA span (`（如…）`, `（包括…）`, or a list
    of items that are all in a category), each under the span's last item."""
    bracket = _parenthesis_after(text, span.end)
    if bracket is None or "\n" in text[bracket[0]:bracket[1]]:
        return []
    body = _trim(text, bracket[0] + 1, bracket[1])
    marked = _skip_markers(text, body[0], body[1]) > body[0]
    if not marked and text[body[0]:body[1]].startswith(NOT_ITEMS):
        return []
    found = split(text, body[0], body[1], categories, -1, last.text)
    # Stretches that are DATA spans of their own are counted there.
    found = [item for item in found if not any(s.start < item.end and item.start < s.end for s in data)]
    if not found:
        return []
    if not marked and _uncategorised(found, categories):
        return []
    return found


def _uncategorised(items: Sequence[Item], categories: Categories) -> bool:
    return any(categories.assign(item.text)[0] in (GENERIC, OTHER) for item in items)


def _heads_for_spans_in_parentheses(text: str, items: List[Item], data: Sequence[Span],
                                    options: Options) -> List[Item]:
    """A DATA span that sits inside the parenthesis after another span takes its head."""
    if not (options.parentheses and options.split):
        return items
    out = []
    by_span = {}
    for item in items:
        by_span.setdefault(item.span, []).append(item)
    inside: dict = {}
    for index, span in enumerate(data):
        bracket = _parenthesis_after(text, span.end)
        if bracket is not None and by_span.get(index):
            for other, inner in enumerate(data):
                if bracket[0] < inner.start and inner.end <= bracket[1]:
                    inside[other] = by_span[index][-1].text
    for item in items:
        if item.span in inside and item.head is None:
            item = Item(item.start, item.end, item.text, inside[item.span], item.span)
        out.append(item)
    return out


def _parenthesis_after(text: str, end: int) -> Optional[Tuple[int, int]]:
    """(open, close) of the parenthesis that follows `end` (spaces between), or None."""
    i = end
    while i < len(text) and text[i] in " \t\u3000":
        i += 1
    if i >= len(text) or text[i] not in OPEN:
        return None
    close = _closing(text, i, min(len(text), i + LONGEST_PAREN))
    return None if close is None else (i, close)


def _segments(text: str, start: int, end: int) -> List[Tuple[int, int]]:
    """The stretches between separators and conjunctions outside parentheses."""
    protected = set()
    for word in PROTECTED:
        at = text.find(word, start, end)
        while at != -1:
            protected.update(range(at, at + len(word)))
            at = text.find(word, at + 1, end)
    pieces, depth, here, i = [], 0, start, start
    while i < end:
        char = text[i]
        if char in OPEN:
            depth += 1
        elif char in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and i not in protected:
            if char in SEPARATORS:
                pieces.append((here, i))
                here = i + 1
            else:
                word = next((w for w in CONJUNCTIONS if text.startswith(w, i, end)), None)
                if word is not None:
                    pieces.append((here, i))
                    here = i + len(word)
                    i += len(word)
                    continue
        i += 1
    pieces.append((here, end))
    return [p for p in pieces if p[0] < p[1]] or [(start, end)]


def _summary_cut(text: str, start: int, end: int) -> Optional[int]:
    """Where 等 ends the list in `姓名、电话等个人信息` (outside parentheses), or None."""
    depth = 0
    for i in range(start, end):
        if text[i] in OPEN:
            depth += 1
        elif text[i] in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and text[i] == "等" and i + 1 < end and not any(
                text.startswith(w, i - k) for w in PROTECTED for k in range(len(w)) if w[k] == "等"):
            rest = text[i + 1:end].lstrip("等")
            if len(rest.strip()) >= 2:
                return i
    return None


def _head_end(text: str, start: int, end: int) -> Optional[Tuple[int, int]]:
    """(where, length) of a top-level `：` or `包括` that puts a head before a list."""
    depth = 0
    for i in range(start + 1, end):
        if text[i] in OPEN:
            depth += 1
        elif text[i] in CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0:
            word = next((w for w in HEAD_ENDS if text.startswith(w, i, end)), None)
            if word is not None and i + len(word) < end:
                return i, len(word)
    return None


def _closing(text: str, open_at: int, limit: int) -> Optional[int]:
    """Where the bracket opened at `open_at` closes, looking up to `limit`, or None."""
    return _partner(text, range(open_at, limit), OPEN, CLOSE)


def _opening(text: str, close_at: int, limit: int) -> Optional[int]:
    """Where the bracket closed at `close_at` opens, looking back to `limit`, or None."""
    return _partner(text, range(close_at, limit - 1, -1), CLOSE, OPEN)


def _partner(text: str, walk: range, deeper: str, shallower: str) -> Optional[int]:
    depth = 0
    for i in walk:
        if text[i] in deeper:
            depth += 1
        elif text[i] in shallower:
            depth -= 1
            if depth == 0:
                return i
    return None


def _trim(text: str, start: int, end: int) -> Tuple[int, int]:
    """Whitespace and stray punctuation off both ends (and Markdown's emphasis, which
    CA4P-483's texts keep: **聊天记录**, _手机号码_)."""
    edge = " \t\r\n\u3000、，,/／;；|｜。.：:“”\"'‘’「」《》*_"
    while start < end and text[start] in edge:
        start += 1
    while end > start and text[end - 1] in edge:
        end -= 1
    return start, end


# Words that start with a one-character marker without being one (如有, 含义, 及时).
NOT_MARKERS = NOT_ITEMS + PROTECTED + tuple(_WORDS["not_markers"])


def _skip_markers(text: str, start: int, end: int) -> int:
    """Where an item starts once the markers in front of it (包括, 例如, 如 …) are skipped."""
    start, end = _trim(text, start, end)
    changed = True
    while changed and start < end:
        changed = False
        for marker in MARKERS:
            if text.startswith(marker, start, end) and not (
                    len(marker) == 1 and text.startswith(NOT_MARKERS, start, end)):
                start, _ = _trim(text, start + len(marker), end)
                changed = True
                break
    return start


def _item(text: str, start: int, end: int, head: Optional[str], span: int) -> Optional[Item]:
    start = _skip_markers(text, start, end)
    start, end = _trim(text, start, end)
    changed = True
    while changed and start < end:
        changed = False
        for tail in TAILS:
            if text.endswith(tail, start, end) and end - len(tail) > start:
                start, end = _trim(text, start, end - len(tail))
                changed = True
                break
    # A lone bracket left over from a cut parenthesis is no part of the item: one that opens
    # at its end or closes at its front, or one whose partner lies outside the span.
    if start < end and text[end - 1] in OPEN:
        start, end = _trim(text, start, end - 1)
    if start < end and text[start] in CLOSE:
        start, end = _trim(text, start + 1, end)
    if start < end and text[end - 1] in CLOSE and _closing(text, start, end) is None:
        start, end = _trim(text, start, end - 1)
    if start < end and text[start] in OPEN and _closing(text, start, end) is None:
        start, end = _trim(text, start + 1, end)
    if start >= end or not any(ch.isalnum() for ch in text[start:end]):
        return None
    return Item(start, end, text[start:end], head, span)
