"""`privspan serve`: the pipeline loaded once, behind a page, an API and a Label Studio ML backend."""
from __future__ import annotations

import argparse

from ._common import HelpFormatter, at_least


def add_to(commands: argparse._SubParsersAction) -> None:
    from ..serve import MAX_BYTES, MAX_IN_FLIGHT

    serve = commands.add_parser("serve", help="a page, an API and a Label Studio ML backend over one model",
                                formatter_class=HelpFormatter,
                                description="Serve MODEL over HTTP: / (a page), POST /annotate, POST /report, "
                                            "/health, /setup, /predict (Label Studio), /docs (the OpenAPI schema).")
    serve.add_argument("model", help="a trained pipeline folder or an installed package")
    serve.add_argument("--host", default="127.0.0.1", help="the address to listen on (0.0.0.0: every interface)")
    serve.add_argument("--port", type=at_least(0), default=8000, help="the port (0: any free one)")
    serve.add_argument("--max-bytes", type=at_least(1), default=MAX_BYTES,
                       help="the largest request body accepted (413 above)")
    serve.add_argument("--max-in-flight", type=at_least(1), default=MAX_IN_FLIGHT,
                       help="requests running or waiting for the model at once (503 above)")
    serve.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import sys

    import uvicorn

    from ..annotation.load import load_pipeline
    from ..serve.app import create_app

    nlp = load_pipeline(args.model)
    version = f"{nlp.meta.get('name', 'pipeline')}-{nlp.meta.get('version', '0')}"
    app = create_app(nlp, max_bytes=args.max_bytes, max_in_flight=args.max_in_flight, model_version=version)
    print(f"serving {args.model} ({version})", file=sys.stderr, flush=True)
    # the access log names method, path and status; no request body is ever logged
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", access_log=True)
    return 0
