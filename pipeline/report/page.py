"""The report's pages, self-contained: the index (the corpus' charts, drawn by matplotlib as SVG
and inlined: no network, no script; the category and checklist tables; the policies that stand
out; the way to every policy) and each policy's section: its data items grouped by category
with their actions and purposes, its checklist, each linking to the sentences of the policy
text (shown on the page, HTML-escaped) where they occur. report/job.py puts them together."""
from __future__ import annotations

import html
import io
import warnings
from typing import Dict, Iterable, List, Optional, Tuple


from .build import Found
from .categories import Categories
from .checklist import STATUSES, Rule
from .practices import COLLECT, SHARE
from .wording import counted

FONTS = ["WenQuanYi Zen Hei", "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
         "SimHei", "DejaVu Sans"]
KIND_NAMES = {COLLECT: "收集/使用", SHARE: "共享/披露"}
STYLE = """
body { margin: 2rem; color: #222; font-size: 15px; max-width: 70rem;
  font-family: "Noto Sans CJK SC", "WenQuanYi Zen Hei", "PingFang SC", "Microsoft YaHei", sans-serif; }
figure.chart { margin: 1rem 0 2rem; }
figure.chart svg { max-width: 100%; height: auto; }
.grid svg { width: 100%; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #ddd; padding: .15rem .5rem; text-align: left; vertical-align: top; }
td.n { text-align: right; }
.sensitive { color: #b91c1c; font-weight: 600; }
.kind { border-radius: 3px; padding: 0 .3em; color: #fff; font-size: .85em; }
.kind.collect { background: #2563eb; } .kind.share { background: #d97706; }
.head { color: #666; font-size: .85em; }
.text { white-space: pre-wrap; line-height: 1.8; border-left: 3px solid #ddd; padding-left: 1rem; }
.text span:target { background: #fde68a; }
section.policy { border-top: 2px solid #444; margin-top: 2rem; }
.status { border-radius: 3px; padding: 0 .3em; font-size: .85em; }
.status.present { background: #dcfce7; } .status.vague { background: #fef3c7; }
.status.missing { background: #fee2e2; color: #b91c1c; font-weight: 600; }
"""


def chart_svgs(corpus: dict, grid: Optional[List[Tuple[str, dict]]]) -> Dict[str, str]:
    """name -> inline <svg> of each corpus chart; `grid`: each policy's id and categories, for
    the chart of policies by category (None: too many policies to draw one)."""
    import logging

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    # "Failed to find font weight normal for WenQuanYi Zen Hei": that font has one weight.
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)

    standard = [row for row in corpus["categories"] if row["standard"]]
    charts: Dict[str, str] = {}
    # The text stays text in the SVG (the browser's CJK font draws it), so a glyph missing from
    # the font matplotlib measures with matters to the layout only: no warning for it.
    with warnings.catch_warnings(), matplotlib.rc_context({
            "svg.fonttype": "none", "font.family": "sans-serif", "font.sans-serif": FONTS,
            "text.parse_math": False, "axes.unicode_minus": False,
            "axes.spines.top": False, "axes.spines.right": False}):
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        # 1. The share of policies that name each category.
        names = [row["name"] for row in standard][::-1]
        shares = [row["share"] * 100 for row in standard][::-1]
        charts["categories"] = _bars(plt, "categories", names, shares, "% of policies naming the category",
                                     "#2563eb", percent=True)
        # 2. The share of policies with sensitive items, by category.
        sensitive = [row for row in standard if row["sensitive_policies"]]
        names = ["any category"] + [row["name"] for row in sensitive]
        n = corpus["policies"] or 1
        shares = [corpus["sensitive_policies"] / n * 100] + [row["sensitive_share"] * 100 for row in sensitive]
        charts["sensitive"] = _bars(plt, "sensitive", names[::-1], shares[::-1],
                                    "% of policies naming sensitive items of the category", "#b91c1c",
                                    percent=True)
        # 3. The most frequent data items.
        top = corpus["top_items"][::-1]
        charts["items"] = _bars(plt, "items", [row["text"] for row in top], [row["policies"] for row in top],
                                "policies naming the item", "#0d9488")
        # 4. Policies by categories: distinct items of each category in each policy.
        if grid is not None:
            charts["grid"] = _grid(plt, grid, [row["name"] for row in standard])
    return charts


