"""How the report's messages and page count things: "1 policy", "2 policies", "81.4%"."""
from __future__ import annotations

from typing import Optional


def counted(n: int, noun: str, plural: Optional[str] = None) -> str:
    """`n` and the noun, singular for one; `plural` where it is not the noun and an s."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def percent(share: Optional[float]) -> str:
    """A share as a percentage to one place; n/a where there is none."""
    return "n/a" if share is None else f"{share * 100:.1f}%"
