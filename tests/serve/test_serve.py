"""`privspan serve`, started as a user starts it (a subprocess on a free port) and spoken to
over HTTP: the API gives annotate's and report's answers, the Label Studio endpoints answer
the protocol's requests, every bad request is a JSON error and the server goes on."""
from __future__ import annotations

import asyncio
import html
import json
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator, Optional, Tuple

import pytest

from pipeline.annotation.load import load_pipeline
from pipeline.cli import main
from pipeline.formats.labelstudio import label_config
from pipeline.schema import LABELS

SEED = Path(__file__).parents[2] / "corpus" / "seed_kuaishou.txt"
MAX_BYTES = 200_000


class Server:
    def __init__(self, url: str, process: subprocess.Popen, log: Path) -> None:
        self.url, self.process, self.log = url, process, log

    def call(self, path: str, body: Optional[bytes] = None, method: Optional[str] = None,
             headers: Optional[dict] = None) -> Tuple[int, bytes]:
        request = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def json(self, path: str, payload=None, **kwargs) -> Tuple[int, object]:
        body = None if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
        status, data = self.call(path, body, headers={"Content-Type": "application/json"}, **kwargs)
        return status, json.loads(data)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def model(tiny_model: Path, tmp_path_factory) -> Path:
    # threshold 0, saved: the smoke-trained model scores every candidate under 0.01
    out = tmp_path_factory.mktemp("serve") / "model"
    load_pipeline(str(tiny_model), threshold=0.0, decoding={"report_threshold": 0.0}).to_disk(out)
    return out


@pytest.fixture(scope="module")
def server(model: Path, tmp_path_factory) -> Iterator[Server]:
    port = _free_port()
    log = tmp_path_factory.mktemp("serve-log") / "server.log"
    with open(log, "wb") as sink:
        process = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", str(model), "--port", str(port),
                                    "--max-bytes", str(MAX_BYTES), "--max-in-flight", "2"],
                                   stdout=sink, stderr=subprocess.STDOUT)
    served = Server(f"http://127.0.0.1:{port}", process, log)
    for _ in range(300):
        try:
            if served.call("/health")[0] == 200:
                break
        except OSError:
            pass
        assert process.poll() is None, log.read_text(encoding="utf-8")
        time.sleep(0.2)
    yield served
    process.terminate()
    process.wait(timeout=30)


def policies() -> list:
    lines = [line for line in SEED.read_text(encoding="utf-8").splitlines() if len(line) > 40][:12]
    from pipeline.formats.brackets import parse

    return [{"id": f"p{n}", "text": parse(line).text} for n, line in enumerate(lines)]


def annotated_by_cli(model: Path, tmp_path: Path, fmt: str = "jsonl") -> Path:
    source = tmp_path / "in.jsonl"
    source.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in policies()), encoding="utf-8")
    assert main(["annotate", str(model), str(source), "--format", fmt, "--out", str(tmp_path / fmt), "--quiet"]) == 0
    return tmp_path / fmt / ("in.jsonl" if fmt == "jsonl" else "in.json")


def test_annotate_answers_what_annotate_writes(server: Server, model: Path, tmp_path: Path):
    status, answer = server.json("/annotate", policies())
    assert status == 200
    lines = [json.loads(line) for line in annotated_by_cli(model, tmp_path).read_text(encoding="utf-8").splitlines()]
    assert answer == lines
    assert sum(len(line["spans"]) for line in lines) > 10
    # one policy, one record; without an id it is "policy"
    status, one = server.json("/annotate", {"text": policies()[0]["text"]})
    assert status == 200 and one == {**lines[0], "id": "policy"}


def test_report_answers_the_policys_record_of_report_json(server: Server, model: Path, tmp_path: Path):
    annotated = annotated_by_cli(model, tmp_path)
    assert main(["report", str(annotated), "--out", str(tmp_path / "report")]) == 0
    # the command's per-policy records: a line each of policies.jsonl (report.json holds the corpus)
    with (tmp_path / "report" / "policies.jsonl").open(encoding="utf-8") as lines:
        expected = [json.loads(line) for line in lines]
    status, answer = server.json("/report", policies())
    assert status == 200 and answer == expected
    assert any(policy["data_items"] for policy in answer)


