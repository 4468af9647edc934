"""The sample brief's rendered Markdown and HTML, in both layouts, compared with golden files.

Regenerate after an intended change with:  .venv/bin/pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.build import build

GOLDEN = Path(__file__).parent / "golden"
CASES = [("brief", "md"), ("brief", "html"), ("card", "md"), ("card", "html")]


@pytest.mark.parametrize(("layout", "fmt"), CASES)
def test_sample_output_matches_golden(
    sample: Path, layout: str, fmt: str, request: pytest.FixtureRequest
) -> None:
    result = build(formats=[fmt], layouts=(layout,))
    assert not result.report.problems
    name = f"london-summit.{fmt}" if layout == "brief" else f"london-summit.{layout}.{fmt}"
    actual = (sample / "build" / name).read_text(encoding="utf-8")
    path = GOLDEN / name
    if request.config.getoption("--update-golden"):
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run pytest tests/test_golden.py --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from its golden file; if intended, run with --update-golden"
    )
