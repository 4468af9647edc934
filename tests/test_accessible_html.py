"""The self-contained HTML has no axe-core violations in headless Chromium."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest

from conftest import run_cli

CHROMIUM, DRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM.exists() and DRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver: sh scripts/bootstrap --test",
)


def _axe(page: Path) -> list[dict[str, object]]:
    from axe_selenium_python import Axe
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="briefgen-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
        f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    try:
        driver.get(page.as_uri())
        axe = Axe(driver)  # the axe.min.js bundled in the package: nothing is downloaded
        axe.inject()
        return list(axe.run()["violations"])
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.mark.parametrize("layout", ["brief", "card"])
def test_sample_html_has_no_axe_violations(sample: Path, layout: str) -> None:
    result = run_cli("build", "--format", "html", "--template", layout)
    assert result.exit_code == 0, result.stderr
    name = "london-summit.html" if layout == "brief" else "london-summit.card.html"
    page = sample / "build" / name
    html = page.read_text(encoding="utf-8")
    assert '<a class="skip" href="#content">' in html and '<main id="content">' in html
    violations = _axe(page)
    assert not violations, [(v["id"], v["help"]) for v in violations]


def test_axe_does_report_a_page_without_landmarks_or_language(tmp_path: Path) -> None:
    """The check can fail: a bare page with a heading skipped and no lang is reported."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><html><body><h3>x</h3><p>y</p></body></html>")
    ids = {v["id"] for v in _axe(page)}
    assert "html-has-lang" in ids
