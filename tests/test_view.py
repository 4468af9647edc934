"""What templates are given: every path in it relative to the workspace, nothing copied
that needs no change."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from briefgen import build, render
from briefgen.errors import Location
from briefgen.models import Span

ROOT = Path(__file__).resolve().parent.parent


def _paths(obj: Any, seen: set[int]) -> list[Path]:
    """Every Path anywhere inside `obj` (fields, lists, tuples, dicts, whatever the types say)."""
    if id(obj) in seen or isinstance(obj, str | int | float | type(None)):
        return []
    seen.add(id(obj))
    if isinstance(obj, Path):
        return [obj]
    if isinstance(obj, list | tuple):
        return [p for x in obj for p in _paths(x, seen)]
    if isinstance(obj, dict):
        return [p for x in [*obj.keys(), *obj.values()] for p in _paths(x, seen)]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [p for f in dataclasses.fields(obj) for p in _paths(getattr(obj, f.name), seen)]
    return []


def _view() -> render.View:
    workspace = build.check(ROOT / "config.yaml").workspace
    brief, config = workspace.briefs[0], workspace.config
    return render.build_view(brief, workspace.sources, config, config.output_dir, "brief")


def test_the_sample_view_holds_no_absolute_path() -> None:
    view = _view()
    before = _paths(view, set())
    assert any(p.is_absolute() for p in before)  # the view itself has them
    after = [p for value in view.as_dict().values() for p in _paths(value, set())]
    assert after and not [p for p in after if p.is_absolute()]
    assert Path("briefs/london-summit.yaml") in after


def test_what_holds_no_path_is_not_copied() -> None:
    view = _view()
    relative = render.workspace_relative(view, ROOT, {})
    spans = [n.span for n in view.notes]
    assert [n.span for n in relative.notes] == spans
    assert all(a is b for a, b in zip((n.span for n in relative.notes), spans, strict=True))
    assert relative.notes[0] is not view.notes[0]  # it holds a Location: copied


@dataclasses.dataclass(frozen=True)
class _Anything:
    value: Any


@dataclasses.dataclass(frozen=True)
class _Base:
    text: str


@dataclasses.dataclass(frozen=True)
class _Child(_Base):
    where: Path


@dataclasses.dataclass(frozen=True)
class _Holder:
    base: _Base
    spans: tuple[Span, ...]


def test_a_field_that_may_hold_a_path_is_looked_into() -> None:
    assert not render._may_hold_path(Span)
    assert render._may_hold_path(Location)
    assert render._may_hold_path(_Anything)  # Any: it may
    assert render._may_hold_path(_Holder)  # a _Base may be a _Child, which holds one
    held = _Holder(_Child("x", ROOT / "a.txt"), ())
    assert render.workspace_relative(held, ROOT, {}).base.where == Path("a.txt")
    anything = render.workspace_relative(_Anything([ROOT / "b" / "c.txt"]), ROOT, {})
    assert anything.value == [Path("b/c.txt")]
    outside = render.workspace_relative(_Anything(Path("/elsewhere/d.txt")), ROOT, {})
    assert outside.value == Path("d.txt")  # outside the workspace: its name only


def test_the_sandbox_answers_as_jinjas_own() -> None:
    """_Sandbox.getattr keeps answers and skips a step; it must give what Jinja's
    immutable sandbox gives (less a path's attributes, which ours refuses)."""
    from jinja2 import Undefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    ours, theirs = render._Sandbox(), ImmutableSandboxedEnvironment()

    def f() -> None:
        pass

    class Sneaky:
        fmt = "{0.__class__}".format  # a str.format method under another name

    cases: list[tuple[Any, str]] = [
        ("a", "upper"), ("{0}", "format"), ("{0}", "format_map"), ([], "append"), ([], "index"),
        ({}, "clear"), ({}, "items"), ({"k": 1}, "k"), (f, "__globals__"), (f, "__code__"),
        (Sneaky(), "fmt"), (Sneaky, "mro"), (_view().notes[0], "anchor"), (Span, "found"),
        (1, "real"), (None, "x"), ((x for x in ()), "gi_frame"), ("a", "_private"),
    ]  # fmt: skip
    for obj, attr in cases:
        for _ in range(2):  # the second answer is the kept one
            mine, jinjas = ours.getattr(obj, attr), theirs.getattr(obj, attr)
            if isinstance(jinjas, Undefined):
                assert isinstance(mine, Undefined), (obj, attr)
                assert mine._undefined_hint == jinjas._undefined_hint, (obj, attr)
            elif attr in ("format", "format_map", "fmt"):  # wrapped, as Jinja wraps them
                for made in (mine, jinjas):
                    if attr == "fmt":
                        assert "class" not in made(1)  # nothing of the int's internals
                    elif attr == "format":
                        assert made(2) == "2"
                    else:
                        assert callable(made)
            else:
                assert mine == jinjas, (obj, attr)
    assert isinstance(ours.getattr(ROOT, "read_text"), Undefined)  # a path does nothing
