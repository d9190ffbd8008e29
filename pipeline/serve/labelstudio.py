"""The endpoints Label Studio calls on a connected model, as label-studio-ml-backend defines
them (label_studio_ml/api.py): `GET /health`, `POST /setup`, `POST /predict`, `POST /webhook`,
`GET /metrics`. Label Studio checks `/health` and `/setup` when the model is connected and
before each batch of predictions, then sends `/predict` `{"tasks", "label_config", "project",
"params"}` and reads `{"results": [one prediction per task]}`, each as `annotate --format
labelstudio` writes its predictions. The names in a prediction (`from_name`, `to_name`, the
task's text field) are the project's labelling config's, so a config written by `select`
or `annotate` and one made by hand both work; spans of a label the config lacks are left out.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any, Callable, List

from fastapi import FastAPI, Request

from ..formats import labelstudio
from ..records import Document
from .limits import ModelGate, Refused, parse_json


@dataclass(frozen=True)
class Config:
    """What a labelling config says predictions must name: its <Labels> and <Text> tags, the
    task's data field the text is in, and the labels it has."""

    from_name: str
    to_name: str
    field: str
    labels: frozenset


def config_of(label_config: Any) -> Config:
    """The first <Labels> over a <Text> of a labelling config; a Refused (422) if none."""
    if not isinstance(label_config, str) or not label_config.strip():
        raise Refused(422, "no labelling config (label_config or schema)")
    try:
        root = ET.fromstring(label_config)
    except ET.ParseError as err:
        raise Refused(422, f"the labelling config is not XML: {err}") from None
    texts = {t.get("name"): t.get("value", "") for t in root.iter("Text")}
    for labels in root.iter("Labels"):
        to_name = labels.get("toName")
        if labels.get("name") and to_name in texts and texts[to_name].startswith("$"):
            return Config(labels.get("name"), to_name, texts[to_name][1:],
                          frozenset(label.get("value") for label in labels.iter("Label")))
    raise Refused(422, 'the labelling config has no <Labels> over a <Text value="$field"> '
                       "(as the one select and annotate write: label_config.xml)")


def add_routes(app: FastAPI, gate: ModelGate, annotated: Callable[[List[Document]], List[Document]],
               model_version: str) -> None:

    @app.get("/health")
    async def health() -> dict:
        """Up, and which model answers (Label Studio checks it before every batch)."""
        return {"status": "UP", "model_class": "privspan", "model_version": model_version}

    @app.get("/metrics")
    async def metrics() -> dict:
        return {}

    @app.post("/setup")
    async def setup(request: Request) -> dict:
        """Label Studio sends the project's labelling config (`schema`); the answer names the model."""
        data = _object(parse_json(await request.body()))
        config_of(data.get("schema"))
        return {"model_version": model_version}

    @app.post("/predict")
    async def predict(request: Request) -> dict:
        """One prediction per task, in the tasks' order."""
        data = _object(parse_json(await request.body()))
        config = config_of(data.get("label_config"))
        tasks = data.get("tasks")
        if not isinstance(tasks, list) or not tasks:
            raise Refused(422, '"tasks" must be a non-empty list')
        docs = []
        for n, task in enumerate(tasks):
            text = task.get("data", {}).get(config.field) if isinstance(task, dict) and \
                isinstance(task.get("data"), dict) else None
            if not isinstance(text, str):
                raise Refused(422, f'tasks[{n}]: no text in data["{config.field}"] (the field of the '
                                   f'config\'s <Text name="{config.to_name}">)')
            docs.append(Document(str(task.get("id", n)), text, source="request"))
        # an empty text has no spans, but still its (empty) prediction
        found = {n: doc for n, doc in zip((n for n, d in enumerate(docs) if d.text.strip()),
                                          await gate.run(annotated, [d for d in docs if d.text.strip()]))}
        return {"results": [_prediction(found.get(n, doc), config, model_version) for n, doc in enumerate(docs)]}

    @app.post("/webhook")
    async def webhook(request: Request) -> dict:
        """Label Studio posts its project's events here; privspan learns from exports, not
        from single annotations (docs/loop.md), so each is acknowledged and left."""
        data = _object(parse_json(await request.body()))
        return {"status": "ignored", "action": str(data.get("action", ""))}


def _object(data: Any) -> dict:
    if not isinstance(data, dict):
        raise Refused(422, "the body must be a JSON object")
    return data


def _prediction(doc: Document, config: Config, model_version: str) -> dict:
    scores = doc.scores or {}
    kept = [s for s in doc.spans if s.label in config.labels]
    task = labelstudio.write(Document(doc.id, doc.text, kept, {s: scores.get(s, 0.0) for s in kept}),
                             model_version, config.from_name, config.to_name)
    return task["predictions"][0]


