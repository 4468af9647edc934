"""constraints.txt pins every dependency pyproject.toml names, so installs do not drift."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

from conftest import ROOT


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_dependency_is_pinned() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = {_name(r) for r in project["dependencies"]}
    wanted |= {_name(r) for extra in project["optional-dependencies"].values() for r in extra}
    pins = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[_name(name)] = version
    assert wanted <= set(pins), sorted(wanted - set(pins))
    assert all(re.fullmatch(r"\d[\w.]*", v) for v in pins.values()), pins
    installed = {name: metadata.version(name) for name in wanted}
    assert installed == {name: pins[name] for name in wanted}  # what the tests run on
