"""Thin commands over the library: parse options, call build/check, map results to exit codes."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from briefgen import build as pipeline
from briefgen.config import FORMATS
from briefgen.errors import BriefgenError, Report, UsageError, display_path, printable

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
_AS_PROCESS = False  # set by main(): briefgen owns the process's signal handlers

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="The workspace's config.yaml (or its folder). Default: ./config.yaml.",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefgen")
@click.option("--debug", is_flag=True, help="Show the traceback of an internal error.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Cited policy briefs from hand-curated YAML.

    Run in a workspace folder (config.yaml, sources/, briefs/):

        briefgen check

        briefgen build
    """
    ctx.obj = {"debug": debug}


@cli.command()
@config_option
@strict_option
@click.pass_context
def check(ctx: click.Context, config_path: Path | None, strict: bool) -> None:
    """Validate every brief and verify every citation; write nothing.

    Example: briefgen check --strict
    """
    result = _run(ctx, lambda: pipeline.check(config_path))
    _finish(result.report, strict, result.summary())


@cli.command()
@click.argument("briefs", nargs=-1)
@config_option
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Output format; repeat for several. Default: the formats in config.yaml (pdf and md).",
)
@click.option(
    "--out", type=click.Path(path_type=Path), default=None, help="Output folder. Default: build/."
)
@click.option(
    "--template", "layout", default=None, help="Layout to use for every brief (brief or card)."
)
@strict_option
@click.pass_context
def build(
    ctx: click.Context,
    briefs: tuple[str, ...],
    config_path: Path | None,
    formats: tuple[str, ...],
    out: Path | None,
    layout: str | None,
    strict: bool,
) -> None:
    """Build briefs (all, or those named by file stem or path) into the output folder.

    Example: briefgen build london-summit --format pdf --format md
    """
    result = _run(ctx, lambda: pipeline.build(config_path, briefs, formats, out, layout, strict))
    for path in result.written:
        say(f"wrote {display_path(path)}")
    _finish(result.report, strict, result.summary())


def _run(ctx: click.Context, action: Callable[[], pipeline.Result]) -> pipeline.Result:
    """Run the library call; user errors exit 1 with their messages, anything else exits 3."""
    try:
        return action()
    except UsageError as exc:
        for problem in exc.problems:
            say(problem.format(), err=True)
        ctx.exit(EXIT_USAGE)
    except BriefgenError as exc:
        for problem in exc.problems:
            say(problem.format(), err=True)
        ctx.exit(EXIT_DATA)
    except KeyboardInterrupt:
        _stop_listening()
        say("briefgen: interrupted", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        if ctx.obj and ctx.obj.get("debug"):
            for line in traceback.format_exc().splitlines():
                say(line, err=True)
        say(f"briefgen: internal error: {type(exc).__name__}: {exc}", err=True)
        say("briefgen: rerun with --debug to see the traceback, and report it", err=True)
        ctx.exit(EXIT_INTERNAL)
    raise AssertionError("unreachable")  # pragma: no cover


def say(line: str, err: bool = False) -> None:
    """Print one line; every line briefgen prints goes through here, terminal escapes shown escaped."""
    click.echo(printable(line), err=err)


def _finish(report: Report, strict: bool, summary: str) -> None:
    for problem in report.sorted():
        say(problem.format(), err=True)
    say(summary)
    if report.errors or (strict and report.warnings):
        sys.exit(EXIT_DATA)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point: click's own messages are printed through say() too."""
    global _AS_PROCESS
    _AS_PROCESS = True
    signal.signal(signal.SIGTERM, _terminate)
    try:
        code = cli.main(args=argv, prog_name="briefgen", standalone_mode=False)
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)
        for line in shown.getvalue().splitlines():
            _quietly(say, line, err=True)
        code = exc.exit_code
    except click.Abort:  # Ctrl-C outside a command's run, e.g. while printing
        _stop_listening()
        _quietly(say, "briefgen: interrupted", err=True)
        code = EXIT_INTERRUPTED
    except OSError as exc:  # standard output cannot be written (a full disk, a closed pipe)
        _silence(sys.stdout)
        _quietly(say, f"briefgen: error: cannot write to standard output: {exc.strerror}", err=True)
        code = EXIT_DATA
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _stop_listening() -> None:
    """Once interrupted, a second Ctrl-C or SIGTERM must not print a second message (only when
    briefgen is the process: a caller running it in-process keeps its own handlers)."""
    if _AS_PROCESS:
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, signal.SIG_IGN)


def _quietly(fn: Callable[..., None], *args: Any, **kwargs: Any) -> None:
    """Print if possible; when standard error itself cannot be written, nothing can be said."""
    try:
        fn(*args, **kwargs)
    except OSError:
        _silence(sys.stderr)


def _silence(stream: Any) -> None:
    """Point a broken stream at /dev/null so that flushing it at exit prints no traceback."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)


def _terminate(signum: int, _frame: object) -> None:
    """Stop on SIGTERM the way Ctrl-C does, so temporary files and child processes are cleaned up."""
    raise KeyboardInterrupt