# Label Studio's requests as its api_connector.py sends them (label-studio-ml-backend's protocol)
def setup_request(config: str) -> dict:
    return {"project": "3.1733560000", "schema": config, "hostname": "http://localhost:8080",
            "access_token": "0123456789abcdef", "extra_params": None}


def predict_request(config: str, field: str = "text") -> dict:
    return {"tasks": [{"id": 100 + n, "data": {field: p["text"]}, "meta": {}, "created_at": "2026-12-07T03:00:00Z",
                       "annotations": [], "predictions": [], "project": 3} for n, p in enumerate(policies())],
            "project": "3.1733560000", "label_config": config,
            "params": {"login": None, "password": None, "context": None}}


def test_label_studio_connects_and_gets_annotates_predictions(server: Server, model: Path, tmp_path: Path):
    status, health = server.json("/health")
    assert status == 200 and health["status"] == "UP"
    config = label_config(LABELS)  # what select and annotate write beside their tasks
    status, setup = server.json("/setup", setup_request(config))
    assert status == 200 and setup["model_version"]
    status, answer = server.json("/predict", predict_request(config))
    assert status == 200
    tasks = json.loads(annotated_by_cli(model, tmp_path, "labelstudio").read_text(encoding="utf-8"))
    expected = [task["predictions"][0] for task in tasks]

    def regions(prediction):
        return [(r["from_name"], r["to_name"], r["type"], r["value"], r["score"]) for r in prediction["result"]]

    assert len(answer["results"]) == len(expected)
    assert [regions(p) for p in answer["results"]] == [regions(p) for p in expected]
    assert all(p["model_version"] == setup["model_version"] for p in answer["results"])

    # a project's own config: its tag names and data field are the ones answered
    own = ('<View><Text name="doc" value="$content"/><Labels name="marks" toName="doc">'
           '<Label value="DATA"/><Label value="ACTION"/></Labels></View>')
    status, answer = server.json("/predict", predict_request(own, field="content"))
    assert status == 200
    found = [r for p in answer["results"] for r in p["result"]]
    assert found and {(r["from_name"], r["to_name"]) for r in found} == {("marks", "doc")}
    assert {r["value"]["labels"][0] for r in found} <= {"DATA", "ACTION"}
    status, hook = server.json("/webhook", {"action": "ANNOTATION_CREATED", "project": {"id": 3}})
    assert status == 200


BAD = [
    ("/annotate", b'{"text": ""}', 422, "empty text"),
    ("/annotate", b'{"text": "   "}', 422, "empty text"),
    ("/annotate", b"[]", 422, "empty list"),
    ("/annotate", b'{"id": "a"}', 422, '"text"'),
    ("/annotate", b'[{"text": "ok"}, {"text": 3}]', 422, "item 1"),
    ("/annotate", b'{"text": "ok", "id": true}', 422, '"id"'),
    ("/annotate", b'{"text": "unclosed', 400, "invalid JSON"),
    ("/annotate", "{\"text\": \"隐私\"}".encode("gb18030"), 400, "not UTF-8"),
    ("/annotate", b"", 400, "empty body"),
    ("/report", b"{bad", 400, "invalid JSON"),
    ("/predict", b'{"tasks": []}', 422, "labelling config"),
    ("/predict", json.dumps({"tasks": [], "label_config": label_config(LABELS)}).encode(), 422, "tasks"),
    ("/predict", json.dumps({"tasks": [{"data": {}}], "label_config": label_config(LABELS)}).encode(), 422,
     'data["text"]'),
    ("/setup", b'{"schema": "<View><Labels"}', 422, "not XML"),
    ("/setup", b'{"schema": "<View></View>"}', 422, "no <Labels>"),
    ("/setup", b"[1]", 422, "JSON object"),
]


@pytest.mark.parametrize("path,body,status,says", BAD, ids=[f"{p}:{s}" for p, _, _, s in BAD])
def test_a_bad_request_is_a_json_error_and_the_server_goes_on(server: Server, path, body, status, says):
    got, data = server.call(path, body, headers={"Content-Type": "application/json"})
    assert got == status and says in json.loads(data)["error"], data
    assert server.json("/health")[0] == 200


