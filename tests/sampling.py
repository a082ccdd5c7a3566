"""Parameters of which the default suite runs a few and the slow suite the rest.

For checks that run once per shipped file with an external validator: every file is checked in
CI (the slow suite runs too), and the default suite keeps its time by checking a spread of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest


def spread(values: Sequence[Any], keep: int = 4, ids: Any = None) -> list[Any]:
    """``values`` as parameters, every len/keep-th one in the default suite, the others slow."""
    step = max(1, len(values) // keep)
    out = []
    for i, v in enumerate(values):
        marks = () if i % step == 0 else (pytest.mark.slow,)
        name = ids(v) if callable(ids) else None
        out.append(pytest.param(v, marks=marks, id=name))
    return out
