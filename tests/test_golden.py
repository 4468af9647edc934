"""The sample brief's rendered Markdown and HTML, compared with golden files.

Regenerate after an intended change with:  pytest tests/test_golden.py --update-golden
"""

from __future__ import annotations

from pathlib import Path

import pytest

from briefgen.build import build

GOLDEN = Path(__file__).parent / "golden"


def _check(actual: str, name: str, update: bool) -> None:
    path = GOLDEN / name
    if update:
        path.write_text(actual, encoding="utf-8")
        return
    assert path.exists(), f"{path} is missing: run pytest tests/test_golden.py --update-golden"
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, (
        f"{name} differs from its golden file; if intended, run with --update-golden"
    )


@pytest.mark.parametrize("fmt", ["md"])
def test_sample_output_matches_golden(
    sample: Path, fmt: str, request: pytest.FixtureRequest
) -> None:
    result = build(formats=[fmt])
    assert not result.report.problems
    output = sample / "build" / f"london-summit.{fmt}"
    _check(
        output.read_text(encoding="utf-8"),
        f"london-summit.{fmt}",
        request.config.getoption("--update-golden"),
    )
