"""The app in a real browser: Debian's Chromium driven by Playwright, against the server on a free
loopback port. Screenshots of each page, at desktop width and at 375 px, are saved in
``tests/web/artifacts/``. Every request the pages make is recorded; none may leave loopback."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pushpull.store import Store, import_file, is_encrypted
from pushpull.synth import generate, render, write
from pushpull.web import RunningServer, start_server

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
]
ARTIFACTS = Path(__file__).parent / "artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
#: Sam's chat is uploaded through the page; Jordan's is in the store from the start.
PLANTED_CYCLES = 3
LOCAL_SCHEMES = ("about", "data", "blob", "file")
PASSPHRASE = "a passphrase for the browser test"

if not CHROMIUM.exists():
    if os.environ.get("PUSHPULL_REQUIRE_BROWSER"):
        raise RuntimeError(f"{CHROMIUM} is missing (install it with apt-get install chromium)")
    pytest.skip(f"{CHROMIUM} is not installed", allow_module_level=True)

from playwright.sync_api import (  # noqa: E402  (only when Chromium is there)
    Browser,
    BrowserContext,
    Page,
    Request,
    Route,
    expect,
    sync_playwright,
)


@pytest.fixture(scope="module")
def sam_upload(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chat = generate("hot_cold", seed=5, days=120, n_cycles=PLANTED_CYCLES, me="Alex", partner="Sam")
    assert chat.truth.n_cycles == PLANTED_CYCLES
    return write(render(chat, "whatsapp"), tmp_path_factory.mktemp("upload"))


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    root = tmp_path_factory.mktemp("browser")
    # Someone else than Alex, so pushpull cannot guess who Alex's upload belongs to and asks.
    chat = generate("hot_cold", seed=9, days=120, n_cycles=3, me="Robin", partner="Jordan")
    export = write(render(chat, "whatsapp"), root / "export")
    with Store(root / "home") as store:
        import_file(store, export, me="Robin")  # conversation 1: Jordan
    running = start_server(root / "home")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


#: Every request any page made, across the module.
REQUESTS: list[str] = []


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in LOCAL_SCHEMES or parts.hostname == "127.0.0.1"


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    ctx = browser.new_context(viewport=DESKTOP, accept_downloads=True)
    offsite: list[str] = []

    def guard(route: Route, request: Request) -> None:
        if _is_local(request.url):
            route.continue_()
        else:
            offsite.append(request.url)
            route.abort()

    ctx.route("**/*", guard)
    ctx.on("request", lambda request: REQUESTS.append(request.url))
    yield ctx
    ctx.close()
    assert offsite == [], f"requests left the machine: {offsite}"


@pytest.fixture
def page(context: BrowserContext, server: RunningServer) -> Iterator[Page]:
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    tab.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )
    tab.goto(server.url)
    expect(tab.locator("h1")).to_have_text("See what is happening in a conversation")
    yield tab
    assert problems == [], problems


def charts_drawn(page: Page) -> None:
    charts = page.locator(".chart[data-figure]")
    expect(page.locator(".chart[data-drawn='1'] .main-svg").first).to_be_visible()
    expect(page.locator(".chart[data-drawn='1']")).to_have_count(charts.count())


def shoot(page: Page, name: str) -> None:
    """Screenshots at both widths; the phone width must not scroll sideways."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}-desktop.png", full_page=True)
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(250)  # the charts follow the new width
    width = page.evaluate("document.documentElement.scrollWidth")
    too_wide = page.evaluate(
        "Array.from(document.querySelectorAll('body *'))"
        ".filter(e => e.getBoundingClientRect().right > innerWidth + 1"
        " && !e.closest('.table-scroll')).slice(0, 5)"
        ".map(e => e.tagName + '.' + e.className)"
    )
    page.screenshot(path=ARTIFACTS / f"{name}-375px.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    assert width <= PHONE["width"], f"{name} is {width}px wide at 375px: {too_wide}"


def open_dashboard(page: Page, conv_id: int = 1) -> None:
    page.get_by_role("link", name=re.compile("See what pushpull found")).nth(conv_id - 1).click()
    page.wait_for_url(f"**/c/{conv_id}")
    charts_drawn(page)


def test_upload_through_the_file_picker_shows_the_dashboard(page: Page, sam_upload: Path) -> None:
    shoot(page, "start")
    page.set_input_files("#export-file", str(sam_upload))
    picker = page.locator(".import-done .who-picker")
    expect(picker).to_be_visible(timeout=30_000)
    picker.get_by_role("button", name="Alex").click()
    page.wait_for_url("**/c/2", timeout=30_000)
    expect(page.locator("#headline")).to_contain_text(f"{PLANTED_CYCLES} hot-and-cold cycles")
    expect(page.get_by_test_id("cycles")).to_contain_text(f"make {PLANTED_CYCLES} full cycles")
    charts_drawn(page)
    assert page.locator(".card").count() >= 8
    shoot(page, "dashboard")


def test_a_sign_card_expands_to_a_quote_in_its_conversation(page: Page) -> None:
    open_dashboard(page)
    card = page.locator("#s-signs ~ .cards .card:has(.quote)").first
    evidence = card.locator("details.evidence")
    evidence.locator("summary").first.click()
    quote = card.locator(".quote").first
    expect(quote).to_be_visible()
    said = quote.locator("blockquote").inner_text().strip()
    expect(card.locator("table.metrics")).to_be_visible()
    quote.get_by_text("See it in the conversation").click()
    quoted = quote.locator(".context-messages .message.quoted")
    expect(quoted).to_be_visible()
    assert said in quoted.inner_text()
    assert quote.locator(".context-messages .message").count() > 1
    quoted.scroll_into_view_if_needed()
    shoot(page, "evidence")


def test_the_date_filter_changes_the_numbers(page: Page) -> None:
    open_dashboard(page)
    cycles = page.get_by_test_id("cycles")
    before = (cycles.inner_text(), page.get_by_test_id("period").inner_text())
    first_day = page.locator("input[name=since]").input_value()
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", first_day)
    page.fill("input[name=until]", first_day[:5] + "02-15")
    page.get_by_role("button", name="Show these dates").click()
    expect(page.get_by_test_id("period")).not_to_have_text(before[1])
    after = (cycles.inner_text(), page.get_by_test_id("period").inner_text())
    assert after[0] != before[0] and "15 Feb" in after[1]
    assert "until=" in page.url
    charts_drawn(page)


def test_pages_work_from_the_keyboard(page: Page) -> None:
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    page.get_by_role("link", name="Settings").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/settings")
    expect(page.locator("h1")).to_have_text("Settings")
    shoot(page, "settings")


def test_printing_leaves_out_the_controls(page: Page) -> None:
    open_dashboard(page)
    page.emulate_media(media="print")
    for hidden in ("#quick-exit", ".site-nav", ".filter"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("#headline")).to_be_visible()
    page.emulate_media(media="screen")
    expect(page.locator("#quick-exit")).to_be_visible()


def test_quick_exit_leaves_nothing_to_go_back_to(
    page: Page, context: BrowserContext, server: RunningServer
) -> None:
    open_dashboard(page)
    page.get_by_role("link", name="Settings").click()
    page.wait_for_url("**/settings")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url("**/away")
    assert page.title() == "Weather"
    page.go_back()
    assert page.url == "about:blank"  # the tab's page before the app, not the app

    other = context.new_page()
    other.goto(server.base_url + "/c/1")
    charts_drawn(other)
    other.locator("#quick-exit").click()
    other.wait_for_url("**/away")
    shoot(other, "away")


def test_the_redacted_report_names_nobody(
    page: Page, context: BrowserContext, tmp_path: Path
) -> None:
    open_dashboard(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Save it without names or contact details").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "pushpull-report-redacted.html"
    assert saved.stat().st_size < 6_000_000
    report = context.new_page()
    report.goto(saved.as_uri())
    charts_drawn(report)
    text = report.inner_text("body")
    figures = report.evaluate(
        "Array.from(document.querySelectorAll('.chart[data-figure]'))"
        ".map(c => c.getAttribute('data-figure')).join(' ')"
    )
    for name in ("Robin", "Jordan"):
        assert not re.search(rf"\b{name}\b", text + figures, re.IGNORECASE), name
    assert "Partner" in text
    shoot(report, "report-redacted")


def test_encrypt_lock_and_unlock_from_the_page(
    context: BrowserContext, tmp_path: Path, sam_upload: Path
) -> None:
    with Store(tmp_path / "home") as store:
        import_file(store, sam_upload, me="Alex")
    running = start_server(tmp_path / "home")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(str(error)))
    try:
        tab.goto(running.url)
        tab.get_by_role("link", name="Settings").click()
        tab.get_by_label("Choose a passphrase").fill(PASSPHRASE)
        tab.get_by_label("Type it again").fill(PASSPHRASE)
        tab.get_by_role("button", name="Encrypt my data").click()
        expect(tab.get_by_role("status")).to_contain_text("now encrypted")
        assert is_encrypted(tmp_path / "home")
        shoot(tab, "settings-encrypted")

        tab.get_by_role("button", name="Lock", exact=True).click()
        expect(tab.locator("h1")).to_have_text("Your data is locked")
        tab.goto(running.base_url + "/c/1")  # a page of the app asks first, then comes back
        tab.get_by_label("Passphrase").fill("not the passphrase")
        tab.get_by_role("button", name="Unlock").click()
        expect(tab.get_by_role("alert")).to_contain_text("does not open your data")
        shoot(tab, "unlock")
        tab.get_by_label("Passphrase").fill(PASSPHRASE)
        tab.get_by_role("button", name="Unlock").click()
        tab.wait_for_url("**/c/1")
        charts_drawn(tab)
    finally:
        running.stop()
    assert problems == [], problems


def test_no_request_left_the_machine() -> None:
    assert REQUESTS, "the other browser tests record their requests"
    assert all(_is_local(url) for url in REQUESTS)
