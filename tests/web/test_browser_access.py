"""Signing in, in a real browser, on the labelled world: two agencies see one actor differently,
and an originator-controlled case file waits for the originator's decision."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.access.test_matrix import labelled  # noqa: F401  (the shared world fixture)
from tests.web.conftest import Server, shot
from tests.worlds import copy_workspace


@pytest.fixture(scope="module")
def labelled_server(
    labelled: Path,  # noqa: F811
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    srv = Server(copy_workspace(labelled, tmp_path_factory.mktemp("served-labelled")))
    yield srv
    srv.stop()


def sign_in(page: Page, server: Server, user: str, then: str = "/search") -> None:
    page.goto(f"{server.url}{then}")
    expect(page.locator("#login-form")).to_be_visible()  # sent to the log-on page first
    page.fill("#login-username", user)
    page.fill("#login-password", f"demo-{user}")
    page.click("#login-submit")
    expect(page.locator("#who")).to_contain_text(user)


def test_two_agencies_see_one_actor_differently(page: Page, labelled_server: Server) -> None:
    sign_in(page, labelled_server, "fgr-investigator", "/targets")
    shot(page, "access-01-fgr-targets")
    first = page.locator("a[href^='/entities/P-']").first
    href = first.get_attribute("href")
    assert href
    page.goto(f"{labelled_server.url}{href}")
    expect(page.locator("#entity-caption")).to_be_visible()
    fgr_rows = page.locator("#evidence tbody tr").count()
    fgr_sources = page.locator("#evidence").inner_text()
    shot(page, "access-02-fgr-entity")
    page.click("#logout")
    expect(page.locator("#login-form")).to_be_visible()

    sign_in(page, labelled_server, "cbp-analyst", href)
    shot(page, "access-03-cbp-entity")
    cbp_text = page.content()
    # FGR's carpetas stay in Mexico: CBP never sees them, and sees the actor only through
    # what the two countries share (or not at all).
    assert "fgr_carpetas" not in cbp_text
    if "fgr_carpetas" in fgr_sources:
        cbp_rows = page.locator("#evidence tbody tr").count()
        assert cbp_rows < fgr_rows


def test_wrong_password_is_refused_on_the_page(page: Page, labelled_server: Server) -> None:
    page.goto(f"{labelled_server.url}/login")
    page.fill("#login-username", "hsi-analyst")
    page.fill("#login-password", "wrong")
    page.click("#login-submit")
    expect(page.locator("#login-failed")).to_be_visible()
    shot(page, "access-04-refused")
