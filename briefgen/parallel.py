"""Render several briefs at once: one bounded child process per brief, as many as there are cores.

Each render still runs through bounded.run_bounded (its own time and memory limits and
private temporary folder); a thread per running brief only waits for its child. The
PDF engine is imported here first, so every forked child inherits it instead of
importing it again. Results come back in the briefs' order, so the files written
and the problems reported are the same as those of a serial build.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from briefgen import bounded
from briefgen.cores import workers
from briefgen.errors import BriefgenError, Location
from briefgen.models import Limits

Progress = Callable[[int, int], None]


def render_all(
    fn: Callable[..., Any],
    jobs: Sequence[tuple[Any, ...]],
    limits: Limits,
    progress: Progress | None = None,
    ahead: bounded.Ahead | None = None,
) -> list[Any]:
    """fn(*job) for each job under the render limits; each result, or the BriefgenError it
    raised, in the order of `jobs`. The first argument of each job is the brief. The first
    job goes to `ahead`, a child started earlier, if there is one."""
    several_pdfs = sum("pdf" in job[3] for job in jobs) > 1  # one: its child loads the engine

    def one(job: tuple[Any, ...]) -> Any:
        given = ahead if job is jobs[0] else None
        try:
            return bounded.run_bounded(
                fn,
                job,
                limits.render_timeout,
                limits.render_memory_mb,
                Location(job[0].path),
                ahead=given,
            )
        except BriefgenError as exc:
            return exc

    total = len(jobs)
    if progress:
        progress(0, total)
    if total <= 1 or workers(total) == 1:
        if several_pdfs:
            _load_engine()
        results = []
        for job in jobs:
            results.append(one(job))
            if progress:
                progress(len(results), total)
        return results
    # loaded only for several briefs (a Markdown build of one is a few milliseconds quicker)
    from concurrent.futures import ThreadPoolExecutor, as_completed

    pool = ThreadPoolExecutor(max_workers=workers(total), thread_name_prefix="briefgen-render")
    futures = []
    try:
        if ahead is not None and several_pdfs:  # it renders the first while this process
            with bounded.signals_held():  # loads the engine (the pool's threads leave
                futures.append(pool.submit(one, jobs[0]))  # Ctrl-C and SIGTERM to this one)
        if several_pdfs:
            _load_engine()
        with bounded.signals_held():
            futures += [pool.submit(one, job) for job in jobs[len(futures) :]]
        for done, _future in enumerate(as_completed(futures), 1):
            if progress:
                progress(done, total)
        return [future.result() for future in futures]
    except BaseException:  # Ctrl-C: stop every running render and remove its files
        bounded.stop_all()
        pool.shutdown(wait=True, cancel_futures=True)
        bounded.resume()
        raise
    finally:
        pool.shutdown(wait=True)


def _load_engine() -> None:
    """Load the PDF engine here once, for every child started after to inherit (each would
    load it again, taking a second); no child is started while it loads, or it would find
    the engine half loaded."""
    with bounded.no_fork():
        import weasyprint  # noqa: F401
