"""``pushpull report`` and ``pushpull serve`` from the command line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import pushpull.cli.web_commands  # noqa: F401  (registers serve and report)
from pushpull.cli import run
from pushpull.report import inline_script, plotly_js
from pushpull.store import Store
from pushpull.synth import generate, render, write


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("web-cli")
    chat = generate("hot_cold", seed=5, days=90, me="Alex", partner="Sam")
    path = write(render(chat, "whatsapp"), root / "export")
    assert run(["--home", str(root / "home"), "import", str(path), "--me", "Alex"]) == 0
    return root / "home"


def test_report_writes_one_file(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sam.html"
    assert run(["--home", str(home), "report", "Sam", "-o", str(out)]) == 0
    assert "Wrote the report to" in capsys.readouterr().out
    html = out.read_text("utf-8")
    assert "hot-and-cold" in html and re.search(r"\bSam\b", html)


def test_report_redact_hides_the_names(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "shared.html"
    args = ["--home", str(home), "report", "1", "-o", str(out), "--redact", "--since", "2025-02-01"]
    assert run(args) == 0
    text = out.read_text("utf-8").replace(str(inline_script(plotly_js())), "")
    assert not re.search(r"\b(Alex|Sam)\b", text)
    assert "1 Feb" in text


def test_report_errors_are_the_usual_ones(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.html"
    assert run(["--home", str(home), "report", "Nobody", "-o", str(out)]) == 4
    assert run(["--home", str(home), "report", "Sam", "-o", str(out), "--until", "soon"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert not out.exists()
    nowhere = tmp_path / "no-such-folder" / "x.html"
    assert run(["--home", str(home), "report", "Sam", "-o", str(nowhere)]) == 2
    assert "cannot write the report" in capsys.readouterr().err


def test_serve_passes_its_options(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[dict[str, Any]] = []

    def fake_serve(where: Path, **options: Any) -> None:
        calls.append({"home": where, **options})
        options["announce"]("http://127.0.0.1:9999/?token=abc")

    monkeypatch.setattr("pushpull.web.serve", fake_serve)
    assert run(["--home", str(home), "serve", "--port", "9999", "--no-browser"]) == 0
    (call,) = calls
    assert call["home"] == home and call["port"] == 9999 and call["open_browser"] is False
    out = capsys.readouterr().out
    assert "http://127.0.0.1:9999/?token=abc" in out and "Ctrl+C" in out


def test_serve_on_an_encrypted_store_leaves_the_passphrase_to_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    Store(home, passphrase="a long passphrase").close()
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr("pushpull.web.serve", lambda where, **options: calls.append(options))
    monkeypatch.delenv("PUSHPULL_PASSPHRASE", raising=False)
    # no prompt: with nothing on standard input, a prompt would fail the command
    assert run(["--home", str(home), "serve", "--no-browser"]) == 0
    assert calls[-1]["passphrase"] is None
    assert "the page will ask for your passphrase" in capsys.readouterr().out

    monkeypatch.setenv("PUSHPULL_PASSPHRASE", "a long passphrase")
    assert run(["--home", str(home), "serve", "--no-browser"]) == 0
    assert calls[-1]["passphrase"] == "a long passphrase"

    monkeypatch.setenv("PUSHPULL_PASSPHRASE", "not the passphrase")
    assert run(["--home", str(home), "serve", "--no-browser"]) != 0
    assert "Wrong passphrase" in capsys.readouterr().err
    assert len(calls) == 2
