"""A DATA span that is one item of an enumeration takes in the whole enumeration.

The tagger often marks one or two items of a long list (`硬件型号、操作系统版本号、网络设备硬件地址
（MAC）、IP地址` with only `MAC` marked) where the gold marks the list. Here a DATA span whose
neighbour across a list separator (`、`, `/`) is a data item grows over it, and on, until the
clause ends, a span of another label begins, or a neighbour is not a data item: longer than
an item, or in no category of the table (data/categories.toml). The report then splits the
grown span into its items as it splits any other (items.py).

Conjunctions (和, 及, 与) do not join here: they join clauses and phrases as often as items
(与您的账户信息有关), and on CA4P-483's dev policies letting them join halved the share of
right items among the ones added (docs/report.md).
"""
from __future__ import annotations

from dataclasses import replace
from typing import List, Optional, Sequence, Tuple

from ..records import Document, Span
from .categories import GENERIC, OTHER, Categories
from .items import CLOSE, LIST_ENDS, MARKERS, OPEN, _closing, _item, _opening, _trim, defines_personal_information
from .practices import CLAUSE_ENDS, SENTENCE_ENDS, load_verbs, role  # a list never runs across a clause end

LIST_SEPARATORS = "、/／"
LONGEST_ITEM = 16  # characters; a longer stretch is a phrase, not an item
SPACE = " \t\u3000"
# canonical items in a row that make an unmarked list data (`unmarked`). On 20 real policies
# read by hand, two added 39 items (25 right, 5 cut wrongly, 9 not data) and clear-item recall
# 0.854 -> 0.882 at precision 0.746 -> 0.745; three, 21 items (16, 2, 3) and 0.871 at 0.746.
SHORTEST_LIST = 2


def with_lists(policies: Sequence[Document], categories: Categories) -> List[Document]:
    """The policies, a tagger's (those with scores) with their list-items' DATA spans grown;
    gold stays as its annotators marked it."""
    return [p if p.scores is None else
            replace(p, spans=sorted(set(p.spans) | set(grown(p.text, p.spans, categories))))
            for p in policies]


def grown(text: str, spans: Sequence[Span], categories: Categories) -> List[Span]:
    """A DATA span over the whole list for each DATA span of `spans` that is an item of one."""
    walls = [(s.start, s.end) for s in spans if role(s.label) != "DATA"]
    found = []
    for span in spans:
        if role(span.label) != "DATA":
            continue
        left = max([b for a, b in walls if b <= span.start] + [_clause_start(text, span.start)])
        right = min([a for a, b in walls if a >= span.end] + [_clause_end(text, span.end)])
        start, end = _with_head(text, span.start, span.end, left, right, categories)
        while (step := _before(text, start, left, categories)) is not None:
            start = step
        while (step := _after(text, end, right, categories)) is not None:
            end = step
        if (start, end) != (span.start, span.end):
            found.append(Span(start, end, span.label))
    return found


def unmarked(text: str, spans: Sequence[Span], categories: Categories) -> List[Span]:
    """A DATA span over each list of at least `SHORTEST_LIST` canonical items (whole terms of
    data/canonical.toml) joined by `、` that no DATA span touches: `•基本信息 姓名、家庭地址、
    电话号码、职业` under a heading of what is collected, which the tagger, trained on statements
    of a practice, leaves unmarked. `grown` then takes in the neighbours. Once only a clause
    with no DATA span was read; a list beside a marked head (位置信息的来源包括 IP 地址、GPS)
    is read too since stop 41 (CA4P-483 test item recall 0.853 to 0.857, precision as it was)."""
    if text.count("、") < SHORTEST_LIST - 1:
        return []  # no list here (most paragraphs): spare the walk over its characters
    inside = bytearray(len(text) + 1)  # 1 where a DATA span is
    for span in spans:
        if role(span.label) == "DATA":
            inside[span.start:span.end] = b"\x01" * (span.end - span.start)
    found = []
    start = 0
    for end in [i for i, char in enumerate(text) if char in SENTENCE_ENDS] + [len(text)]:
        if not defines_personal_information(text[start:end]):
            clause = start
            for stop in [i for i in range(start, end) if text[i] in CLAUSE_ENDS] + [end]:
                # a list of SHORTEST_LIST items has that many less one 、 (most clauses have none)
                if text.count("、", clause, stop) >= SHORTEST_LIST - 1:
                    found += [s for s in _canonical_runs(text, clause, stop, categories)
                              if 1 not in inside[s.start:s.end]]
                clause = stop + 1
        start = end + 1
    return found


