"""Thin commands over the library: parse options, call build/check, map results to exit codes."""

from __future__ import annotations

import signal
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from briefgen import build as pipeline
from briefgen.config import FORMATS
from briefgen.errors import BriefgenError, UsageError, display_path

EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3

config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="The workspace's config.yaml (or its folder). Default: ./config.yaml.",
)
strict_option = click.option(
    "--strict/--no-strict",
    default=None,
    help="Treat warnings as errors (or not). Default: strict: in config.yaml, else not.",
)


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
def check(ctx: click.Context, config_path: Path | None, strict: bool | None) -> None:
    """Validate every brief and verify every citation; write nothing.

    Example: briefgen check --strict
    """
    result = _run(ctx, lambda: pipeline.check(config_path))
    _finish(result, strict)


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
    "--template",
    "layouts",
    multiple=True,
    help="Layout to build for every brief (brief, card or your own); repeat for several. "
    "Default: layouts in config.yaml, else each brief's template.",
)
@strict_option
@click.pass_context
def build(
    ctx: click.Context,
    briefs: tuple[str, ...],
    config_path: Path | None,
    formats: tuple[str, ...],
    out: Path | None,
    layouts: tuple[str, ...],
    strict: bool | None,
) -> None:
    """Build briefs (all, or those named by file stem or path) into the output folder.

    Example: briefgen build london-summit --format pdf --template brief --template card
    """
    result = _run(ctx, lambda: pipeline.build(config_path, briefs, formats, out, layouts, strict))
    for path in result.written:
        click.echo(printable(f"wrote {display_path(path)}"))
    _finish(result, strict)


def _run(ctx: click.Context, action: Callable[[], pipeline.Result]) -> pipeline.Result:
    """Run the library call; user errors exit 1 with their messages, anything else exits 3."""
    try:
        return action()
    except UsageError as exc:
        for problem in exc.problems:
            click.echo(printable(problem.format()), err=True)
        ctx.exit(EXIT_USAGE)
    except BriefgenError as exc:
        for problem in exc.problems:
            click.echo(printable(problem.format()), err=True)
        ctx.exit(EXIT_DATA)
    except KeyboardInterrupt:
        click.echo("briefgen: interrupted", err=True)
        ctx.exit(130)
    except Exception as exc:
        if ctx.obj and ctx.obj.get("debug"):
            traceback.print_exc()
        click.echo(printable(f"briefgen: internal error: {type(exc).__name__}: {exc}"), err=True)
        click.echo("briefgen: rerun with --debug to see the traceback, and report it", err=True)
        ctx.exit(EXIT_INTERNAL)
    raise AssertionError("unreachable")  # pragma: no cover


def printable(line: str) -> str:
    """A message safe to print: control characters (terminal escapes) and unpaired surrogates shown escaped."""
    return "".join(
        c if c.isprintable() and not 0xD800 <= ord(c) <= 0xDFFF else repr(c)[1:-1] for c in line
    )


def _finish(result: pipeline.Result, strict: bool | None) -> None:
    report = result.report
    for problem in report.sorted():
        click.echo(printable(problem.format()), err=True)
    click.echo(result.summary())
    if report.failed(result.workspace.config.strict if strict is None else strict):
        sys.exit(EXIT_DATA)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point."""
    signal.signal(signal.SIGTERM, _terminate)
    return cli.main(args=argv, prog_name="briefgen")


def _terminate(signum: int, _frame: object) -> None:
    """Stop on SIGTERM the way Ctrl-C does, so temporary files and child processes are cleaned up."""
    raise KeyboardInterrupt
