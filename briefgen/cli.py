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
from typing import TYPE_CHECKING, Any, TypeVar

import click
from click.core import ParameterSource

from briefgen import collector
from briefgen.errors import BriefgenError, Problem, UsageError, display_path, printable
from briefgen.preview import LOCAL
from briefgen.spec import FORMATS, SCHEMA_KINDS

if TYPE_CHECKING:
    from briefgen.build import Result
    from briefgen.commands import Outcome

# Each command imports what it runs when it runs, so that starting briefgen costs only the
# command line itself: a Markdown build never loads the PDF engine, the preview server or
# the git and diff machinery.

T = TypeVar("T")
EXIT_OK, EXIT_DATA, EXIT_USAGE, EXIT_INTERNAL, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
_AS_PROCESS = False  # set by main(): briefgen owns the process's signal handlers
_TERMINATED = False  # set on SIGTERM: whatever fails after it is part of stopping


def _merge_shared(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """--config, --strict and --debug work before or after the command; the later one wins."""
    root = ctx.find_root()
    root.ensure_object(dict)
    shared = root.obj
    name = param.name or ""
    if ctx.get_parameter_source(name) in (ParameterSource.DEFAULT, None):
        return shared.get(name, value)
    shared[name] = value
    return value


def shared_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """The options every command (and the group itself) accepts."""
    for option in reversed(
        [
            click.option(
                "--config",
                "config_path",
                type=click.Path(path_type=Path),
                default=None,
                callback=_merge_shared,
                help="The workspace's config.yaml (or its folder). "
                "Default: the nearest config.yaml here or in a folder above.",
            ),
            click.option(
                "--strict/--no-strict",
                default=None,
                callback=_merge_shared,
                help="Treat warnings as errors (or not). Default: strict: in config.yaml, else not.",
            ),
            click.option(
                "--debug",
                is_flag=True,
                callback=_merge_shared,
                help="Show the traceback of an internal error.",
            ),
        ]
    ):
        func = option(func)
    return func


class ExampleGroup(click.Group):
    """Lists each command with a one-line example taken from its help ("Example: ...")."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        order = ["init", "new", "sources", "quote", "check", "build", "diff", "serve", "schema"]
        names = sorted(self.commands, key=lambda n: order.index(n) if n in order else len(order))
        for name in names:
            command = self.commands[name]
            if command.hidden:
                continue
            rows.append((name, command.get_short_help_str(90)))
            for example in _examples(command):
                rows.append(("", example))
        if rows:
            with formatter.section("Commands (with an example)"):
                formatter.write_dl(rows)


def _examples(command: click.Command) -> list[str]:
    if isinstance(command, click.Group):  # a group's examples are its commands' examples
        return list(dict.fromkeys(e for sub in command.commands.values() for e in _examples(sub)))
    return [
        line.strip().removeprefix("Example:").strip()
        for line in (command.help or "").splitlines()
        if line.strip().startswith("Example:")
    ]


def _formats(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """--format pdf,md and --format pdf --format md both work; an unknown name is a usage error."""
    chosen = [f.strip().lower() for v in value for f in v.split(",") if f.strip()]
    for fmt in chosen:
        if fmt not in FORMATS:
            raise click.BadParameter(f'unknown format "{fmt}"; use any of: {", ".join(FORMATS)}')
    return tuple(dict.fromkeys(chosen))


@click.group(cls=ExampleGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="briefgen")
@shared_options
@click.pass_context
def cli(ctx: click.Context, config_path: Path | None, strict: bool | None, debug: bool) -> None:
    """Cited policy briefs from hand-curated YAML.

    Run anywhere inside a workspace (the folder holding config.yaml, sources/ and
    briefs/, or any folder below it). The daily loop: sources add, quote, paste the
    cite: entry into a brief, check, build.
    """
    ctx.ensure_object(dict)


@cli.command()
@click.argument("briefs", nargs=-1)
@click.option(
    "--output-format",
    type=click.Choice(["text", "json"], case_sensitive=False),
    default="text",
    help="text (default): one problem a line on standard error, then a summary; json: "
    "one JSON array of every problem on standard output, for editors and CI.",
)
@shared_options
@click.pass_context
def check(
    ctx: click.Context,
    briefs: tuple[str, ...],
    output_format: str,
    config_path: Path | None,
    strict: bool | None,
    debug: bool,
) -> None:
    """Validate the briefs (all, or those named) and verify every citation; write nothing.

    Example: briefgen check --strict
    """
    from briefgen import build as pipeline

    as_json = output_format.lower() == "json"
    result = _run(ctx, lambda: pipeline.check(config_path, briefs), as_json)
    if as_json:
        report = result.report
        _print_json(report.sorted())
        if report.failed(result.workspace.config.strict if strict is None else strict):
            sys.exit(EXIT_DATA)
        return
    if not result.workspace.briefs and not result.workspace.unread and not briefs:
        say("no briefs yet: start one with  briefgen new NAME")
    _finish(result, strict)


@cli.command()
@click.argument("briefs", nargs=-1)
@click.option(
    "--format",
    "formats",
    multiple=True,
    callback=_formats,
    help="Output formats: pdf, md, html, json, docx; comma-separated or repeated. "
    "Default: the formats in config.yaml (pdf and md).",
)
@click.option(
    "-o",
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Output folder. Default: build/.",
)
@click.option(
    "--template",
    "layouts",
    multiple=True,
    help="Layout to build for every brief (brief, card or your own); repeat for several. "
    "Default: layouts in config.yaml, else each brief's template.",
)
@click.option(
    "--topic", "topics", multiple=True, help="Keep only items on this topic (repeatable)."
)
@click.option(
    "--actor", "actors", multiple=True, help="Keep only items by this actor (repeatable)."
)
@click.option(
    "--since",
    "since",
    default=None,
    help="Add a 'changes since' section and NEW/REVISED labels, compared with OLD: a git "
    "revision (HEAD~1, a tag, @{2025-03-01}), a brief file or a manifest. Default: the brief's since:.",
)
@shared_options
@click.pass_context
def build(
    ctx: click.Context,
    briefs: tuple[str, ...],
    formats: tuple[str, ...],
    out: Path | None,
    layouts: tuple[str, ...],
    topics: tuple[str, ...],
    actors: tuple[str, ...],
    since: str | None,
    config_path: Path | None,
    strict: bool | None,
    debug: bool,
) -> None:
    """Build briefs (all, or those named by file stem or path) into the output folder.

    Example: briefgen build london-summit --format pdf,md --template card
    """
    from briefgen.ahead import start_ahead, take_early

    # first, so that it loads while the rest does (the briefgen command starts it earlier)
    ahead = take_early() or start_ahead(config_path, formats)
    try:
        from briefgen import build as pipeline
        from briefgen.commands.select import Selection

        selection = Selection(topics, actors)
        progress = _ProgressBar() if sys.stderr.isatty() else None

        def building() -> Result:
            try:
                return pipeline.build(
                    config_path,
                    briefs,
                    formats,
                    out,
                    layouts,
                    strict,
                    selection,
                    since,
                    progress,
                    ahead,
                )
            finally:  # before anything else is printed: a problem, or "interrupted"
                if progress:
                    progress.clear()

        result = _run(ctx, building)
    finally:
        ahead.close()
    for path in result.written:
        say(f"wrote {display_path(path)}")
    _finish(result, strict)


def _host(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """--host as given, which must name an address (an empty one listens everywhere)."""
    if not value.strip():
        raise click.BadParameter(
            "give an address to listen on, such as 127.0.0.1 (this machine only) or 0.0.0.0"
        )
    return value.strip()


@cli.command()
@click.argument("briefs", nargs=-1)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0: any free port).",
)
@click.option(
    "--host",
    default=LOCAL,
    show_default=True,
    callback=_host,
    help="Address to listen on. Another than 127.0.0.1 lets other machines see the briefs.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the preview in a web browser.")
@shared_options
@click.pass_context
def serve(
    ctx: click.Context,
    briefs: tuple[str, ...],
    port: int,
    host: str,
    open_browser: bool,
    config_path: Path | None,
    strict: bool | None,
    debug: bool,
) -> None:
    """Preview the briefs in a browser, updated within a second of every save; Ctrl-C stops it.

    Example: briefgen serve london-summit --open
    """
    from briefgen.commands import serve as serve_command  # the server and watcher: only here
    from briefgen.preview.server import loopback

    if not loopback(host):  # (127.0.0.2 is this machine too)
        say(
            f"briefgen: warning: serving on {host}, not 127.0.0.1: other machines on the "
            "network can read these briefs",
            err=True,
        )

    _run(ctx, lambda: serve_command.run(config_path, briefs, host, port, open_browser, say))


@cli.command()
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Write the files that are missing; keep the ones already there.",
)
@shared_options
@click.pass_context
def init(
    ctx: click.Context,
    directory: Path,
    force: bool,
    config_path: Path | None,
    strict: bool | None,
    debug: bool,
) -> None:
    """Create a workspace in DIRECTORY (default: here), ready for briefgen check.

    Example: briefgen init my-briefs
    """
    from briefgen.commands import init as init_command

    _outcome(ctx, lambda: init_command.init(directory, force), strict)


@cli.command()
@click.argument("name")
@click.option("--title", default=None, help="The brief's title. Default: made from NAME.")
@click.option("--meeting-date", default=None, help="The meeting's date: 2025-03-02 or 2025-03.")
@click.option("--force", is_flag=True, help="Overwrite the brief if it already exists.")
@shared_options
@click.pass_context
def new(
    ctx: click.Context,
    name: str,
    title: str | None,
    meeting_date: str | None,
    force: bool,
    config_path: Path | None,
    strict: bool | None,
    debug: bool,
) -> None:
    """Start a brief: briefs/NAME.yaml with every section present and explained.

    Example: briefgen new ukraine-update --title "Ukraine: where things stand"
    """
    from briefgen.commands import new as new_command

    _outcome(ctx, lambda: new_command.new(config_path, name, title, meeting_date, force), strict)


@cli.group()
def sources() -> None:
    """Catalogue source documents (add) and see which are cited (list).

    Example: briefgen sources add article.txt
    """


@sources.command("add")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--id", "source_id", default=None, help="The source's id. Default: from its title.")
@click.option("--publisher", default=None, help="Who published it.")
@click.option("--title", default=None, help="Its title. Default: its first non-empty line.")
@click.option(
    "--published",
    "--date",
    "published",
    default=None,
    help="Its date: 2025-02-17 or 2025-02. Default: found in the text.",
)
@click.option("--url", default=None, help="Where it was found (https://...).")
@shared_options
@click.pass_context
def sources_add(
    ctx: click.Context,
    files: tuple[Path, ...],
    source_id: str | None,
    publisher: str | None,
    title: str | None,
    published: str | None,
    url: str | None,
    config_path: Path | None,
    strict: bool | None,
    debug: bool,
) -> None:
    """Copy files into sources/ and add a catalogue entry for each at the end of sources.yaml.

    Example: briefgen sources add article.txt --publisher "BBC News"
    """
    from briefgen.commands import sources as sources_command

    given = sources_command.Given(source_id, publisher, title, published, url)
    _outcome(ctx, lambda: sources_command.add(config_path, files, given), strict)


@sources.command("list")
@shared_options
@click.pass_context
def sources_list(ctx: click.Context, config_path: Path | None, strict: bool, debug: bool) -> None:
    """Print each source's id, publisher, date, title and how many citations it has.

    Example: briefgen sources list
    """
    from briefgen.commands import sources as sources_command

    _outcome(ctx, lambda: sources_command.listing(config_path), strict)


@cli.command()
@click.argument("source", required=False)
@click.argument("words", nargs=-1)
@click.option(
    "--all-sources", is_flag=True, help="Search every catalogued source (then give no SOURCE)."
)
@shared_options
@click.pass_context
def quote(
    ctx: click.Context,
    source: str | None,
    words: tuple[str, ...],
    all_sources: bool,
    config_path: Path | None,
    strict: bool | None,
    debug: bool,
) -> None:
    """Find WORDS in SOURCE (an id or file name) and print a cite: entry ready to paste.

    Example: briefgen quote bbc-paris-talks only way to effectively deter
    """
    if all_sources and source is not None:
        words, source = (source, *words), None  # with --all-sources every argument is a word
    if not words or not " ".join(words).strip():
        raise click.UsageError(
            "give a SOURCE (an id or file name) and the WORDS to find, or --all-sources and the WORDS"
        )
    from briefgen.commands import quote as quote_command

    _outcome(ctx, lambda: quote_command.quote(config_path, source, " ".join(words)), strict)


@cli.command()
@click.argument("old")
@click.argument("new", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md"], case_sensitive=False),
    default="text",
    help="text (default), json or md.",
)
@shared_options
@click.pass_context
def diff(
    ctx: click.Context,
    old: str,
    new: str | None,
    fmt: str,
    config_path: Path | None,
    strict: bool | None,
    debug: bool,
) -> None:
    """Compare two versions of the briefs item by item; exit 0 if nothing changed, 1 if it did.

    OLD and NEW are each a brief (.yaml), a manifest (build --format json) or a git revision
    (HEAD~1, a tag, @{2025-03-01}); NEW defaults to the workspace as it is now.

    Example: briefgen diff HEAD~1
    """
    from briefgen.commands import diff as diff_command

    done, changed = _run(ctx, lambda: diff_command.run(config_path, old, new, fmt.lower()))
    for problem in done.report.sorted():
        say(problem.format(), err=True)
    for line in done.lines:
        say(line)
    if changed or done.report.failed(bool(strict)):
        sys.exit(EXIT_DATA)


@cli.command()
@click.argument("kind", type=click.Choice(SCHEMA_KINDS))
@shared_options
@click.pass_context
def schema(
    ctx: click.Context, kind: str, config_path: Path | None, strict: bool, debug: bool
) -> None:
    """Print the JSON Schema of a brief, the source catalogue, config.yaml or a manifest.

    Example: briefgen schema brief
    """
    from briefgen.commands import schema as schema_command

    click.echo(schema_command.schema_json(kind), nl=False)


class _ProgressBar:
    """A one-line bar on standard error (a terminal), cleared when the build ends however
    it ends."""

    shown = False

    def __call__(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // max(total, 1)
        bar = "#" * filled + "-" * (width - filled)
        self.shown = True  # first: a Ctrl-C while it is written leaves some of it to clear
        click.echo(f"\rbuilding [{bar}] {done}/{total} briefs", nl=False, err=True)

    def clear(self) -> None:
        if self.shown:
            click.echo("\r\033[K", nl=False, err=True)
            self.shown = False


def _outcome(ctx: click.Context, action: Callable[[], Outcome], strict: bool | None) -> None:
    """Run an authoring command; print its problems (stderr) and lines (stdout). With
    --strict a warning fails it too (exit 1), as it fails check and build."""
    done = _run(ctx, action)
    for problem in done.report.sorted():
        say(problem.format(), err=True)
    for line in done.lines:
        say(line)
    if done.failed or done.report.failed(bool(strict)):
        sys.exit(EXIT_DATA)


def _run(ctx: click.Context, action: Callable[[], T], as_json: bool = False) -> T:
    """Run the library call; user errors exit 1 with their messages (as JSON on standard
    output if `as_json`), anything else exits 3."""
    try:
        return action()
    except BriefgenError as exc:
        if as_json:
            _print_json(exc.problems)
        else:
            for problem in exc.problems:
                say(problem.format(), err=True)
        ctx.exit(EXIT_USAGE if isinstance(exc, UsageError) else EXIT_DATA)
    except KeyboardInterrupt:
        _stop_listening()
        say("briefgen: interrupted", err=True)
        ctx.exit(EXIT_INTERRUPTED)
    except Exception as exc:
        if ctx.find_root().obj.get("debug"):
            for line in traceback.format_exc().splitlines():
                say(line, err=True)
        say(f"briefgen: internal error: {type(exc).__name__}: {exc}", err=True)
        say("briefgen: rerun with --debug to see the traceback, and report it", err=True)
        ctx.exit(EXIT_INTERNAL)
    raise AssertionError("unreachable")  # pragma: no cover


def _print_json(problems: list[Problem]) -> None:
    """Every problem as one JSON array on standard output (check --output-format json)."""
    import json

    # non-ASCII as \u escapes: a bidi or other control character from a brief cannot act on
    # the terminal it is printed to
    click.echo(json.dumps([p.as_dict() for p in problems]))


def say(line: str, err: bool = False) -> None:
    """Print one line; every line briefgen prints goes through here, terminal escapes shown escaped."""
    click.echo(printable(line), err=err)


def _finish(result: Result, strict: bool | None) -> None:
    report = result.report
    for problem in report.sorted():
        say(problem.format(), err=True)
    say(result.summary())
    if report.failed(result.workspace.config.strict if strict is None else strict):
        sys.exit(EXIT_DATA)


def main(argv: list[str] | None = None) -> Any:
    """Console-script entry point: click's own messages are printed through say() too."""
    global _AS_PROCESS
    _AS_PROCESS = True
    collector.one_command()
    if signal.getsignal(signal.SIGTERM) is not signal.SIG_IGN:  # ignored: the caller's wish
        signal.signal(signal.SIGTERM, _terminate)
    try:
        code = cli.main(args=argv, prog_name="briefgen", standalone_mode=False)
    except click.ClickException as exc:
        shown = io.StringIO()
        exc.show(file=shown)
        for line in shown.getvalue().expandtabs(2).splitlines():
            _quietly(say, line, err=True)
        hint = _option_hint(exc)
        if hint:
            _quietly(say, hint, err=True)
        code = exc.exit_code
    except click.Abort:  # Ctrl-C outside a command's run, e.g. while printing
        code = _interrupted()
    except OSError as exc:  # standard output cannot be written (a full disk, a closed pipe)
        _silence(sys.stdout)
        _quietly(say, f"briefgen: error: cannot write to standard output: {exc.strerror}", err=True)
        code = EXIT_DATA
    except Exception:
        # A SIGTERM that landed inside an import leaves that module half made, so code
        # that cleans up after it may fail to import it: that is still the stop asked for.
        if not _TERMINATED:
            raise
        code = _interrupted()
    sys.exit(code if isinstance(code, int) else EXIT_OK)


def _option_hint(exc: click.ClickException) -> str | None:
    """For an option given before the command it belongs to ("briefgen --format md build"),
    which commands take it and where it goes."""
    if not isinstance(exc, click.NoSuchOption) or exc.ctx is None:
        return None
    if exc.ctx.command.name == "quote":  # words that begin with a dash: "-2.5% of GDP"
        return (
            f'words that begin with "-" ({exc.option_name}...) are read as an option: write '
            "-- before the words, as in  briefgen quote SOURCE -- -2.5% of GDP"
        )
    if exc.ctx.command is not cli:
        return None
    takers = [
        name
        for name, command in sorted(cli.commands.items())
        if any(exc.option_name in p.opts for p in command.params if isinstance(p, click.Option))
    ]
    if not takers:
        return None
    first = takers[0]
    return (
        f"{exc.option_name} is an option of {', '.join(takers)}: write it after the command, "
        f"as in  briefgen {first} {exc.option_name} ..."
    )


def _interrupted() -> int:
    _stop_listening()
    _quietly(say, "briefgen: interrupted", err=True)
    return EXIT_INTERRUPTED


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
    global _TERMINATED
    if _TERMINATED:  # a SIGTERM again while stopping: the stop is already under way
        return
    _TERMINATED = True
    raise KeyboardInterrupt