def _canonical_runs(text: str, start: int, end: int, categories: Categories) -> List[Span]:
    """From the first to the last canonical item of each run of short items (any but generic
    words) with at least `SHORTEST_LIST` canonical ones: `面部图片、面部特征、动态视频、指纹`,
    where 动态视频 has no category. A run that had to be all canonical items missed such lists;
    one that may begin or end with other items took in features and verbs (倍速、弹幕、评论、
    分享、会员; 查询姓名): docs/report.md."""
    pieces, at, depth = [], start, 0
    for i in range(start, end + 1):
        char = text[i] if i < end else "、"
        depth += char in OPEN
        depth -= char in CLOSE and depth > 0
        if char == "、" and depth == 0:
            pieces.append((at, i))
            at = i + 1
    runs: List[List[Tuple[int, int]]] = [[]]
    for n, (a, b) in enumerate(pieces):
        if n == 0:  # the first item comes after its head and the words that start the list
            a = max([a, max(text.rfind(c, a, b) for c in SPACE + "：:") + 1]  # (•基本信息 姓名, …包括姓名)
                    + [found + len(m) for m in MARKERS if len(m) > 1 and (found := text.rfind(m, a, b)) != -1])
        item = _item(text, a, b, None, -1)
        if item is None or len(item.text) > LONGEST_ITEM or categories.assign(item.text)[0] == GENERIC:
            if runs[-1]:
                runs.append([])
            continue
        runs[-1].append((item.start, item.end, categories.canonical_of(item.text) is not None))
    found = []
    for run in runs:
        known = [n for n, (_, _, canonical) in enumerate(run) if canonical]
        if len(known) >= SHORTEST_LIST:
            found.append(Span(run[known[0]][0], run[known[-1]][1], "DATA"))
    return found


def _with_head(text: str, start: int, end: int, left: int, right: int,
               categories: Categories) -> Tuple[int, int]:
    """A span inside a parenthesis (`MAC` in `网络设备硬件地址（MAC）`) stands for the head and its
    parenthesis, so that the list around them can be found."""
    open_at = start - 1
    while open_at > left and text[open_at] in SPACE:
        open_at -= 1
    if open_at < left or text[open_at] not in OPEN:
        return start, end
    close = _closing(text, open_at, right)
    if close is None or close < end or any(c in LIST_SEPARATORS for c in text[open_at:close]):
        return start, end  # not an alias in brackets but an item of the list inside them
    begin = _stretch_start(text, open_at, left)
    if not _an_item(text, begin, open_at, categories):
        return start, end
    return _trim(text, begin, open_at)[0], close + 1


def _before(text: str, start: int, left: int, categories: Categories) -> Optional[int]:
    """Where the item before `start` begins, if a list separator joins it to `start`."""
    at = start
    while at > left and text[at - 1] in SPACE:
        at -= 1
    if at <= left or text[at - 1] not in LIST_SEPARATORS:
        return None
    joint = at - 1
    at = joint
    if at > left and text[at - 1] in CLOSE:  # the item's own parenthesis comes with it
        opened = _opening(text, at - 1, left)
        if opened is None:
            return None
        at = opened
    begin = _stretch_start(text, at, left)
    if not _an_item(text, begin, joint, categories):
        return None
    return _trim(text, begin, joint)[0]


def _after(text: str, end: int, right: int, categories: Categories) -> Optional[int]:
    """Where the item after `end` ends, if a list separator joins it to `end`."""
    at = end
    while at < right and text[at] in SPACE:
        at += 1
    if at < right and text[at] in OPEN:  # the span's own parenthesis comes with it
        close = _closing(text, at, right)
        if close is None:
            return None
        at = close + 1
    if at >= right or text[at] not in LIST_SEPARATORS:
        return None
    joint = at = at + 1
    depth = 0
    while at < right:
        char = text[at]
        if char in OPEN:
            depth += 1
        elif char in CLOSE:
            if depth == 0:  # the list sits in a parenthesis, and this closes it
                break
            depth -= 1
        elif depth == 0 and (char in LIST_SEPARATORS or char == "等" or text.startswith(LIST_ENDS, at)):
            break
        at += 1
    if depth or not _an_item(text, joint, at, categories):
        return None
    return _trim(text, joint, at)[1]


def _an_item(text: str, start: int, end: int, categories: Categories) -> bool:
    """Whether text[start:end] is short and a data item of a category of the table."""
    start, end = _trim(text, start, end)
    if start >= end or end - start > LONGEST_ITEM:
        return False
    item = _item(text, start, end, None, -1)
    return item is not None and categories.assign(item.text)[0] not in (GENERIC, OTHER)


def _stretch_start(text: str, at: int, left: int) -> int:
    """Where the first item of a list begins, going back from `at`: past the previous list
    separator, else past the last enumeration marker (包括, 例如 …) and the last verb of the
    clause (我们会收集您的硬件型号)."""
    begin, depth = at, 0
    while begin > left and text[begin - 1] not in LIST_SEPARATORS:
        if text[begin - 1] in CLOSE:
            depth += 1
        elif text[begin - 1] in OPEN:
            if depth == 0:  # the list sits in a parenthesis, and this opens it
                return begin
            depth -= 1
        begin -= 1
    if begin > left:
        return begin
    for marker in MARKERS:
        if len(marker) > 1 and (found := text.rfind(marker, begin, at)) != -1:
            begin = max(begin, found + len(marker))
    verb = load_verbs().verb(text[begin:at])
    if verb is not None:
        begin += text[begin:at].rfind(verb) + len(verb)
    return begin


def _clause_start(text: str, at: int) -> int:
    while at > 0 and text[at - 1] not in CLAUSE_ENDS:
        at -= 1
    return at


def _clause_end(text: str, at: int) -> int:
    while at < len(text) and text[at] not in CLAUSE_ENDS:
        at += 1
    return at

