"""The CLI end to end: run it as a user would, read what it prints, check the store."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from pushpull.cli import app, run
from tests.conftest import write_fixture

ROWS = [
    ("2024-01-01T10:00:00", "Sam", "hello"),
    ("2024-01-01T10:01:00", "Alex", "hi"),
    ("2024-01-02T09:00:00", "Sam", "how are you?"),
]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def cli(home: Path, *args: str) -> int:
    return run(["--home", str(home), *args])


def test_import_then_list_as_json(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_fixture(tmp_path / "chat.txt", "Sam", ROWS)
    assert cli(home, "import", str(path), "--me", "Alex") == 0
    assert "3 new of 3" in capsys.readouterr().out
    assert cli(home, "conversations", "--json") == 0
    [conv] = json.loads(capsys.readouterr().out)
    assert conv["name"] == "Sam" and conv["me"] == "Alex" and conv["messages"] == 3
    people = {p["name"]: p for p in conv["participants"]}
    assert people["Sam"]["messages"] == 2 and people["Sam"]["by_kind"] == {"text": 2}
    assert conv["first_at"] == "2024-01-01T10:00:00" and conv["source_files"] == ["chat.txt"]


def test_reimport_says_nothing_to_add(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_fixture(tmp_path / "chat.txt", "Sam", ROWS)
    cli(home, "import", str(path), "--me", "Alex")
    capsys.readouterr()
    assert cli(home, "import", str(path)) == 0
    assert "imported before" in capsys.readouterr().out


def test_unknown_me_is_asked_for_when_not_interactive(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_fixture(tmp_path / "chat.txt", "Sam", ROWS)
    assert cli(home, "import", str(path)) == 0
    assert "pushpull me" in capsys.readouterr().out
    assert cli(home, "me", "Sam", "Alex") == 0
    assert "You are Alex in Sam" in capsys.readouterr().out
    cli(home, "conversations", "--json")
    assert json.loads(capsys.readouterr().out)[0]["me"] == "Alex"


def test_errors_are_one_paragraph_without_traceback(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("shopping: eggs, milk\n", encoding="utf-8")
    assert cli(home, "import", str(bad)) == 3
    err = capsys.readouterr().err
    assert "notes.txt is not a chat export" in err and "Traceback" not in err
    assert cli(home, "export", "Nobody") == 4
    assert "no conversation called 'Nobody'" in capsys.readouterr().err


def test_debug_shows_the_traceback(home: Path, tmp_path: Path) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("shopping\n", encoding="utf-8")
    with pytest.raises(Exception, match="not a chat export"):
        run(["--home", str(home), "--debug", "import", str(bad)])


def test_export_and_forget(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(home, "import", str(write_fixture(tmp_path / "chat.txt", "Sam", ROWS)), "--me", "Alex")
    out = tmp_path / "sam.parquet"
    assert cli(home, "export", "Sam", "--format", "parquet", "-o", str(out)) == 0
    assert pl.read_parquet(out).height == 3
    capsys.readouterr()
    assert cli(home, "export", "Sam", "--format", "jsonl") == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [json.loads(x)["text"] for x in lines] == ["hello", "hi", "how are you?"]
    assert cli(home, "forget", "Sam", "--yes") == 0
    capsys.readouterr()
    cli(home, "conversations", "--json")
    assert json.loads(capsys.readouterr().out) == []


def test_bad_column_flag_is_a_usage_error(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_fixture(tmp_path / "chat.txt", "Sam", ROWS)
    assert cli(home, "import", str(path), "--column", "nonsense") == 2
    assert "KEY=VALUE" in capsys.readouterr().err


def test_every_command_is_documented() -> None:
    import typer.main

    group = typer.main.get_command(app)
    assert {"import", "conversations", "export", "forget", "demo", "me", "formats"} <= set(
        group.commands  # type: ignore[attr-defined]
    )
    for name, command in group.commands.items():  # type: ignore[attr-defined]
        assert command.help, f"`pushpull {name}` has no help text"
        readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
        assert f"pushpull {name}" in readme, f"README does not mention `pushpull {name}`"


def test_the_installed_command_runs(home: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pushpull", "--home", str(home), "formats"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "whatsapp" in done.stdout


def test_encrypt_backup_restore_decrypt(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_fixture(tmp_path / "chat.txt", "Sam", ROWS)
    assert cli(home, "import", str(path), "--me", "Alex") == 0
    monkeypatch.setenv("PUSHPULL_PASSPHRASE", "a long passphrase")
    assert cli(home, "init", "--encrypt") == 0
    assert "Encrypted" in capsys.readouterr().out
    assert cli(home, "conversations", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["messages"] == 3
    backup = tmp_path / "backup.tar"
    assert cli(home, "backup", str(backup)) == 0
    assert "same passphrase" in capsys.readouterr().out
    assert cli(home, "forget", "--all", "--yes") == 0
    assert cli(home, "restore", str(backup)) == 2  # refuses to replace without --yes
    assert "--yes" in capsys.readouterr().err
    assert cli(home, "restore", str(backup), "--yes") == 0
    monkeypatch.setenv("PUSHPULL_PASSPHRASE", "a wrong passphrase")
    assert cli(home, "conversations") == 4
    assert "Wrong passphrase" in capsys.readouterr().err
    monkeypatch.setenv("PUSHPULL_PASSPHRASE", "a long passphrase")
    assert cli(home, "decrypt") == 0
    monkeypatch.delenv("PUSHPULL_PASSPHRASE")
    capsys.readouterr()
    assert cli(home, "conversations", "--json") == 0
    assert json.loads(capsys.readouterr().out)[0]["messages"] == 3


def test_the_passphrase_is_asked_for_hidden(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import typer

    asked: list[dict[str, object]] = []

    def prompt(text: str, **options: object) -> str:
        asked.append(options)
        return "typed passphrase"

    monkeypatch.delenv("PUSHPULL_PASSPHRASE", raising=False)
    monkeypatch.setattr(typer, "prompt", prompt)
    assert cli(home, "init", "--encrypt") == 0
    assert cli(home, "conversations") == 0
    assert asked == [{"hide_input": True, "confirmation_prompt": True}, {"hide_input": True}]
    assert "typed passphrase" not in capsys.readouterr().out


def test_forget_needs_a_conversation_or_all(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_fixture(tmp_path / "chat.txt", "Sam", ROWS)
    cli(home, "import", str(path), "--me", "Alex")
    assert cli(home, "forget", "--yes") == 2
    assert cli(home, "forget", "Sam", "--all", "--yes") == 2
    capsys.readouterr()
    assert cli(home, "forget", "--all", "--yes") == 0
    assert "3 messages deleted" in capsys.readouterr().out


def test_a_new_passphrase_must_be_long_enough(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PUSHPULL_PASSPHRASE", "1234567")
    assert cli(home, "init", "--encrypt") == 2
    assert "at least 8 characters" in capsys.readouterr().err
    assert not (home / "pushpull.encryption.json").exists()


def test_the_import_summary_names_the_lines_it_could_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "WhatsApp Chat with Kai.txt"
    export.write_text(
        "3/2/21, 18:00 - Noor: hi\n3/2/21, 18:01 - Kai: hey\n"
        "31/31/21, 18:02 - Kai: impossible date\n3/2/21, 18:04 - Noor: ok\n"
        "32/1/21, 18:05 - Kai: another\n",
        encoding="utf-8",
    )
    assert run(["--home", str(tmp_path / "home"), "import", str(export), "--me", "Noor"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "2 parts of the file could not be read as they were — lines 3, 5" in out
    assert "(kept as part of the previous message)" in out


def test_strict_import_refuses_a_file_with_repaired_lines_and_stores_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "WhatsApp Chat with Kai.txt"
    export.write_text(
        "13/2/21, 18:00 - Noor: hi\n13/2/21, 18:01 - Kai: hey\n"
        "31/31/21, 18:02 - Kai: impossible date\n13/2/21, 18:04 - Noor: ok\n",
        encoding="utf-8",
    )
    home = str(tmp_path / "home")
    assert run(["--home", home, "import", str(export), "--me", "Noor", "--strict"]) == 3
    err = " ".join(capsys.readouterr().err.replace("│", " ").split())
    assert "1 part of the file could not be read as it was (line 3), so nothing was" in err
    assert "--strict" in err
    assert run(["--home", home, "conversations", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    # a clean file goes through --strict as usual; the same file without it is repaired
    clean = tmp_path / "WhatsApp Chat with Ash.txt"
    clean.write_text("13/2/21, 18:00 - Noor: hi\n13/2/21, 18:01 - Ash: hey\n", encoding="utf-8")
    assert run(["--home", home, "import", str(clean), "--me", "Noor", "--strict"]) == 0
    assert run(["--home", home, "import", str(export), "--me", "Noor"]) == 0


def test_a_mistyped_command_or_option_is_a_usage_message_not_a_traceback(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(home, "lsit") == 2
    assert "No such command 'lsit'" in capsys.readouterr().err
    assert cli(home, "analyze", "--bogus") == 2
    assert "No such option: --bogus" in capsys.readouterr().err


def test_forget_never_deletes_unasked_without_a_terminal(
    home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_fixture(tmp_path / "chat.txt", "Sam", ROWS)
    cli(home, "import", str(path), "--me", "Alex")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert cli(home, "forget", "Sam") == 2
    assert "--yes" in capsys.readouterr().err
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("sys.stdin.readline", lambda *_: "n\n")
    monkeypatch.setattr("builtins.input", lambda *_: "n")
    assert cli(home, "forget", "Sam") == 1
    assert "Cancelled" in capsys.readouterr().err
    assert cli(home, "conversations", "--json") == 0
    [conv] = json.loads(capsys.readouterr().out)
    assert conv["messages"] == 3
