"""The app through FastAPI's test client: the token, importing, the dashboard, the date filter,
quotes in context, reports, settings, deleting, and errors."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, timedelta
from html import unescape
from pathlib import Path

import pytest

from pushpull.analysis import Analysis, analyze
from pushpull.errors import (
    ConversationNotFoundError,
    ParseError,
    PushPullError,
    StoreBusyError,
    StoreError,
    UsageError,
)
from pushpull.report import inline_script, plotly_js
from pushpull.store import Store, import_file, load_messages
from pushpull.web import SECURITY_HEADERS, WebConfig, cookie_name, create_app
from pushpull.web._imports import UPLOADS_FOLDER
from pushpull.web._preferences import PREFERENCES_FILE
from pushpull.web._rendering import status_of
from tests.web.conftest import HX, TOKEN, TestClient, local_client, upload, wait_for_import


def imported(home: Path, export: Path) -> Analysis:
    """Import ``export`` as Alex (the way the CLI does) and analyse it directly."""
    with Store(home) as store:
        import_file(store, export, me="Alex")
        frame = load_messages(store, "Sam")
    return analyze(frame, me="Alex", conversation="Sam")


def cycles_shown(html: str) -> int:
    match = re.search(r'data-cycles="(\d+)"', html)
    assert match is not None
    return int(match.group(1))


def test_without_the_token_everything_is_forbidden(home: Path) -> None:
    with local_client(create_app(home, token=TOKEN)) as anonymous:
        for url in ("/", "/settings", "/c/1", "/static/app.js", "/away", "/?token=wrong"):
            assert anonymous.get(url).status_code == 403, url
        assert anonymous.post("/import", files={"file": ("a.txt", b"x")}).status_code == 403
        anonymous.cookies.set(cookie_name(TOKEN), "guess")
        assert anonymous.get("/").status_code == 403
        assert "link it printed" in anonymous.get("/").text


def test_the_token_becomes_a_cookie_and_leaves_the_address(home: Path) -> None:
    with local_client(create_app(home, token=TOKEN)) as browser:
        first = browser.get(f"/c/1?since=2025-01-01&token={TOKEN}", follow_redirects=False)
        assert first.status_code == 303
        assert first.headers["location"] == "/c/1?since=2025-01-01"
        cookie = first.headers["set-cookie"]
        assert cookie.startswith(f"{cookie_name(TOKEN)}={TOKEN};")
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie
        assert browser.get("/").status_code == 200


def test_two_launches_use_different_cookies() -> None:
    assert cookie_name("one") != cookie_name("two")


def test_every_response_carries_the_security_headers(client: TestClient) -> None:
    for url in ("/", "/static/pushpull.css", "/no-such-page"):
        response = client.get(url)
        for name, value in SECURITY_HEADERS.items():
            assert response.headers[name] == value
    assert client.get("/").headers["cache-control"] == "no-store"
    assert "script-src 'self';" in SECURITY_HEADERS["Content-Security-Policy"]


def test_upload_then_choose_yourself_then_the_dashboard(
    client: TestClient, sam_export: Path
) -> None:
    started = upload(client, sam_export)
    assert started.status_code == 200 and "<progress" in started.text
    done = wait_for_import(client, started)
    assert done.status_code == 200
    assert re.search(r"Imported WhatsApp Chat with Sam\.txt: [\d,]+ new messages", done.text)
    assert "Which one is you?" in done.text and 'value="Alex"' in done.text
    # the start page lists it, still asking
    assert "Which one is you?" in client.get("/").text
    assert "needs to know which of these people is you" in client.get("/c/1").text
    chosen = client.post("/c/1/me", data={"name": "Alex"}, headers=HX)
    assert 'href="/c/1" data-go="1"' in chosen.text
    page = client.get("/c/1")
    assert page.status_code == 200
    assert "hot-and-cold cycle" in page.text
    assert 'id="quick-exit"' in page.text and 'data-exit="/away"' in page.text


def test_upload_without_javascript_waits_and_shows_the_start_page(
    client: TestClient, sam_export: Path
) -> None:
    page = upload(client, sam_export, htmx=False)
    assert page.status_code == 200
    assert "<html" in page.text and "Imported WhatsApp Chat with Sam.txt" in page.text
    again = upload(client, sam_export, htmx=False)
    assert "was imported before: nothing new to add" in again.text


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


#: Files people drop by mistake, and the words the page must name them with.
NOT_CHATS = [
    ("chat.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "looks like a PDF document"),
    (
        "chat.docx",
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        "looks like a Word or office document",
    ),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "a Word or office document"),
    ("screenshot.png", b"\x89PNG\r\n\x1a\n" + bytes(64), "looks like a picture"),
    ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(64), "looks like a picture"),
    ("IMG_1.HEIC", b"\x00\x00\x00\x18ftypheic" + bytes(64), "looks like a picture"),
    ("messages.html", b"<!DOCTYPE html><html><head><title>Chat</title>", "a web page (HTML)"),
    ("photos.zip", _zip({"IMG-001.jpg": b"\xff\xd8\xff\xe0" + bytes(32)}), "a zip file with no"),
    ("empty.txt", b"", "looks like an empty file"),
    ("noise.bin", bytes(range(256)) * 8, "looks like binary data"),
    ("notes.txt", b"just some notes\n", "notes.txt is not a chat export pushpull knows"),
]


@pytest.mark.parametrize(("name", "data", "words"), NOT_CHATS, ids=[n for n, _, _ in NOT_CHATS])
def test_a_file_that_is_no_export_is_named_in_plain_words(
    client: TestClient, name: str, data: bytes, words: str
) -> None:
    response = client.post(
        "/import", files={"file": (name, data, "application/octet-stream")}, headers=HX
    )
    failed = wait_for_import(client, response)
    assert failed.status_code == 422
    assert "<html" not in failed.text  # a part of the page, for htmx to swap in
    assert "This file is not a chat export pushpull can read" in failed.text
    assert words in failed.text
    # one line per app on how to export, and every reader's complaint behind "details"
    for app in ("WhatsApp", "Telegram", "Signal", "iMessage", "Messenger", "SMS", "Discord"):
        assert f"<strong>{app}" in failed.text
    assert "<summary>Details: what each reader said</summary>" in failed.text
    assert "--" not in failed.text.split("<details")[0]  # no command-line flags on the page


def test_pages_say_what_to_do_in_the_page_not_on_the_command_line(
    client: TestClient, sam_export: Path
) -> None:
    wait_for_import(client, upload(client, sam_export))
    for path in ("/", "/settings", "/c/1", "/c/99", "/no-such-page"):
        text = client.get(path).text
        for command in ("--format", "--home", "--column", "That command needs a change"):
            assert command not in text, (path, command)


def test_a_deleted_conversation_is_gone_not_a_broken_data_folder(
    client: TestClient, sam_export: Path
) -> None:
    wait_for_import(client, upload(client, sam_export))
    client.post("/c/1/forget")
    gone = client.get("/c/1")
    assert gone.status_code == 404
    assert "This conversation is not here any more" in gone.text
    assert "data folder needs attention" not in gone.text
    assert "Nothing imported yet" in client.get("/").text


def test_after_an_import_the_list_is_never_empty(client: TestClient, sam_export: Path) -> None:
    done = wait_for_import(client, upload(client, sam_export))
    assert 'id="conversations"' in done.text and 'hx-swap-oob="true"' in done.text
    assert "Nothing imported yet" not in done.text


def test_an_upload_over_the_limit_is_refused_and_not_kept(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(spool))
    app = create_app(home, token=TOKEN, config=WebConfig(max_upload_bytes=10))
    with local_client(app) as small:
        small.get(f"/?token={TOKEN}")
        response = small.post("/import", files={"file": ("big.txt", b"x" * 100)})
    assert response.status_code == 413
    assert "larger than pushpull accepts" in response.text
    assert not list(spool.iterdir())
    assert not list((home / UPLOADS_FOLDER).iterdir())


def test_the_dashboard_shows_the_analysis(client: TestClient, home: Path, sam_export: Path) -> None:
    expected = imported(home, sam_export)
    html = client.get("/c/1").text
    assert expected.headline in html
    assert cycles_shown(html) == expected.cycles.count >= 2
    for finding in [*expected.signs, *expected.red_flags]:
        assert f'id="finding-{finding.id}"' in html
    for key in ("timeline", "replies", "initiations", "follow_ups", "effort"):
        assert f'id="chart-{key}-figure"' in html
    assert "/static/plotly.min.js" in html
    quoted = [q for f in expected.signs for q in f.evidence.quotes]
    if quoted:
        assert f'hx-get="/c/1/around/{quoted[0].ref}?part=1"' in html


def test_the_date_filter_reruns_the_analysis(
    client: TestClient, home: Path, sam_export: Path
) -> None:
    full = imported(home, sam_export)
    until = full.period.start + timedelta(days=44)
    part = client.get(f"/c/1?since=&until={until}", headers=HX)
    assert part.status_code == 200
    assert part.text.lstrip().startswith('<div id="dashboard"')  # only the part that changes
    with Store(home) as store:
        frame = load_messages(store, "Sam")
    expected = analyze(frame, me="Alex", until=until, conversation="Sam")
    assert expected.headline in part.text and expected.headline != full.headline
    assert cycles_shown(part.text) == expected.cycles.count != full.cycles.count
    assert f'data-period-days="{expected.period.days}"' in part.text
    # dates covering everything are the unfiltered analysis
    everything = f"/c/1?since={full.period.start}&until={full.period.end}"
    assert full.headline in client.get(everything).text


def test_later_views_come_from_the_cache_until_the_data_changes(
    client: TestClient, home: Path, sam_export: Path, tmp_path: Path
) -> None:
    imported(home, sam_export)
    state = client.app.state.pushpull  # type: ignore[attr-defined]
    client.get("/c/1")
    misses = state.analyses.misses
    client.get("/c/1")
    client.get("/c/1", headers=HX)
    assert state.analyses.misses == misses and state.analyses.hits >= 2
    newer = tmp_path / "WhatsApp Chat with Sam (2).txt"
    text = sam_export.read_text("utf-8")
    newer.write_text(text + "06/05/2025, 10:00 - Sam: one more\n", encoding="utf-8")
    with Store(home) as store:
        assert import_file(store, newer, me="Alex").n_added == 1
    client.get("/c/1")
    assert state.analyses.misses == misses + 1


def test_a_quote_opens_in_its_conversation(
    client: TestClient, home: Path, sam_export: Path
) -> None:
    expected = imported(home, sam_export)
    quote = next(q for f in expected.signs for q in f.evidence.quotes)
    part = client.get(f"/c/1/around/{quote.ref}?part=1")
    assert part.status_code == 200 and "<html" not in part.text
    assert part.text.count('class="message') == 21
    assert 'aria-current="true"' in part.text
    page = client.get(f"/c/1/around/{quote.ref}")
    assert "<html" in page.text and "Back to the findings" in page.text
    assert client.get("/c/1/around/999999999").status_code == 404


def test_the_report_downloads_as_one_file(client: TestClient, home: Path, sam_export: Path) -> None:
    expected = imported(home, sam_export)
    plain = client.get("/c/1/report")
    assert plain.headers["content-disposition"] == 'attachment; filename="pushpull-report.html"'
    assert expected.headline in plain.text
    hidden = client.get("/c/1/report?redact=1")
    assert "redacted" in hidden.headers["content-disposition"]
    body = hidden.text.replace(str(inline_script(plotly_js())), "")
    assert not re.search(r"\b(Alex|Sam)\b", body)


def test_settings_show_roles_instead_of_names(
    client: TestClient, home: Path, sam_export: Path
) -> None:
    expected = imported(home, sam_export)
    assert "Sam" in client.get("/c/1").text
    saved = client.post("/settings", data={"names": "roles", "language": "xx"}, headers=HX)
    assert "Saved." in saved.text
    assert '"names": "roles"' in (home / PREFERENCES_FILE).read_text("utf-8")
    assert '"language": "auto"' in (home / PREFERENCES_FILE).read_text("utf-8")
    dashboard = client.get("/c/1").text
    assert not re.search(r"\b(Alex|Sam)\b", dashboard)
    assert "Partner" in dashboard
    quote = next(q for f in expected.signs for q in f.evidence.quotes)
    around = client.get(f"/c/1/around/{quote.ref}?part=1").text
    assert not re.search(r"\b(Alex|Sam)\b", around) and "Partner" in around
    settings = client.get("/settings").text
    assert str(home) in settings and 'value="roles" checked' in settings
    # everywhere: the start page, the list to delete from, and the report file
    assert not re.search(r"\b(Alex|Sam)\b", client.get("/").text)
    assert "Conversation 1" in client.get("/").text
    assert not re.search(r"\b(Alex|Sam)\b", settings)
    report = client.get("/c/1/report")
    text = report.text.replace(str(inline_script(plotly_js())), "")
    assert not re.search(r"\b(Alex|Sam)\b", text) and "Partner" in text
    assert "redacted" in report.headers["content-disposition"]


def test_the_country_setting_orders_the_help_lines(client: TestClient, home: Path) -> None:
    saved = client.post("/settings", data={"country": "ES"}, headers=HX)
    assert "Saved." in saved.text
    assert '"country": "ES"' in (home / PREFERENCES_FILE).read_text("utf-8")
    assert 'value="ES" selected' in client.get("/settings").text
    client.post("/settings", data={"country": "not a country"}, headers=HX)
    assert '"country": "ES"' in (home / PREFERENCES_FILE).read_text("utf-8")
    client.post("/settings", data={"country": "auto"}, headers=HX)
    page = client.get("/settings", headers={"Accept-Language": "en-NZ,en;q=0.8"}).text
    assert "My browser's region (NZ)" in page


def test_a_conversation_can_be_deleted(client: TestClient, home: Path, sam_export: Path) -> None:
    imported(home, sam_export)
    client.get("/c/1")
    part = client.post("/c/1/forget", headers=HX)
    assert "Deleted Sam." in part.text and "No conversations are stored." in part.text
    gone = client.get("/c/1")
    assert gone.status_code == 404 and "This conversation is not here any more" in gone.text
    assert len(client.app.state.pushpull.analyses) == 0  # type: ignore[attr-defined]
    assert client.post("/c/1/forget", follow_redirects=False).status_code == 404


def test_errors_become_pages_in_one_place(client: TestClient, home: Path, sam_export: Path) -> None:
    imported(home, sam_export)
    bad = client.get("/c/1?since=yesterday")
    assert bad.status_code == 400 and "<html" in bad.text
    assert "That needs a change" in bad.text and "'yesterday' is not a date" in unescape(bad.text)
    early = date(2000, 1, 1)
    empty = client.get(f"/c/1?since={early}&until={early}", headers=HX)
    assert empty.status_code == 400 and "<html" not in empty.text
    assert "There are no messages to analyse in this period" in empty.text
    assert client.get("/nowhere").status_code == 404
    assert "There is no such page" in client.get("/nowhere").text
    missing = client.post("/c/1/me", data={}, headers=HX)
    assert missing.status_code == 400 and "Something was missing" in missing.text
    stranger = client.post("/c/1/me", data={"name": "Robin"}, headers=HX)
    assert stranger.status_code == 400
    assert "'Robin' is not in the conversation" in unescape(stranger.text)


def test_assets_come_from_a_fixed_list(client: TestClient) -> None:
    for name, kind in (
        ("app.js", "javascript"),
        ("page.js", "javascript"),
        ("htmx.min.js", "javascript"),
        ("plotly.min.js", "javascript"),
        ("pushpull.css", "css"),
    ):
        response = client.get(f"/static/{name}")
        assert response.status_code == 200 and kind in response.headers["content-type"]
    for name in ("..%2F_app.py", "%2E%2E%2F%2E%2E%2Fconfig.py", "app.py", "vendor%2FLICENSE-htmx"):
        assert client.get(f"/static/{name}").status_code == 404


def test_the_neutral_page_gives_nothing_away(client: TestClient) -> None:
    away = client.get("/away").text
    assert "<title>Weather</title>" in away
    assert "pushpull" not in away.lower() and "<script" not in away


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ConversationNotFoundError("x", []), 404),
        (StoreBusyError(Path("pushpull.duckdb")), 409),
        (ParseError("broken"), 422),
        (StoreError("disk"), 500),
        (UsageError("no"), 400),
        (PushPullError("other"), 400),
    ],
)
def test_each_kind_of_error_has_its_status(error: PushPullError, status: int) -> None:
    assert status_of(error) == status
