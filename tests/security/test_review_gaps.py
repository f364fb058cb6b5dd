"""The gaps the security review of issue 15 found, one test (or a few) per item."""

from __future__ import annotations

import os
import socket
import stat
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from pushpull.web import start_server
from pushpull.web._server import RunningServer, serve

# --- 1. the launch token stays off the process list -----------------------------------------


def test_the_browser_is_not_given_the_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``BROWSER`` a script that records its arguments, the token is not in them, and the
    private file it was given forwards to the tokened address and is gone once used."""
    record = tmp_path / "args.txt"
    script = tmp_path / "fake-browser"
    script.write_text(
        f"#!{sys.executable}\nimport sys, pathlib\n"
        f"pathlib.Path({str(record)!r}).write_text(' '.join(sys.argv[1:]))\n"
    )
    script.chmod(0o700)
    monkeypatch.setenv("BROWSER", str(script))
    import webbrowser

    monkeypatch.setattr(webbrowser, "_tryorder", None)
    monkeypatch.setattr(webbrowser, "_browsers", {})
    home = tmp_path / "home"
    stop = threading.Event()
    seen: dict[str, object] = {}

    def announce(url: str) -> None:
        seen["url"] = url
        threading.Thread(target=visit, args=(url,), daemon=True).start()

    def visit(url: str) -> None:
        try:
            look(url)
        finally:
            stop.set()

    def look(url: str) -> None:
        for _ in range(200):
            if record.exists() and record.read_text():
                break
            threading.Event().wait(0.05)
        opened = record.read_text()
        seen["opened"] = opened
        launcher = Path(opened.removeprefix("file://"))
        seen["mode"] = stat.S_IMODE(launcher.stat().st_mode)
        seen["page"] = launcher.read_text()
        with httpx.Client() as browser:
            browser.get(str(seen["url"]), follow_redirects=True)
        for _ in range(100):
            if not launcher.exists():
                break
            threading.Event().wait(0.05)
        seen["removed"] = not launcher.exists()

    serve(home, announce=announce, stop=stop)
    token = str(seen["url"]).split("token=")[1]
    assert "opened" in seen, "the browser was not opened"
    assert token not in str(seen["opened"])
    assert str(seen["opened"]).startswith("file://") and str(home) in str(seen["opened"])
    assert seen["mode"] == 0o600
    assert token in str(seen["page"])
    assert seen["removed"] is True


# --- 2. no open redirect ----------------------------------------------------------------------


def stays_here(location: str) -> bool:
    """A browser following ``location`` stays on this server (browsers read \\ as /)."""
    from urllib.parse import urlsplit

    # Browsers read a backslash as a slash and drop tabs and line breaks; percent-escapes stay
    # inert in a path.
    cleaned = location.replace("\\", "/").replace("\t", "").replace("\n", "").replace("\r", "")
    return cleaned.startswith("/") and not cleaned.startswith("//") and not urlsplit(cleaned).netloc


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    server = start_server(tmp_path_factory.mktemp("redirect") / "home")
    yield server
    server.stop()


def raw_get(server: RunningServer, target: str) -> tuple[str, dict[str, str]]:
    """Send ``GET target`` as written (no client normalises it); the status line and headers."""
    host, port = server.base_url.removeprefix("http://").rsplit(":", 1)
    with socket.create_connection((host, int(port))) as s:
        s.sendall(
            f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
        )
        reply = s.recv(65536).decode("latin-1")
    status, *lines = reply.split("\r\n\r\n", 1)[0].split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines if ": " in line)
    return status, {k.lower(): v for k, v in headers.items()}


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "/\\evil.example/",
        "/%2F%2Fevil.example/",
        "/%5Cevil.example/",
        "/%09/evil.example/",
        "https://evil.example/",
    ],
)
def test_the_token_redirect_stays_on_this_server(running: RunningServer, target: str) -> None:
    status, headers = raw_get(running, f"{target}?token={running.token}")
    assert " 303 " in status, status
    assert stays_here(headers["location"]), headers["location"]


# --- 3. the data folder is private even when it already existed ------------------------------


def test_an_existing_open_data_folder_is_tightened_to_0700(tmp_path: Path) -> None:
    from pushpull.store import Store

    home = tmp_path / "home"
    home.mkdir(mode=0o755)
    home.chmod(0o755)
    with Store(home):
        pass
    assert stat.S_IMODE(home.stat().st_mode) == 0o700


def test_a_data_folder_of_another_account_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pushpull.errors import StoreError
    from pushpull.store import Store

    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    monkeypatch.setattr(os, "getuid", lambda: home.stat().st_uid + 1)
    with pytest.raises(StoreError, match="another user account"):
        Store(home)


# --- 4. reports are private files with a restrictive policy inside --------------------------


@pytest.fixture(scope="module")
def imported_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import pushpull.cli.web_commands  # noqa: F401  (registers report)
    from pushpull.cli import run
    from pushpull.synth import generate, render, write

    root = tmp_path_factory.mktemp("gaps")
    chat = generate("hot_cold", seed=5, days=60, n_cycles=2, me="Alex", partner="Sam")
    export = write(render(chat, "whatsapp"), root / "export")
    assert run(["--home", str(root / "home"), "import", str(export), "--me", "Alex"]) == 0
    return root / "home"


def test_a_report_is_written_0600_whatever_the_umask(imported_home: Path, tmp_path: Path) -> None:
    from pushpull.cli import run

    out = tmp_path / "report.html"
    old = os.umask(0o022)
    try:
        assert run(["--home", str(imported_home), "report", "Sam", "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        out.chmod(0o644)  # an old report in its place is made private too
        assert run(["--home", str(imported_home), "report", "Sam", "-o", str(out)]) == 0
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        shared = tmp_path / "shared.html"
        args = ["--home", str(imported_home), "report", "Sam", "-o", str(shared), "--mode", "644"]
        assert run(args) == 0
        assert stat.S_IMODE(shared.stat().st_mode) == 0o644
    finally:
        os.umask(old)


def test_a_report_carries_a_policy_that_runs_only_its_own_scripts(
    imported_home: Path, tmp_path: Path
) -> None:
    import base64
    import hashlib
    import re

    from pushpull.cli import run

    out = tmp_path / "report.html"
    assert run(["--home", str(imported_home), "report", "Sam", "-o", str(out)]) == 0
    html = out.read_text("utf-8")
    meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
    assert meta is not None and html.index(meta.group(0)) < html.index("<script")
    policy = meta.group(1).replace("&#39;", "'")
    rules = dict(rule.strip().split(" ", 1) for rule in policy.split(";"))
    assert rules["default-src"] == "'none'" and rules["connect-src"] == "'none'"
    assert rules["frame-src"] == "'none'" and rules["form-action"] == "'none'"
    assert "unsafe-inline" not in rules["script-src"] and "unsafe-eval" not in rules["script-src"]
    scripts = re.findall(r"<script>(.*?)</script>", html, re.S)
    allowed = set(re.findall(r"'sha256-([^']+)'", rules["script-src"]))
    digests = {base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts}
    assert scripts and digests == allowed


# --- 5. the launch key is described as what it is --------------------------------------------


def test_the_docs_describe_the_launch_key_as_it_behaves() -> None:
    root = Path(__file__).parents[2]
    readme, security = (root / "README.md").read_text(), (root / "SECURITY.md").read_text()
    assert "one-time" not in readme.lower() and "one-time" not in security.lower()
    assert "until pushpull stops" in readme and "until the server stops" in security


# --- 6. user data cannot smuggle Rich markup into the terminal -------------------------------

HOSTILE_NAME = "[link=https://evil.example/x]Sam[/link][bold red]x[/]"


@pytest.fixture(scope="module")
def hostile_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import dataclasses

    from pushpull.cli import run
    from pushpull.synth import generate, render, write

    root = tmp_path_factory.mktemp("markup")
    chat = generate("hot_cold", seed=3, days=40, n_cycles=1, me="Alex", partner=HOSTILE_NAME)
    chat = dataclasses.replace(chat, title=HOSTILE_NAME)
    export = write(render(chat, "generic"), root / "export")
    assert run(["--home", str(root / "home"), "import", str(export), "--me", "Alex"]) == 0
    return root / "home"


@pytest.mark.parametrize(
    "command", [["conversations"], ["analyze", "1"], ["me", "1", HOSTILE_NAME]]
)
def test_cli_output_prints_markup_in_names_literally(
    hostile_home: Path,
    command: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from pushpull.cli import run

    monkeypatch.setenv("COLUMNS", "400")  # the name on one line, not wrapped in a table cell
    capsys.readouterr()
    assert run(["--home", str(hostile_home), *command]) == 0
    printed = capsys.readouterr().out
    assert HOSTILE_NAME in printed  # as written: no hidden link, no change of style
    assert "\x1b]8;" not in printed  # no terminal hyperlink escape


def test_the_helper_escapes_what_rich_would_read() -> None:
    from rich.console import Console

    from pushpull.cli.markup import plain

    console = Console(record=True, width=200)
    console.print(f"[bold]{plain(HOSTILE_NAME)}[/]")
    assert HOSTILE_NAME in console.export_text()


# --- 7. a damaged key file cannot set scrypt's cost -------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [("n", 2**40), ("n", 1000), ("n", 2), ("r", 0), ("r", 4096), ("p", 10**6), ("salt", "00")],
)
def test_out_of_range_scrypt_settings_are_refused(
    tmp_path: Path, field: str, value: object
) -> None:
    import json

    from pushpull.config import EncryptionConfig
    from pushpull.errors import StoreError
    from pushpull.store.encryption import new_header, read_header, write_header

    path = tmp_path / "key.json"
    write_header(path, new_header(EncryptionConfig(scrypt_n=2**10)))
    data = json.loads(path.read_text())
    assert read_header(path).scrypt_n == 2**10
    data[field] = value
    path.write_text(json.dumps(data))
    with pytest.raises(StoreError, match="cannot read"):
        read_header(path)


# --- 8. read-only commands create nothing ------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        ["conversations"],
        ["analyze", "Sam"],
        ["export", "Sam", "-o", "x.csv"],
        ["report", "Sam", "-o", "r.html"],
    ],
)
def test_read_only_commands_on_a_new_machine_create_nothing(
    tmp_path: Path, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    import pushpull.cli.web_commands  # noqa: F401
    from pushpull.cli import run

    home = tmp_path / "never-used"
    code = run(["--home", str(home), *command])
    assert code != 0
    assert "Nothing imported yet" in capsys.readouterr().err
    assert not home.exists()
