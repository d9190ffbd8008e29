"""Shared fixtures: where the CA4P-483 pool lives on this machine."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

# The pool sits next to the repository and is never part of it; PRIVSPAN_CA4P points elsewhere.
DEFAULT_CA4P = Path(__file__).resolve().parents[2] / "shared" / "ca4p483"


@pytest.fixture(scope="session")
def ca4p_dir() -> Path:
    from pipeline.ca4p import is_ca4p_folder

    path = Path(os.environ.get("PRIVSPAN_CA4P") or DEFAULT_CA4P)
    if not is_ca4p_folder(path):
        pytest.skip(f"CA4P-483 pool not found at {path} (set PRIVSPAN_CA4P to its folder)")
    return path
