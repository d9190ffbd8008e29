"""`privspan benchmark --serve`: the server against `annotate` on the same texts, in the same
run: requests a second and latency at 1 and 8 concurrent clients (a request holds one
paragraph of the texts, at most REQUESTS of them), and the server's memory after 1,000
requests against after 10."""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, List, Sequence

from spacy.language import Language

from ..annotation.predict import annotate
from ..records import Document

CLIENTS = (1, 8)
MEMORY_REQUESTS = (10, 1000)
REQUESTS = 400


def serve_benchmark(model: str, nlp: Language, policies: Sequence[str], say: Callable[[str], None],
                    fail: Callable[[str], None]) -> bool:
    """Measure and `say` each figure; False, after `fail` heard why, if the server did not start."""
    texts = [line for text in policies for line in text.split("\n") if line.strip()][:REQUESTS]
    say(f"requests: {len(texts)} paragraphs of the texts, {sum(map(len, texts)):,} characters")
    start = time.perf_counter()
    for n, text in enumerate(texts):
        list(annotate(nlp, [Document(str(n), text)]))
    alone = time.perf_counter() - start
    say(f"{'annotate in-process':<25}: {len(texts) / alone:10.1f} texts/s  (one at a time, as requests come)")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    # every client may wait its turn: the bound on requests in flight is not what is measured
    server = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", model, "--port", str(port),
                               "--max-in-flight", "64"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        if not _started(url, server):
            fail(f"privspan benchmark: error: the server did not start (exit {server.poll()})")
            return False
        _post(url, texts[0])  # its first request loads jieba's dictionary
        for clients in CLIENTS:
            latencies: List[float] = []
            start = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                latencies = list(pool.map(lambda text: _post(url, text), texts))
            wall = time.perf_counter() - start
            latencies.sort()
            say(f"{f'serve, {clients} client(s)':<25}: {len(texts) / wall:10.1f} requests/s "
                f"({len(texts) / wall / (len(texts) / alone):.2f}x annotate in-process); latency "
                f"median {_at(latencies, 0.5) * 1000:.0f} ms, 95th percentile {_at(latencies, 0.95) * 1000:.0f} ms")
        sizes = {}
        done = 0
        for target in MEMORY_REQUESTS:
            while done < target:
                _post(url, texts[done % len(texts)])
                done += 1
            sizes[target] = _rss_mb(server.pid)
        few, many = MEMORY_REQUESTS
        say(f"{'server memory':<25}: {sizes[few]:,.0f} MB after {few} requests, {sizes[many]:,.0f} MB after "
            f"{many:,} ({sizes[many] / sizes[few]:.2f}x)")
    finally:
        server.terminate()
        server.wait(timeout=30)
    return True


def _started(url: str, server: subprocess.Popen) -> bool:
    for _ in range(600):
        if server.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as response:
                if response.status == 200:
                    return True
        except OSError:
            time.sleep(0.2)
    return False


def _post(url: str, text: str) -> float:
    body = json.dumps({"text": text}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(url + "/annotate", data=body, headers={"Content-Type": "application/json"})
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=600) as response:
        response.read()
    return time.perf_counter() - start


def _at(values: List[float], share: float) -> float:
    return values[min(int(share * len(values)), len(values) - 1)]


def _rss_mb(pid: int) -> float:
    """The process's resident memory now (Linux's /proc)."""
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")
