"""``pushpull analyze`` end to end: import a generated export, analyse it as a user would."""

from __future__ import annotations

import json
import time
from pathlib import Path

import jsonschema
import pytest

from pushpull.analysis.schema import published_schema
from pushpull.cli import run
from pushpull.synth import generate, render, write


def imported(tmp_path: Path, scenario: str, me: bool = True, **kw: object) -> tuple[Path, str]:
    chat = generate(scenario, seed=5, days=90, me="Alex", partner="Sam", **kw)  # type: ignore[arg-type]
    path = write(render(chat, "whatsapp"), tmp_path / "export")
    home = tmp_path / "home"
    args = ["--home", str(home), "import", str(path)] + (["--me", "Alex"] if me else [])
    assert run(args) == 0
    return home, "Sam"


def test_json_to_stdout_validates_against_the_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, conv = imported(tmp_path, "hot_cold", n_cycles=3)
    capsys.readouterr()
    assert run(["--home", str(home), "analyze", conv, "--json", "-"]) == 0
    data = json.loads(capsys.readouterr().out)
    jsonschema.validate(data, published_schema())
    assert data["conversation"] == "Sam" and data["me"] == "Alex" and data["partner"] == "Sam"
    assert data["cycles"]["count"] >= 2


def test_json_to_a_file_and_a_date_range(tmp_path: Path) -> None:
    home, conv = imported(tmp_path, "stable")
    out = tmp_path / "a.json"
    args = ["--home", str(home), "analyze", conv, "--since", "2025-02-01", "--until", "2025-02-28"]
    assert run([*args, "--json", str(out)]) == 0
    data = json.loads(out.read_text("utf-8"))
    assert data["period"] == {"start": "2025-02-01", "end": "2025-02-28", "days": 28}


def test_the_terminal_summary_reads_in_plain_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, conv = imported(tmp_path, "hot_cold", n_cycles=3)
    capsys.readouterr()
    assert run(["--home", str(home), "analyze", conv]) == 0
    text = capsys.readouterr().out
    assert "hot-and-cold cycle" in text
    assert "Red flags" in text and "What you could do" in text


def test_abuse_puts_safety_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    home, conv = imported(tmp_path, "abuse")
    capsys.readouterr()
    assert run(["--home", str(home), "analyze", conv]) == 0
    text = capsys.readouterr().out
    assert text.index("Your safety comes first") < text.index("Red flags")


def test_a_bad_date_and_an_unknown_me_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home, conv = imported(tmp_path, "stable", me=False)
    capsys.readouterr()
    assert run(["--home", str(home), "analyze", conv, "--since", "last week"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert run(["--home", str(home), "analyze", conv]) == 2
    assert "pushpull me" in capsys.readouterr().err


def test_long_work_shows_its_step_on_a_terminal_and_nothing_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import importlib
    import io

    from rich.console import Console

    cli_app = importlib.import_module("pushpull.cli.app")  # (``pushpull.cli.app`` is also a Typer)

    screen = io.StringIO()
    monkeypatch.setattr(
        cli_app, "Console", lambda stderr: Console(file=screen, force_terminal=True, width=80)
    )
    with cli_app.steps() as tell:
        tell(2, 4, "Reading the words of 1,000 messages")
        time.sleep(0.3)
    assert "2/4" in screen.getvalue() and "Reading the words of 1,000 messages" in screen.getvalue()

    quiet = io.StringIO()
    monkeypatch.setattr(cli_app, "Console", lambda stderr: Console(file=quiet))
    with cli_app.steps() as tell:
        tell(2, 4, "Reading")
    assert quiet.getvalue() == ""