def _bars(plt, name: str, labels: List[str], values: List[float], xlabel: str, color: str,
          percent: bool = False) -> str:
    labels = labels or ["(none)"]
    values = values or [0]
    fig, ax = plt.subplots(figsize=(7.5, 0.8 + 0.28 * len(labels)))
    bars = ax.barh(range(len(labels)), values, color=color)
    ax.set_yticks(range(len(labels)), [_clip(label) for label in labels])
    ax.set_xlabel(xlabel)
    if percent:
        ax.set_xlim(0, 100)
    ax.bar_label(bars, [f"{v:.0f}%" if percent else f"{v:g}" for v in values], padding=2, fontsize=8)
    return _svg(plt, fig, name)


def _grid(plt, grid: List[Tuple[str, dict]], names: List[str]) -> str:
    import numpy as np

    policies = grid or [("(none)", {})]
    values = np.array([[categories.get(name, 0) for name in names] for _, categories in policies], dtype=float)
    rows = len(policies)
    fig, ax = plt.subplots(figsize=(7.5, 2.2 + min(0.11 * rows, 60)))
    image = ax.imshow(np.log1p(values), aspect="auto", cmap="Blues", interpolation="nearest",
                      vmin=0, vmax=max(np.log1p(values).max(), 1e-9))
    ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
    ax.xaxis.set_ticks_position("top")
    ax.xaxis.set_label_position("top")
    plt.setp(ax.get_xticklabels(), rotation=60, ha="left")
    step = max(1, rows // 400)
    ax.set_yticks(range(0, rows, step), [_clip(pid, 24) for pid, _ in policies][::step],
                  fontsize=max(3.5, min(8, 600 / max(rows, 1))))
    bar = fig.colorbar(image, ax=ax, shrink=min(1.0, 8 / (2.2 + 0.11 * rows)), pad=0.02)
    ticks = [0, 1, 2, 5, 10, 20, 50]
    top = values.max() if values.size else 0
    ticks = [t for t in ticks if t <= max(top, 1)]
    bar.set_ticks(np.log1p(ticks), labels=[str(t) for t in ticks])
    bar.set_label("distinct items")
    return _svg(plt, fig, "grid")


def _svg(plt, fig, name: str) -> str:
    import matplotlib

    buffer = io.StringIO()
    with matplotlib.rc_context({"svg.hashsalt": name}):
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buffer.getvalue()
    return svg[svg.index("<svg"):]  # no XML declaration or doctype inside the page


def _clip(text: str, width: int = 28) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


# No page over this many bytes: past it the report is an index and a page per policy, since a
# browser takes 7.5 s over the one 18 MB page of CA4P-483's 435 policies (docs/report.md).
PAGE_LIMIT = 5_000_000
POLICY_FOLDER = "policies"
TAIL = "</body>\n</html>\n"


def head(title: str) -> str:
    return (f'<!DOCTYPE html>\n<html lang="zh">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n")


def top(corpus: dict, title: str, charts: Dict[str, str], index: str, standouts: str) -> str:
    """The index page without its tail: summary, charts, category and checklist tables, the
    policies that stand out and the way to every policy (`index`)."""
    out = [head(title), f"<h1>{html.escape(title)}</h1>\n"]
    cov = corpus["coverage"]
    out.append(f"<p>{counted(corpus['policies'], 'policy', 'policies')}; "
               f"{counted(cov['items'], 'data item occurrence')} from {counted(cov['data_spans'], 'DATA span')}; "
               f"{counted(corpus['sensitive_policies'], 'policy names', 'policies name')} sensitive "
               f"personal information (GB/T 35273-2020 Appendix B, PIPL art. 28).</p>\n")
    captions = {
        "categories": "Share of policies naming each category of GB/T 35273-2020 table A.1",
        "sensitive": "Share of policies naming sensitive items, by category",
        "items": "The most frequent data items (generic mentions left out)",
        "grid": "Policies by category: distinct data items of each category",
    }
    for name, svg in charts.items():
        cls = "chart grid" if name == "grid" else "chart"
        out.append(f'<figure class="{cls}" id="chart-{name}"><figcaption>{html.escape(captions[name])}'
                   f"</figcaption>\n{svg}\n</figure>\n")
    out.append(_category_table(corpus))
    out.append(_canonical_table(corpus))
    out.append(_checklist_table(corpus))
    out.append(standouts)
    out.append(index)
    return "".join(out)


def _category_table(corpus: dict) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(r['name'])}</td><td>{'yes' if r['sensitive'] else ''}</td>"
        f"<td class=\"n\">{r['policies']}</td><td class=\"n\">{r['sensitive_policies']}</td>"
        f"<td class=\"n\">{r['occurrences']}</td><td>{html.escape(r['examples'])}</td></tr>"
        for r in corpus["categories"])
    return ("<h2>Categories</h2>\n<table><tr><th>category</th><th>sensitive as a whole</th><th>policies</th>"
            "<th>with sensitive items</th><th>occurrences</th><th>examples (table A.1)</th></tr>"
            f"{rows}</table>\n")


