"""How many cores this process may use (kept apart so that asking costs no imports)."""

from __future__ import annotations

import os


def workers(count: int) -> int:
    """How many briefs to render at once: the cores this process may use, at most `count`."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    return max(1, min(count, cores))
