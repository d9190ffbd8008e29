"""How the report's messages and page count things: "1 policy", "2 policies"."""
from __future__ import annotations

from typing import Optional


def counted(n: int, noun: str, plural: Optional[str] = None) -> str:
    """`n` and the noun, singular for one; `plural` where it is not the noun and an s."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