CANONICAL_ROWS = 50
SENSITIVE_MARK = '<span class="sensitive">敏感</span>'


def _canonical_table(corpus: dict) -> str:
    """The canonical items (data/canonical.toml) most policies name, with how many."""
    rows = "".join(
        f"<tr><td>{html.escape(r['name'])} <span class=\"head\">{r['id']}</span></td><td>{html.escape(r['category'])}</td>"
        f"<td>{SENSITIVE_MARK if r['sensitive'] else ''}</td>"
        f"<td class=\"n\">{r['policies']}</td><td class=\"n\">{_share(r['share'])}</td></tr>"
        for r in corpus["canonical_items"][:CANONICAL_ROWS])
    share = _share(corpus["coverage"]["items_canonical_share"])
    return (f"<h2>Canonical items</h2>\n<p>{share} of the non-generic item occurrences are a canonical item "
            "(pipeline/data/canonical.toml); the most named:</p>\n<table><tr><th>item</th><th>category</th>"
            f"<th>sensitive</th><th>policies</th><th>share</th></tr>{rows}</table>\n")


def _checklist_table(corpus: dict) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(r['title'])} <span class=\"head\">{r['item']}</span></td>"
        f"<td>{html.escape(r['source'])}</td>"
        + "".join(f'<td class="n">{r[status]}</td>' for status in STATUSES)
        + f"<td class=\"n\">{_share(r['missing_share'])}</td><td class=\"n\">{_share(r['vague_share'])}</td></tr>"
        for r in corpus["checklist"])
    return ("<h2>Disclosure checklist</h2>\n<p>Per item of pipeline/data/checklist.toml, how many policies "
            "state it concretely (present), only in general words (vague), or not at all (missing).</p>\n"
            "<table><tr><th>item</th><th>source</th><th>present</th><th>vague</th><th>missing</th>"
            f"<th>% missing</th><th>% vague</th></tr>{rows}</table>\n")


def _share(value: Optional[float]) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def policy_index(rows: Iterable[Tuple[str, dict]], caption: str = "Policies") -> str:
    """A table of policies: each (link, its row of tables/policies)."""
    body = "".join(
        f'<tr><td><a href="{href}">{html.escape(row["policy"])}</a></td><td class="n">{row["chars"]}</td>'
        f'<td class="n">{row["items"]}</td><td class="n">{row["sensitive_items"]}</td>'
        f'<td class="n">{row["checklist_missing"]}</td></tr>'
        for href, row in rows)
    return (f"<h2>{html.escape(caption)}</h2>\n<table><tr><th>policy</th><th>characters</th><th>data items</th>"
            f"<th>sensitive</th><th>checklist items missing</th></tr>{body}</table>\n")


def standout_tables(lists: Dict[str, List[Tuple[str, str, int]]]) -> str:
    """The policies that stand out: per question, (link, policy, value) rows."""
    if not any(lists.values()):
        return ""
    out = ["<h2>Policies that stand out</h2>\n"]
    for caption, rows in lists.items():
        body = "".join(f'<tr><td><a href="{href}">{html.escape(policy)}</a></td><td class="n">{value}</td></tr>'
                       for href, policy, value in rows)
        out.append(f"<h3>{html.escape(caption)}</h3>\n<table>{body}</table>\n")
    return "".join(out)


def shard_list(shards: Iterable[Tuple[str, int, str, str]]) -> str:
    """Past a few thousand policies the index lists the partitions' own lists: (link, size,
    first policy, last policy) each."""
    body = "".join(f'<tr><td><a href="{href}">{n} policies</a></td><td>{html.escape(first)} … '
                   f"{html.escape(last)}</td></tr>" for href, n, first, last in shards)
    return f"<h2>Policies</h2>\n<table><tr><th>list</th><th>from … to</th></tr>{body}</table>\n"


