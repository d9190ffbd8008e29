"""The report as Parquet tables (`tables/` in `--out`, a folder per table and a file per
partition of the job): one row per policy, one per policy and data item and one per policy and
checklist item, typed (lists stay lists, offsets stay numbers), for DuckDB, pandas or
`datasets` to query across an app store (docs/report.md shows the questions as queries)."""
from __future__ import annotations

from pathlib import Path
from typing import List, Sequence

import pyarrow as pa
import pyarrow.parquet as pq

from .categories import Categories
from .practices import COLLECT, SHARE

POLICIES = pa.schema([("policy", pa.string()), ("chars", pa.int64()), ("items", pa.int32()),
                      ("sensitive_items", pa.int32()), ("collect", pa.int32()), ("share", pa.int32()),
                      ("categories", pa.map_(pa.string(), pa.int32())), ("checklist_missing", pa.int32())])
# `key`: the item as items are compared (normalised, 您的/上述 off): what the corpus counts by
DATA_ITEMS = pa.schema([("policy", pa.string()), ("item", pa.string()), ("key", pa.string()),
                        ("canonical", pa.string()), ("head", pa.string()),
                        ("category", pa.string()), ("sensitive", pa.bool_()), ("count", pa.int32()),
                        ("actions", pa.list_(pa.string())), ("purposes", pa.list_(pa.string())),
                        ("receivers", pa.list_(pa.string())), ("at", pa.list_(pa.list_(pa.int64())))])
CHECKLIST = pa.schema([("policy", pa.string()), ("item", pa.string()), ("status", pa.string()),
                       ("evidence", pa.list_(pa.list_(pa.int64())))])
TABLES = ("policies", "data_items", "checklist")


def write_tables(entries: Sequence[dict], folder: Path, shard: str, categories: Categories) -> List[Path]:
    """The policies' rows as `{table}/{shard}.parquet` in `folder`, each table's file; their paths."""
    policies, items, checks = [], [], []
    for policy in entries:
        found = policy["data_items"]
        policies.append({"policy": policy["id"], "chars": policy["chars"], "items": len(found),
                         "sensitive_items": sum(e["sensitive"] for e in found),
                         "collect": sum(COLLECT in e["actions"] for e in found),
                         "share": sum(SHARE in e["actions"] for e in found),
                         "categories": [(name, policy["categories"][name]) for name in categories.names
                                        if name in policy["categories"]],
                         "checklist_missing": sum(e["status"] == "missing" for e in policy["checklist"])})
        items.extend({"policy": policy["id"], "item": e["text"], "key": categories.core(e["text"]),
                      "canonical": e["canonical"], "head": e["head"], "category": e["category"],
                      "sensitive": bool(e["sensitive"]), "count": e["count"], "actions": e["actions"],
                      "purposes": e["purposes"], "receivers": e["receivers"], "at": e["at"]} for e in found)
        checks.extend({"policy": policy["id"], **e} for e in policy["checklist"])
    paths = [folder / name / f"{shard}.parquet" for name in TABLES]
    for path, rows, schema in zip(paths, (policies, items, checks), (POLICIES, DATA_ITEMS, CHECKLIST)):
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), path)
    return paths
