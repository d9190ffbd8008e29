"""`privspan assets`: weasel's asset fetch, after checking in seconds that the hosts answer.

`weasel assets` on a machine without network waits for git's own time-out and then fails,
which stops a workflow. A first run should instead say at once that the data cannot be had
and go on with what ships in the project.
"""
from __future__ import annotations

import argparse
import socket
from pathlib import Path
from typing import Optional, Set, Tuple
from urllib.parse import urlsplit

from ._common import HelpFormatter

PORTS = {"https": 443, "http": 80, "ssh": 22, "git": 9418}


def add_to(commands: argparse._SubParsersAction) -> None:
    assets = commands.add_parser("assets", help="fetch the project's assets (weasel assets), or say at "
                                 "once that their hosts cannot be reached", formatter_class=HelpFormatter)
    assets.add_argument("project", nargs="?", default=".", help="the weasel project folder (project.yml)")
    assets.add_argument("--skip-if", action="append", default=[], metavar="PATH",
                        help="fetch nothing when this file or folder exists (the data is already "
                             "there); repeated, when every one exists")
    assets.add_argument("--timeout", type=float, default=5.0,
                        help="seconds to wait for each host to answer")
    assets.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from weasel.cli.assets import project_assets
    from weasel.util import load_project_config

    if args.skip_if and all(Path(path).exists() for path in args.skip_if):
        print(f"{' and '.join(args.skip_if)} {'is' if len(args.skip_if) == 1 else 'are'} there: no assets fetched")
        return 0
    project = Path(args.project)
    config = load_project_config(project)
    for host, port in sorted(_hosts(config)):
        reason = _unreachable(host, port, args.timeout)
        if reason:
            print(f"note: {host} cannot be reached ({reason}): no assets fetched; the workflow goes on "
                  "without them")
            return 0
    for asset in config.get("assets", []):
        # weasel's git checkout wants the destination's parent to exist already
        (project / asset["dest"]).parent.mkdir(parents=True, exist_ok=True)
    project_assets(project)
    return 0


def _hosts(config: dict) -> Set[Tuple[str, int]]:
    urls = [asset["git"]["repo"] if "git" in asset else asset.get("url", "")
            for asset in config.get("assets", [])]
    found = set()
    for url in urls:
        parts = urlsplit(url)
        # file:// and local paths have no host to wait for
        if parts.hostname and parts.scheme in PORTS:
            found.add((parts.hostname, parts.port or PORTS[parts.scheme]))
    return found


def _unreachable(host: str, port: int, timeout: float) -> Optional[str]:
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return None
    except socket.timeout:
        return f"no answer in {timeout:g} s"
    except OSError as err:
        return err.strerror or type(err).__name__