def test_limits_and_wrong_endpoints_are_json_errors_too(server: Server):
    big = json.dumps({"text": "隐" * MAX_BYTES}).encode("utf-8")
    assert server.call("/annotate", big, headers={"Content-Type": "application/json"})[0] == 413

    def chunks():
        for _ in range(MAX_BYTES // 1000 + 2):
            yield b"x" * 1000

    # without a Content-Length, counted as it comes
    status, data = server.call("/annotate", chunks(), headers={"Content-Type": "application/json"})
    assert status == 413 and "limit" in json.loads(data)["error"]
    for path, method, status in [("/nowhere", "GET", 404), ("/annotate", "GET", 405), ("/etc/passwd", "GET", 404)]:
        got, data = server.call(path, method=method)
        assert got == status and "error" in json.loads(data)
    assert server.json("/openapi.json")[1]["paths"].keys() >= {"/annotate", "/report", "/predict", "/setup"}
    assert server.json("/health")[0] == 200


def test_no_policy_text_reaches_the_log(server: Server):
    secret = "我们收集您的指纹与虹膜信息用于登录验证"
    assert server.json("/annotate", {"text": secret})[0] == 200
    assert server.call("/annotate", json.dumps({"text": secret}).encode() + b"}")[0] == 400
    time.sleep(0.5)
    log = server.log.read_text(encoding="utf-8", errors="replace")
    assert "POST /annotate" in log and "指纹" not in log and "\\u6307" not in log


def test_the_model_runs_one_request_at_a_time_and_a_burst_past_the_bound_is_refused():
    from pipeline.serve.limits import ModelGate, Refused

    gate = ModelGate(max_in_flight=2)
    order = []

    def work(n):
        order.append(("start", n))
        time.sleep(0.2)
        order.append(("end", n))
        return n

    async def burst():
        return await asyncio.gather(*(gate.run(work, n) for n in range(3)), return_exceptions=True)

    results = asyncio.run(burst())
    assert results[:2] == [0, 1] and isinstance(results[2], Refused) and results[2].status == 503
    assert order == [("start", 0), ("end", 0), ("start", 1), ("end", 1)]  # never two at once


def _form_page(server: Server, text: str, tmp_path: Path) -> Path:
    """The server's own form with `text` pasted in, submitted as the page loads."""
    status, form = server.call("/")
    assert status == 200
    page = form.decode("utf-8").replace('action="/view"', f'action="{server.url}/view"')
    page = page.replace("></textarea>", f">{html.escape(text)}</textarea>")
    page = page.replace("</body>", "<script>document.forms[0].submit()</script></body>")
    path = tmp_path / "pasted.html"
    path.write_text(page, encoding="utf-8")
    return path


@pytest.mark.slow
def test_a_pasted_policy_comes_back_marked_in_a_real_browser(server: Server, browser, tmp_path: Path):
    text = "\n".join(p["text"] for p in policies()[:4]) + "\n<b>&amp; 不是标记</b>"
    dom = browser.run(_form_page(server, text, tmp_path), tmp_path / "profile", "--virtual-time-budget=20000",
                      "--dump-dom")
    assert '<mark class="span"' in dom and "Data items (" in dom and "download=" in dom
    # the text area's text, as the DOM holds it (the marks' labels are CSS, not text)
    inner = re.search(r'<div class="text"[^>]*>(.*?)</div>', dom, re.DOTALL).group(1)
    assert html.unescape(re.sub(r"<[^>]+>", "", inner)) == text


@pytest.mark.slow
def test_the_serve_benchmark_prints_its_figures(tiny_model: Path, capsys):
    assert main(["benchmark", str(tiny_model), str(SEED), "--serve", "--limit-chars", "2000"]) == 0
    out = capsys.readouterr().out
    for figure in ("annotate in-process", "serve, 1 client(s)", "serve, 8 client(s)", "requests/s",
                   "95th percentile", "after 1,000"):
        assert figure in out, out


def test_the_result_page_lists_risky_sentences_escaped_when_the_pipeline_has_topics():
    from pipeline.records import Document, Span
    from pipeline.serve.page import result

    text = "我们收集<b>信息。第三方可能获取您的数据。"
    doc = Document("p", text, [], {}, topics={Span(0, 10, "COLLECTION"): 0.9, Span(10, len(text), "RISK"): 0.7})
    page = result(doc, {"data_items": []}, [])
    assert "Risky sentences (1)" in page and "<li class=\"sensitive\">第三方可能获取您的数据。</li>" in page
    assert "<b>" not in page and "&lt;b&gt;" in page
    assert "Risky sentences" not in result(Document("p", text, [], {}), {"data_items": []}, [])
