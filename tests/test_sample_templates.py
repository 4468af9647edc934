"""The sample workspace's templates/ is a working override: a block, a colour and a logo."""

from __future__ import annotations

import shutil
from pathlib import Path

from briefgen.build import build
from conftest import ROOT


def test_sample_override_is_used_in_the_build(sample: Path) -> None:
    assert (ROOT / "templates" / "brief.html.j2").is_file()
    result = build(formats=["html"])
    assert not result.report.problems
    html = (sample / "build" / "london-summit.html").read_text(encoding="utf-8")
    assert '<p class="department">Europe Directorate</p>' in html
    assert "data:image/svg+xml" in html  # the logo, inlined from templates/logo.svg
    assert "#00594f" in html
    assert html.index('class="department"') < html.index('class="titleblock"')


def test_without_the_override_the_built_in_look_returns(sample: Path) -> None:
    shutil.rmtree(sample / "templates")
    assert not build(formats=["html"]).report.problems
    html = (sample / "build" / "london-summit.html").read_text(encoding="utf-8")
    assert 'class="department"' not in html
    assert "#00594f" not in html
