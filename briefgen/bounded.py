"""Run rendering in a child process under a time and a memory limit.

Absurd CSS, a huge table or a pathological Markdown field must stop with a clear
message instead of hanging the build or exhausting the machine's memory.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from briefgen.errors import BriefgenError, Location, RenderError


def run_bounded(
    fn: Callable[..., Any], args: tuple[Any, ...], timeout: float, memory_mb: int, where: Location
) -> Any:
    """fn(*args) in a child process; RenderError at `where` if it times out or runs out of memory."""
    if sys.platform == "win32":  # pragma: no cover - no fork there: run unbounded
        return fn(*args)
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, fn, args, memory_mb), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(timeout):
            raise RenderError.single(
                f"rendering took longer than {timeout:g} seconds and was stopped; simplify the "
                "brief or its templates, or raise limits.render_timeout in config.yaml",
                where,
            )
        try:
            kind, payload = receive.recv()
        except EOFError:
            child.join(5)
            raise RenderError.single(_died(child.exitcode, memory_mb), where) from None
    finally:
        receive.close()
        if child.is_alive():
            child.kill()
        child.join(5)
    if kind == "ok":
        return payload
    if kind == "problems":
        raise BriefgenError(payload)
    raise RenderError.single(payload, where)


def _died(exitcode: int | None, memory_mb: int) -> str:
    if exitcode is not None and exitcode < 0:
        name = (
            signal.Signals(-exitcode).name
            if -exitcode in signal.valid_signals()
            else str(-exitcode)
        )
        return (
            f"rendering stopped by signal {name}; it may have run out of memory "
            f"(limit {memory_mb} MB, limits.render_memory_mb in config.yaml)"
        )
    return f"rendering stopped unexpectedly (exit status {exitcode})"


def _child(send: Connection, fn: Callable[..., Any], args: tuple[Any, ...], memory_mb: int) -> None:
    _die_with_parent()
    _limit_memory(memory_mb)
    try:
        result: tuple[str, Any] = ("ok", fn(*args))
    except BriefgenError as exc:
        result = ("problems", exc.problems)
    except MemoryError:
        result = (
            "error",
            f"rendering ran out of memory (limit {memory_mb} MB); simplify the brief or its "
            "templates, or raise limits.render_memory_mb in config.yaml",
        )
    except RecursionError:
        result = ("error", "rendering nested too deeply (a pathological document or stylesheet)")
    except Exception as exc:
        result = ("error", f"rendering failed: {type(exc).__name__}: {exc}")
    try:
        send.send(result)
    finally:
        send.close()
        os._exit(0)


def _limit_memory(memory_mb: int) -> None:
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _die_with_parent() -> None:
    """Ask Linux to kill this child if the build that started it is killed."""
    with contextlib.suppress(Exception):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL)