def policy_section(n: int, f: Found, categories: Categories, checklist: Dict[str, Rule]) -> str:
    """Policy `n`'s section: its items by category, its checklist, its text; anchors `p{n}`."""
    entry = f.entry
    out = [f'<section class="policy" id="p{n}">\n<h2>{html.escape(entry["id"])}</h2>\n']
    groups: Dict[str, List[tuple[dict, List[int]]]] = {}  # category -> (item, its sentences)
    for item, sentences in zip(entry["data_items"], f.sentences):
        groups.setdefault(item["category"], []).append((item, sentences))
    for name in categories.names:
        items = groups.get(name)
        if not items:
            continue
        out.append(f"<h3>{html.escape(name)} ({len(items)})</h3>\n<table><tr><th>item</th><th>count</th>"
                   "<th>actions</th><th>purposes and conditions</th><th>receivers</th><th>sentences</th></tr>")
        for item, sentences in items:
            mark = ' <span class="sensitive" title="sensitive">敏感</span>' if item["sensitive"] else ""
            head = f' <span class="head">({html.escape(item["head"])})</span>' if item["head"] else ""
            kinds = " ".join(f'<span class="kind {k}">{KIND_NAMES[k]}</span>' for k in item["actions"])
            links = " ".join(f'<a href="#p{n}-s{s}">{s + 1}</a>' for s in sentences)
            out.append(f"<tr><td>{html.escape(item['text'])}{head}{mark}</td><td class=\"n\">{item['count']}</td>"
                       f"<td>{kinds}</td><td>{_list(item['purposes'])}</td><td>{_list(item['receivers'])}</td>"
                       f"<td>{links}</td></tr>")
        out.append("</table>\n")
    if entry["set_aside"]:
        sentence = f.practices.segments.sentence
        aside = ", ".join(f'<a href="#p{n}-s{sentence(e["at"][0][0])}">{html.escape(e["text"])}</a> '
                          f'({e["score"]:.2f})' for e in entry["set_aside"])
        out.append(f'<details><summary>set aside by the item filter, as no user\'s data '
                   f'({len(entry["set_aside"])})</summary>\n<p class="aside">{aside}</p>\n</details>\n')
    out.append(_policy_checklist(n, f, checklist))
    out.append(f"<details open><summary>policy text ({entry['chars']} characters)</summary>\n"
               f'<div class="text">{_sentences(n, f)}</div>\n</details>\n</section>\n')
    return "".join(out)


def _policy_checklist(n: int, f: Found, items: Dict[str, Rule]) -> str:
    """The policy's checklist, each item's evidence linked to its sentences in the text below."""
    sentence = f.practices.segments.sentence
    basis = ("the sentence topics" if f.entry["checklist_from"] == "topics"
             else "the words of every sentence")
    rows = []
    for e in f.entry["checklist"]:
        rule = items[e["item"]]
        seen: List[int] = []
        for start, _ in e["evidence"]:
            j = sentence(start)
            if j not in seen:
                seen.append(j)
        links = " ".join(f'<a href="#p{n}-s{j}">{j + 1}</a>' for j in seen)
        rows.append(f"<tr><td>{html.escape(rule.title)}</td><td><span class=\"status {e['status']}\">"
                    f"{e['status']}</span></td><td>{html.escape(rule.source)}</td><td>{links}</td></tr>")
    return (f"<h3>Disclosure checklist</h3>\n<p class=\"head\">decided from {basis}</p>\n<table><tr>"
            f"<th>item</th><th>status</th><th>source</th><th>evidence</th></tr>{''.join(rows)}</table>\n")


def _list(values: List[str], shown: int = 4) -> str:
    parts = [html.escape(v) for v in values[:shown]]
    if len(values) > shown:
        parts.append(f"… {len(values) - shown} more")
    return "<br>".join(parts)


def _sentences(n: int, f: Found) -> str:
    text = f.policy.text
    starts = f.practices.segments.sentences
    bounds = zip(starts, starts[1:] + [len(text)])
    return "".join(f'<span id="p{n}-s{j}">{_escape(text[a:b])}</span>' for j, (a, b) in enumerate(bounds))


def _escape(text: str) -> str:
    # A CR as a reference survives the parser, which turns a literal "\r\n" into "\n".
    return html.escape(text, quote=False).replace("\r", "&#13;")

