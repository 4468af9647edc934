"""SOURCE_DATE_EPOCH: the moment a reproducible build says it was made, and "today"."""

from __future__ import annotations

import os
import re

from briefgen.errors import quoted

LAST_EPOCH = 253_402_300_799  # 9999-12-31T23:59:59Z, the last date a PDF can carry


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH in seconds, None when unset; ValueError saying what to set otherwise."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not raw.strip():
        return None
    if re.fullmatch(r"[0-9]{1,12}", raw.strip()) and int(raw) <= LAST_EPOCH:
        return int(raw)
    raise ValueError(
        f"the environment variable SOURCE_DATE_EPOCH is {quoted(raw)}, which is not a whole "
        f"number of seconds since 1970-01-01 between 0 and {LAST_EPOCH} (the end of 9999); "
        "set it to a plain integer such as SOURCE_DATE_EPOCH=1700000000, or unset it"
    )
