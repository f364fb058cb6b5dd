"""The local server against the attacks issue 5 names: another address (bind), DNS rebinding
(Host), a hostile page in the same browser (Origin/Referer, CSRF), framing and caching (headers),
oversized bodies (413) and paths from requests."""

from __future__ import annotations

import re
import socket
import stat
from pathlib import Path

import httpx
import pytest

from pushpull.errors import UsageError
from pushpull.synth import generate, render, write
from pushpull.web import WebConfig, check_host, cookie_name, create_app, csrf_token, start_server
from pushpull.web._imports import UPLOADS_FOLDER
from pushpull.web._preferences import PREFERENCES_FILE
from tests.web.conftest import BASE_URL, CSRF, TOKEN, TestClient, local_client

ORIGIN = BASE_URL
FORM = {"names": "roles", "language": "auto"}


@pytest.fixture
def browser(tmp_path: Path) -> TestClient:
    """A client holding the launch cookie but sending no CSRF header of its own."""
    client = local_client(create_app(tmp_path / "home", token=TOKEN), csrf=False)
    assert client.get(f"/?token={TOKEN}").status_code == 200
    return client


@pytest.fixture(scope="module")
def sam_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small WhatsApp export of Alex and Sam."""
    chat = generate("hot_cold", seed=5, days=30, n_cycles=1, me="Alex", partner="Sam")
    return write(render(chat, "whatsapp"), tmp_path_factory.mktemp("upload-export"))


def settings_saved(home: Path) -> bool:
    return (home / PREFERENCES_FILE).exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_loopback_addresses_need_no_permission(host: str) -> None:
    assert check_host(host, allow_remote=False, config=WebConfig()).host == host


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20", "example.org"])
def test_any_other_address_is_refused_without_allow_remote(host: str) -> None:
    with pytest.raises(UsageError, match="--allow-remote"):
        check_host(host, allow_remote=False, config=WebConfig())
    allowed = check_host(host, allow_remote=True, config=WebConfig())
    assert allowed.host == host and host in allowed.allowed_host_names


def test_the_cli_refuses_a_remote_host(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from pushpull.cli import app

    result = CliRunner().invoke(
        app, ["--home", str(tmp_path), "serve", "--host", "0.0.0.0", "--no-browser"]
    )
    assert result.exit_code != 0
    assert isinstance(result.exception, UsageError)
    assert "--allow-remote" in result.exception.hint


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="this machine has no IPv6 loopback")
def test_the_server_answers_on_ipv6_loopback(tmp_path: Path) -> None:
    running = start_server(tmp_path / "home", host="::1")
    try:
        assert running.base_url.startswith("http://[::1]:")
        with httpx.Client() as client:
            assert client.get(running.url, follow_redirects=True).status_code == 200
    finally:
        running.stop()


@pytest.mark.parametrize(
    "host",
    ["evil.example:8000", "127.0.0.1:9999", "localhost.evil.example:8000", "10.0.0.1:8000", ""],
)
def test_a_foreign_host_header_is_refused_even_with_the_cookie(
    browser: TestClient, host: str
) -> None:
    response = browser.get("/", headers={"Host": host})
    assert response.status_code == 403
    assert "addresses of this computer" in response.text
    assert browser.get(f"/?token={TOKEN}", headers={"Host": host}).status_code == 403


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000"])
def test_the_loopback_names_are_accepted(browser: TestClient, host: str) -> None:
    assert browser.get("/", headers={"Host": host}).status_code == 200


def test_dns_rebinding_against_the_real_server_fails(tmp_path: Path) -> None:
    running = start_server(tmp_path / "home")
    try:
        port = running.base_url.rsplit(":", 1)[1]
        with httpx.Client() as client:
            rebound = client.get(running.url, headers={"Host": f"attacker.example:{port}"})
            assert rebound.status_code == 403 and "set-cookie" not in rebound.headers
            assert client.get(running.url, follow_redirects=True).status_code == 200
    finally:
        running.stop()


def test_a_change_without_the_csrf_token_is_refused(browser: TestClient, tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert browser.post("/settings", data=FORM).status_code == 403
    wrong = {"X-CSRF-Token": csrf_token("another launch")}
    assert browser.post("/settings", data=FORM, headers=wrong).status_code == 403
    assert browser.post("/settings", data={**FORM, "csrf": "guess"}).status_code == 403
    assert browser.post("/c/1/forget").status_code == 403
    assert browser.post("/import", files={"file": ("a.txt", b"x")}).status_code == 403
    assert not settings_saved(home)


def test_the_csrf_token_works_as_a_header_or_a_hidden_field(
    browser: TestClient, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    by_header = browser.post("/settings", data=FORM, headers=CSRF, follow_redirects=False)
    assert by_header.status_code == 303 and settings_saved(home)
    (home / PREFERENCES_FILE).unlink()
    field = {**FORM, "csrf": csrf_token(TOKEN)}
    # a plain form under Referrer-Policy: no-referrer says "Origin: null"
    by_field = browser.post(
        "/settings", data=field, headers={"Origin": "null"}, follow_redirects=False
    )
    assert by_field.status_code == 303 and settings_saved(home)


def test_the_csrf_token_lives_in_the_page_not_in_a_cookie(browser: TestClient) -> None:
    token = csrf_token(TOKEN)
    start = browser.get("/").text
    assert f'<meta name="csrf-token" content="{token}">' in start
    assert re.search(
        rf'<form id="upload"[^>]*>\s*<input type="hidden" name="csrf" value="{token}"', start
    )
    settings = browser.get("/settings").text
    assert f'name="csrf" value="{token}"' in settings
    assert token not in str(dict(browser.cookies))
    assert set(browser.cookies.keys()) == {cookie_name(TOKEN)}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://127.0.0.1:9999"},
        {"Referer": "https://evil.example/page"},
        {"Origin": "null", "Referer": "http://evil.example/"},
    ],
)
def test_a_change_from_another_site_is_refused_even_with_the_token(
    browser: TestClient, tmp_path: Path, headers: dict[str, str]
) -> None:
    response = browser.post("/settings", data=FORM, headers={**CSRF, **headers})
    assert response.status_code == 403
    assert not settings_saved(tmp_path / "home")


def test_a_change_from_the_app_itself_passes_the_origin_check(
    browser: TestClient, tmp_path: Path
) -> None:
    headers = {**CSRF, "Origin": ORIGIN, "Referer": ORIGIN + "/settings", "HX-Request": "true"}
    assert browser.post("/settings", data=FORM, headers=headers).status_code == 200
    assert settings_saved(tmp_path / "home")


def test_pages_carry_strict_headers_and_no_inline_script(browser: TestClient) -> None:
    for url in ("/", "/settings", "/away", "/no-such-page", "/api/conversations"):
        response = browser.get(url)
        csp = response.headers["content-security-policy"]
        script_src = re.search(r"script-src ([^;]*)", csp)
        assert script_src is not None and script_src.group(1) == "'self'"
        assert "frame-ancestors 'none'" in csp and "default-src 'none'" in csp
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", response.text), url
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text), url


def test_a_body_over_the_limit_gets_413_before_it_is_read(tmp_path: Path) -> None:
    config = WebConfig(max_upload_bytes=1000, max_form_bytes=100)
    with local_client(create_app(tmp_path / "home", token=TOKEN, config=config)) as client:
        client.get(f"/?token={TOKEN}")
        big_form = {"names": "x" * 500}
        assert client.post("/settings", data=big_form).status_code == 413
        big_file = {"file": ("big.txt", b"x" * 5000)}
        assert client.post("/import", files=big_file).status_code == 413
    assert not settings_saved(tmp_path / "home")


@pytest.mark.parametrize(
    "url", ["/static/..%2F_app.py", "/static/%2e%2e/config.py", "/static/../../etc/passwd"]
)
def test_no_path_is_built_from_a_request(browser: TestClient, url: str) -> None:
    response = browser.get(url)
    assert response.status_code == 404
    assert "root:" not in response.text and "def " not in response.text


def test_a_large_upload_streams_into_the_private_folder_not_the_system_temp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sam_export: Path
) -> None:
    spool = tmp_path / "system-temp"
    spool.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(spool))
    home = tmp_path / "home"
    padded = tmp_path / sam_export.name
    # over Starlette's 1 MB spooling threshold; a trailing blank tail keeps it a valid export
    padded.write_bytes(sam_export.read_bytes() + b"\n" * (3 * 1024**2))
    with local_client(create_app(home, token=TOKEN), csrf=False) as client:
        client.get(f"/?token={TOKEN}")
        with padded.open("rb") as f:
            # a browser without JavaScript: the hidden field comes before the file
            response = client.post(
                "/import",
                data={"csrf": csrf_token(TOKEN)},
                files={"file": ("../../" + padded.name, f, "text/plain")},
            )
    assert response.status_code == 200, response.text[-500:]
    assert "Sam" in response.text
    assert not list(spool.iterdir())
    uploads = home / UPLOADS_FOLDER
    assert stat.S_IMODE(uploads.stat().st_mode) == 0o700
    assert not list(uploads.iterdir())


def test_an_upload_without_the_csrf_field_writes_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    with local_client(create_app(home, token=TOKEN), csrf=False) as client:
        client.get(f"/?token={TOKEN}")
        refused = client.post("/import", files={"file": ("chat.txt", b"x" * 5000)})
        late = client.post(
            "/import",
            files={"file": ("chat.txt", b"x" * 50), "csrf": (None, csrf_token(TOKEN))},
        )
    assert refused.status_code == 403
    assert late.status_code == 403  # the token must come before the file
    assert not list((home / UPLOADS_FOLDER).iterdir())


def test_the_cli_warns_when_remote_access_is_allowed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from pushpull.cli import app

    asked: dict[str, object] = {}

    def fake_serve(home: Path, **options: object) -> None:
        asked.update(options)

    monkeypatch.setattr("pushpull.web.serve", fake_serve)
    args = ["--home", str(tmp_path), "serve", "--no-browser", "--host", "0.0.0.0"]
    result = CliRunner().invoke(app, [*args, "--allow-remote"])
    assert result.exit_code == 0, result.output
    assert "Warning" in result.output and "0.0.0.0" in result.output
    assert asked["host"] == "0.0.0.0" and asked["allow_remote"] is True
    quiet = CliRunner().invoke(app, ["--home", str(tmp_path), "serve", "--no-browser"])
    assert quiet.exit_code == 0 and "Warning" not in quiet.output
