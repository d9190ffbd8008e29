"""The report as Parquet tables (`tables/` in `--out`): one row per policy, one per policy
and data item and one per policy and checklist item, typed (lists stay lists, offsets stay numbers), for DuckDB, pandas or
`datasets` to query across an app store (docs/report.md shows the questions as queries)."""
from __future__ import annotations

from pathlib import Path
from typing import List

import pyarrow as pa
import pyarrow.parquet as pq

from .categories import Categories
from .practices import COLLECT, SHARE

POLICIES = pa.schema([("policy", pa.string()), ("chars", pa.int64()), ("items", pa.int32()),
                      ("sensitive_items", pa.int32()), ("collect", pa.int32()), ("share", pa.int32()),
                      ("categories", pa.map_(pa.string(), pa.int32()))])
DATA_ITEMS = pa.schema([("policy", pa.string()), ("item", pa.string()), ("head", pa.string()),
                        ("category", pa.string()), ("sensitive", pa.bool_()), ("count", pa.int32()),
                        ("actions", pa.list_(pa.string())), ("purposes", pa.list_(pa.string())),
                        ("receivers", pa.list_(pa.string())), ("at", pa.list_(pa.list_(pa.int64())))])
CHECKLIST = pa.schema([("policy", pa.string()), ("item", pa.string()), ("status", pa.string()),
                       ("evidence", pa.list_(pa.list_(pa.int64())))])
TABLES = ("policies.parquet", "data_items.parquet", "checklist.parquet")


def write_tables(report: dict, folder: Path, categories: Categories) -> List[Path]:
    """`policies.parquet`, `data_items.parquet` and `checklist.parquet` in `folder`; their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    policies, items, checks = [], [], []
    for policy in report["policies"]:
        found = policy["data_items"]
        policies.append({"policy": policy["id"], "chars": policy["chars"], "items": len(found),
                         "sensitive_items": sum(e["sensitive"] for e in found),
                         "collect": sum(COLLECT in e["actions"] for e in found),
                         "share": sum(SHARE in e["actions"] for e in found),
                         "categories": [(name, policy["categories"][name]) for name in categories.names
                                        if name in policy["categories"]]})
        items.extend({"policy": policy["id"], "item": e["text"], "head": e["head"], "category": e["category"],
                      "sensitive": bool(e["sensitive"]), "count": e["count"], "actions": e["actions"],
                      "purposes": e["purposes"], "receivers": e["receivers"], "at": e["at"]} for e in found)
        checks.extend({"policy": policy["id"], **e} for e in policy["checklist"])
    paths = [folder / name for name in TABLES]
    pq.write_table(pa.Table.from_pylist(policies, schema=POLICIES), paths[0])
    pq.write_table(pa.Table.from_pylist(items, schema=DATA_ITEMS), paths[1])
    pq.write_table(pa.Table.from_pylist(checks, schema=CHECKLIST), paths[2])
    return paths
