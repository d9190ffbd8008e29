"""Shared fixtures: where the CA4P-483 pool lives on this machine."""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import zlib
from pathlib import Path
from typing import Callable, List, Tuple

import pytest


ROOT = Path(__file__).resolve().parents[1]


def _shared(name: str, variable: str, found: Callable[[Path], bool]) -> Path:
    """A dataset beside this checkout (never part of it), or where `variable` points; the
    test skips without it."""
    path = Path(os.environ.get(variable) or ROOT.parent / "shared" / name)
    if not found(path):
        pytest.skip(f"{name} not found at {path} (set {variable} to its folder)")
    return path


@pytest.fixture(scope="session")
def ca4p_dir() -> Path:
    from pipeline.formats.ca4p import is_ca4p_folder

    return _shared("ca4p483", "PRIVSPAN_CA4P", is_ca4p_folder)


@pytest.fixture(scope="session")
def capp_dir() -> Path:
    from pipeline.formats.capp130 import is_capp130

    return _shared("capp130", "PRIVSPAN_CAPP130", is_capp130)


SEED = ROOT / "corpus" / "seed_kuaishou.txt"
# A word jieba splits by default (快手/小店): set as a user word, it shows whether the
# tokenizer's dictionary travels with a trained pipeline.
USER_WORD = "快手小店"


@pytest.fixture(scope="session")
def user_word() -> str:
    """The word the smoke-trained pipeline's tokenizer was given (tiny_model)."""
    return USER_WORD


@pytest.fixture
def run(capsys):
    """run(*argv) -> (exit code, stdout, stderr) of one `privspan` command, as a user runs it."""
    from pipeline.cli import main

    def invoke(*argv: object) -> tuple[int, str, str]:
        code = main([str(a) for a in argv])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


@pytest.fixture(scope="session")
def seed_corpus(tmp_path_factory) -> Path:
    from pipeline.cli import main

    out = tmp_path_factory.mktemp("seed_corpus")
    assert main(["corpus", str(SEED), "--out", str(out), "--dev", "0.2", "--test", "0.1"]) == 0
    return out


@pytest.fixture(scope="session")
def tiny_model(seed_corpus: Path, tmp_path_factory) -> Path:
    """A smoke-trained pipeline: plain `spacy train` on the project's config, no --code."""
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("tiny_model")
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "train", str(ROOT / "configs" / "spancat.cfg"),
         "--output", str(out), "--paths.train", str(seed_corpus / "train.spacy"),
         "--paths.dev", str(seed_corpus / "dev.spacy"), "--training.max_steps", "30",
         "--training.eval_frequency", "10", "--initialize.tokenizer.user_words", f'["{USER_WORD}"]'],
        capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "model-last"


@pytest.fixture
def load_once(monkeypatch):
    """load_once(nlp, module): `module.load_pipeline` gives `nlp`, loaded once, at the
    threshold it was saved with unless the call names one (as `--threshold` does): a fresh
    load's settings, at no cost."""
    from pipeline.annotation.load import span_categorizer
    from pipeline.components.decoder import SpanDecoder

    def patch(nlp, module) -> None:
        spancat = span_categorizer(nlp)
        decoder = next((pipe for _, pipe in nlp.pipeline if isinstance(pipe, SpanDecoder)), None)
        saved = (spancat.cfg["threshold"], decoder.threshold if decoder else None)

        def load(name, threshold=None, decoding=None):
            assert not decoding, "a test that changes the decoder loads its own pipeline"
            spancat.cfg["threshold"] = saved[0]
            if decoder is not None:
                decoder.threshold = saved[1] if threshold is None else threshold
                spancat.cfg["threshold"] = min(decoder.threshold, saved[0])
            elif threshold is not None:
                spancat.cfg["threshold"] = threshold
            return nlp

        monkeypatch.setattr(module, "load_pipeline", load)

    return patch


# Headless Chromium for the tests that look at a page as a person would (marked slow).

class Browser:
    """`run(page, profile, *args)`: Chromium's stdout for a page (`--dump-dom`, `--screenshot=`);
    `ink(png)`: the shares of dark and of strongly coloured pixels of a screenshot."""

    def __init__(self, binary: str) -> None:
        self.binary = binary

    def run(self, page: Path, profile: Path, *args: str) -> str:
        return _browse(self.binary, page, profile, *args)

    def ink(self, png: bytes) -> Tuple[float, float]:
        return _ink(png)


@pytest.fixture
def browser() -> Browser:
    return Browser(_chromium())


def _chromium() -> str:
    """The browser, and a CJK font for it; missing, the test skips, except in CI, which must have them."""
    binary = next(filter(None, map(shutil.which, ("chromium", "chromium-browser", "google-chrome"))), None)
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout \
        if shutil.which("fc-list") else ""
    missing = [what for what, found in (("a chromium binary", binary), ("a CJK font", fonts.strip()))
               if not found]
    if missing:
        message = (f"no {' and no '.join(missing)} (apt-get install chromium fonts-wqy-zenhei)")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


def _browse(binary: str, page: Path, profile: Path, *args: str) -> str:
    result = subprocess.run([binary, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                             f"--user-data-dir={profile}", *args, page.as_uri()],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def _png_pixels(png: bytes) -> Tuple[int, int, List[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit, non-interlaced PNG (what Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data, header = 8, b"", None
    while pos < len(png):
        length, kind = struct.unpack(">I4s", png[pos:pos + 8])
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", png[pos + 8:pos + 21])
        elif kind == b"IDAT":
            data += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    assert depth == 8 and color in (2, 6) and interlace == 0
    size = 3 if color == 2 else 4
    raw, stride = zlib.decompress(data), width * size
    rows, prev = [], bytes(stride)
    for y in range(height):
        kind, row = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride) if kind else ():
            a, b = row[x - size] if x >= size else 0, prev[x]
            c = prev[x - size] if x >= size else 0
            if kind == 1:
                row[x] = (row[x] + a) & 255
            elif kind == 2:
                row[x] = (row[x] + b) & 255
            elif kind == 3:
                row[x] = (row[x] + (a + b) // 2) & 255
            else:
                p = a + b - c
                near = min((abs(p - a), a), (abs(p - b), b), (abs(p - c), c), key=lambda t: t[0])
                row[x] = (row[x] + near[1]) & 255
        rows.append(bytes(row))
        prev = rows[-1]
    return width, height, rows


def _ink(png: bytes) -> Tuple[float, float]:
    """The share of pixels that are not near white, and of those strongly coloured (marks)."""
    width, height, rows = _png_pixels(png)
    size = len(rows[0]) // width
    pixels = [row[x:x + 3] for row in rows for x in range(0, len(row), size)]
    dark = sum(1 for p in pixels if min(p) < 200)
    coloured = sum(1 for p in pixels if max(p) - min(p) > 80)
    return dark / len(pixels), coloured / len(pixels)
