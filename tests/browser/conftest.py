"""Headless Chromium for the explorer's browser tests (marker `browser`).

Debian's `chromium` driven by Playwright (`executable_path`), so no browser
download is needed; ARGMAP_CHROMIUM overrides the path. Without Chromium or
Playwright the tests are skipped with the reason.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
# tools/ is not a package: the launch settings live with the screenshot tool.
from screenshot import BROWSER_ARGS
from screenshot import CHROMIUM as _CHROMIUM

CHROMIUM = Path(_CHROMIUM)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright is not installed (pip install playwright)")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=BROWSER_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page; any script error on it fails the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.on("dialog", lambda d: (errors.append(f"dialog: {d.message}"), d.dismiss()))
    tab.set_default_timeout(15_000)
    yield tab
    context.close()
    assert not errors, errors
