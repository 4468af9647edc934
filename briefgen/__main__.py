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
    # a signal the caller set to be ignored (a job in the background, nohup) stays ignored
    starting = {
        sig: signal.signal(sig, _interrupted)
        for sig in _SIGNALS
        if signal.getsignal(sig) is not signal.SIG_IGN
    }
    # a signal mask is inherited, not chosen: one left blocking Ctrl-C by whatever started
    # briefgen (a supervisor, a test runner) would leave a preview server deaf to it
    signal.pthread_sigmask(signal.SIG_UNBLOCK, starting)
    import sys

    from briefgen import ahead

    ahead.early(sys.argv[1:])  # a build's render child starts loading on the other core now
    from briefgen.cli import main

    for sig, handler in starting.items():
        signal.signal(sig, handler)
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 1
    finally:
        ahead.close_early()
    _leave(code)


def _leave(code: int) -> None:
    """End the process once what it printed is written. Every child process, thread and
    temporary folder briefgen started is already stopped and removed by then, so the
    interpreter's own teardown (freeing every module, about an eighth of a Markdown build)
    is skipped."""
    import sys

    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe: nothing more can be said there
            code = code or 1
    os._exit(code)


if __name__ == "__main__":
    run()
