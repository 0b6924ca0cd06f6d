"""The workspace in a real browser (Debian's Chromium through Playwright) against a live
`eslabon serve`; screenshots are kept in test-artifacts/web/."""

from __future__ import annotations

import subprocess
import sys
import time

import httpx
from playwright.sync_api import Page, expect

from tests.web.conftest import Server, shot


def _top_target(server: Server) -> dict:
    targets = httpx.get(f"{server.url}/api/targets", timeout=30).json()["targets"]
    return next(t for t in targets if t["rank"] == 1)


def test_search_entity_trace_network_case_file(page: Page, server: Server) -> None:
    target = _top_target(server)
    page.goto(f"{server.url}/search")
    page.fill("#q", target["name"])
    page.press("#q", "Enter")
    expect(page.locator("#result-count")).to_be_visible()
    shot(page, "01-search")
    page.locator(f"a.hit[href='/entities/{target['entity_id']}']").click()
    expect(page.locator("#entity-caption")).to_have_text(target["name"])
    expect(page.locator("#evidence tbody tr").first).to_be_visible()
    shot(page, "02-entity")

    page.click("#trace-link")
    expect(page.locator("section.stage").first).to_be_visible()
    assert page.locator(".actor").count() > 1
    shot(page, "03-trace")

    page.click("#open-network")
    cy = page.locator("#cy[data-ready='1']")
    expect(cy).to_be_visible(timeout=20_000)
    assert int(cy.get_attribute("data-chain") or 0) > 1  # the traced chain is highlighted
    shot(page, "04-network")
    before = int(cy.get_attribute("data-visible-edges"))
    page.locator("#t-from").fill("950")  # a late time window hides the earlier ties
    page.locator("#t-from").dispatch_event("input")
    # the count updates when the page has applied the window (under load that can lag the
    # event): wait for it to change, then check that it fell
    expect(cy).not_to_have_attribute("data-visible-edges", str(before))
    assert int(cy.get_attribute("data-visible-edges")) < before
    page.evaluate("n => window.eslabonCy.getElementById(n).emit('tap')", target["entity_id"])
    expect(cy).to_have_attribute("data-expanded", target["entity_id"])
    with page.expect_download() as png:
        page.click("#export-png")
    assert png.value.suggested_filename.endswith(".png")

    page.goto(f"{server.url}/entities/{target['entity_id']}")
    with page.expect_download(timeout=60_000) as case:
        page.click("#case-html")
    path = case.value.path()
    assert target["name"] in path.read_text(encoding="utf-8")
    assert case.value.suggested_filename.startswith(f"case-{target['entity_id']}")


def test_review_decision_changes_the_next_resolution(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/review")
    pairs = page.locator("section.pair")
    expect(pairs.first).to_be_visible()
    shot(page, "05-review")
    chosen = None
    for i in range(pairs.count()):
        s = pairs.nth(i)
        if s.get_attribute("data-entity-l") != s.get_attribute("data-entity-r"):
            chosen, verdict = s, "same"
            break
    if chosen is None:  # every uncertain pair is already merged: split one instead
        chosen, verdict = pairs.first, "different"
    a, b = chosen.get_attribute("data-pair").split("|")
    chosen.focus()
    page.keyboard.press(verdict[0])  # the keyboard shortcut (s / d)
    expect(page.locator(f"section.pair[data-pair='{a}|{b}']")).to_have_count(0)
    expect(page.locator("#decided")).to_be_visible()

    # The server lets go of the file when idle; the next `eslabon resolve` applies the verdict.
    deadline = time.monotonic() + 30
    while True:
        res = subprocess.run(
            [sys.executable, "-m", "eslabon", "resolve", "--store", str(server.store)],
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        if res.returncode == 0 or time.monotonic() > deadline or "lock" not in res.stderr:
            break
        time.sleep(0.5)
    assert res.returncode == 0, res.stderr
    ea = httpx.get(f"{server.url}/api/entities/{a}", timeout=30).json()["entity_id"]
    eb = httpx.get(f"{server.url}/api/entities/{b}", timeout=30).json()["entity_id"]
    assert (ea == eb) if verdict == "same" else (ea != eb)
    page.goto(f"{server.url}/review")
    expect(page.locator(f"section.pair[data-pair='{a}|{b}']")).to_have_count(0)


def test_language_switch_persists(page: Page, server: Server) -> None:
    page.goto(f"{server.url}/search")
    expect(page.locator("#nav-search")).to_have_text("Search")
    page.click("#lang-es")
    expect(page.locator("#nav-search")).to_have_text("Búsqueda")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    page.goto(f"{server.url}/sources")  # a new page, same choice (cookie)
    expect(page.locator("#nav-sources")).to_have_text("Fuentes")
    expect(page.locator("h1")).to_have_text("Fuentes")
    shot(page, "06-sources-es")
    page.goto(f"{server.url}/targets")
    expect(page.locator("h1")).to_have_text("Objetivos de persecución penal")
    shot(page, "07-targets-es")
    page.click("#lang-en")
    expect(page.locator("h1")).to_have_text("Prosecution targets")


def test_read_only_server_offers_no_changes(page: Page, read_only_server: Server) -> None:
    page.goto(f"{read_only_server.url}/review")
    expect(page.locator(".badge.ro")).to_be_visible()
    expect(page.locator("button.decide").first).to_be_disabled()
    page.goto(f"{read_only_server.url}/sources")
    expect(page.locator("#ingest-form button")).to_be_disabled()
    shot(page, "08-read-only")
