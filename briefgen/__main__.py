"""python -m briefgen, and the briefgen command: Ctrl-C is answered from the first moment.

Importing briefgen's libraries takes a moment; a Ctrl-C or SIGTERM arriving then stops
it with the same message and exit status as one arriving later, instead of a traceback.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

_SIGNALS = (signal.SIGINT, signal.SIGTERM)


def _interrupted(_signum: int, _frame: FrameType | None) -> None:
    try:
        os.write(2, b"briefgen: interrupted\n")
    finally:
        os._exit(130)


def run() -> None:
    starting = {sig: signal.signal(sig, _interrupted) for sig in _SIGNALS}
    from briefgen.cli import main

    for sig, handler in starting.items():
        signal.signal(sig, handler)
    main()


if __name__ == "__main__":
    run()
