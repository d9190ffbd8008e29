"""The ASGI app of `privspan serve`: the pipeline loaded once, and

- `/` a page to paste or upload a policy and see it marked, with its data items;
- `POST /annotate` and `POST /report`: what a line of `annotate --format jsonl` holds and the
  policy's record of `report.json`, for one `{"text"}` / `{"id", "text"}` or a list of them;
- `/health`, `/setup`, `/predict`: the endpoints Label Studio calls on a connected model
  (labelstudio.py);
- `/openapi.json` and `/docs`, FastAPI's own.

No endpoint reads or writes the server's files, and no policy text goes to the log.
"""
from __future__ import annotations

from pathlib import Path
from dataclasses import replace
from typing import Any, List, Optional

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel, Field
from spacy.language import Language

from ..annotation.inputs import BY_SUFFIX, text_documents
from ..annotation.predict import annotate
from ..files import decode
from ..formats import jsonl
from ..problems import InputError
from ..records import Document
from ..report.build import report_policy
from ..report.categories import load
from ..report.item_filter import ItemFilter
from ..report.practices import load_verbs
from ..report.sources import for_report
from . import MAX_BYTES, MAX_IN_FLIGHT, labelstudio, page
from .limits import BodyLimit, ModelGate, Refused, error, parse_json

# the formats a page upload may be: annotate's text formats (Parquet is a job's input)
UPLOADS = tuple(suffix for suffix, f in BY_SUFFIX.items() if f.name != "parquet")


class Policy(BaseModel):
    """A policy to read: its text, and an id to name it by (`policy` if none)."""

    id: Optional[str] = None
    text: str = Field(min_length=1)


def _body_schema() -> dict:
    one = Policy.model_json_schema()
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": {"anyOf": [one, {"type": "array", "items": one}]}}}}}


def create_app(nlp: Language, *, max_bytes: int = MAX_BYTES, max_in_flight: int = MAX_IN_FLIGHT,
               model_version: str = "privspan") -> FastAPI:
    """The app over a loaded pipeline."""
    app = FastAPI(title="privspan", summary="Who collects which personal data, how and why, "
                  "in Chinese privacy policies", version=model_version)
    gate = ModelGate(max_in_flight)
    categories, verbs, item_filter = load(), load_verbs(), ItemFilter.load()

    def annotated(policies: List[Document]) -> List[Document]:
        return list(annotate(nlp, policies))

    def reported(policies: List[Document]) -> List[dict]:
        return [report_policy(for_report(doc), categories, verbs, item_filter=item_filter).entry
                for doc in annotated(policies)]

    @app.exception_handler(Refused)
    async def refused(request: Request, err: Refused) -> JSONResponse:
        return error(err.status, err.message)

    @app.exception_handler(404)
    async def not_found(request: Request, err: Exception) -> JSONResponse:
        return error(404, f"no such endpoint: {request.method} {request.url.path}")

    @app.exception_handler(405)
    async def not_allowed(request: Request, err: Exception) -> JSONResponse:
        return error(405, f"{request.url.path} does not take {request.method}")

    @app.post("/annotate", openapi_extra=_body_schema())
    async def annotate_route(request: Request) -> Any:
        """The record `annotate --format jsonl` writes for each policy: `id`, `text`, `spans`
        (with scores) and `report` (the spans the report reads); a list for a list."""
        policies, many = _policies(parse_json(await request.body()))
        found = [jsonl.record(doc) for doc in await gate.run(annotated, policies)]
        return found if many else found[0]

    @app.post("/report", openapi_extra=_body_schema())
    async def report_route(request: Request) -> Any:
        """The policy's record of `report.json` (its data items with category, sensitivity,
        actions, purposes and receivers); a list for a list."""
        policies, many = _policies(parse_json(await request.body()))
        found = await gate.run(reported, policies)
        return found if many else found[0]

    @app.get("/", response_class=HTMLResponse)
    async def form() -> str:
        """The page: paste a policy or upload a file."""
        return page.form(UPLOADS, max_bytes)

    @app.post("/view", response_class=HTMLResponse)
    async def view(request: Request) -> HTMLResponse:
        """The policy marked as `annotate --format html` shows it, with its data items by
        category, and its JSON to download."""
        policy = await _posted(request)
        (doc,) = await gate.run(annotated, [policy])
        entry = report_policy(for_report(doc), categories, verbs, item_filter=item_filter).entry
        return HTMLResponse(page.result(doc, entry, categories.names))

    labelstudio.add_routes(app, gate, annotated, model_version)
    app.add_middleware(BodyLimit, max_bytes=max_bytes)
    return app


def _policies(data: Any) -> tuple[List[Document], bool]:
    """The policies of a request's JSON, and whether it was a list; a Refused (422) naming
    the first bad one."""
    many = isinstance(data, list)
    items = data if many else [data]
    if many and not items:
        raise Refused(422, "an empty list: send at least one {\"text\"}")
    policies = []
    for n, item in enumerate(items):
        where = f"item {n}: " if many else ""
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise Refused(422, f'{where}needs a "text" (a string), and may have an "id"')
        doc_id = item.get("id", "policy" if not many else f"policy-{n}")
        if not isinstance(doc_id, (str, int)) or isinstance(doc_id, bool):
            raise Refused(422, f'{where}"id" must be a string or a number')
        if not item["text"].strip():
            raise Refused(422, f"{where}empty text: nothing to annotate")
        policies.append(Document(str(doc_id), item["text"], source="request"))
    return policies, many


async def _posted(request: Request) -> Document:
    """The policy of the page's form: an uploaded file if one was chosen, else the pasted text."""
    form = await request.form()
    upload = form.get("file")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        name = Path(upload.filename).name
        if not name.lower().endswith(UPLOADS):
            raise Refused(415, f"{name}: not a format the page reads ({', '.join(UPLOADS)})")
        try:
            content, _ = decode(await upload.read(), name)
        except InputError as err:
            raise Refused(400, str(err)) from None
        problems: List[str] = []
        docs = [d for d in text_documents(Path(name), content, problems.append) if d.text.strip()]
        if problems or len(docs) != 1:
            raise Refused(422, problems[0] if problems else f"{name}: {len(docs)} documents with text: "
                          "the page shows one (POST /annotate takes a list)")
        return replace(docs[0], source="upload")
    text = form.get("text")
    if not isinstance(text, str) or not text.strip():
        raise Refused(422, "empty text: paste a policy or choose a file")
    return Document("policy", text.replace("\r\n", "\n"), source="request")

