"""signal-export's chat.md and data.json: hand-written files, round trips, damage, detection."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushpull.errors import ParseError, UnknownFormatError
from pushpull.model import Kind
from pushpull.sources import ExportFile, detect, get_source
from pushpull.synth import SCENARIOS, SynthChat, generate, variants
from pushpull.testing import check_round_trip, read_export, tally

DATA = Path(__file__).parent.parent / "data" / "signal"
CURRENT_MD = DATA / "current" / "SamRivera" / "chat.md"
CURRENT_JSON = DATA / "current" / "SamRivera" / "data.json"
LEGACY_MD = DATA / "legacy" / "Aya Tanaka" / "chat.md"

SIGNAL = get_source("signal")
# Not imported from pushpull.synth.render.signal: importing a renderer module rebinds the name
# pushpull.synth.render (a function) to the subpackage for modules imported after it.
VARIANTS = variants("signal")


# --- hand-written files ------------------------------------------------------------------------


def test_current_markdown_every_kind() -> None:
    messages, issues = read_export(CURRENT_MD)
    assert tally(messages) == {
        ("Me", "text"): 4,
        ("Me", "reaction"): 2,
        ("Me", "sticker"): 1,
        ("Me", "call"): 2,
        ("Me", "media"): 1,
        ("SamRivera", "text"): 1,
        ("SamRivera", "media"): 2,
        ("SamRivera", "deleted"): 1,
        ("SamRivera", "call"): 1,
        ("SamRivera", "system"): 1,
        ("SamRivera", "location"): 1,
        ("SamRivera", "reaction"): 2,
        ("No-Sender", "text"): 1,
    }
    assert {m.chat for m in messages} == {"SamRivera"}
    assert all(m.from_me == (m.sender == "Me") for m in messages)
    assert all(m.utc_offset_s is None and m.record_id is None for m in messages)

    first = messages[0]
    assert first.sent_at == datetime(2024, 3, 1, 19, 2, 11)
    assert first.text == "hey, are we still on for tonight?"  # the two trailing spaces go
    assert first.line == 1
    # My reaction, listed as the renamed owner "NotetoSelf", comes right after its target.
    assert (messages[2].sender, messages[2].kind, messages[2].text) == ("Me", Kind.REACTION, "❤️")
    assert messages[2].sent_at == messages[1].sent_at and messages[2].line == 3
    # A reply: the quoted text is dropped, the body keeps its line break.
    assert messages[3].text == "perfect\nsee you there" and messages[3].line == 6
    menu = messages[5]
    assert (menu.kind, menu.text) == (Kind.MEDIA, "the menu")
    assert menu.attachments == (
        "2024-03-01T19-31-00.007_00_menu.pdf",
        "2024-03-01T19-31-00.007_01_photo_(1).jpg",
    )
    sticker = messages[6]
    assert (sticker.text, sticker.attachments) == (
        "😂",
        ("exported_stickers/5a6b7c8d9e0f/12.webp",),
    )
    assert messages[7].kind is Kind.DELETED and messages[7].text == ""
    assert messages[8].text == "Outgoing voice call (accepted, 4m 12s)"
    rtl = next(m for m in messages if m.line == 29 and m.kind is Kind.TEXT)
    assert rtl.text == "مرحبا 👋 שלום"
    fake = next(m for m in messages if m.line == 32)
    assert fake.text == "a line with [brackets] and a fake\n[2024-13-45 99:00] Me: header line"
    # Reactions before attachments on one line.
    photo = next(m for m in messages if m.line == 35 and m.kind is Kind.MEDIA)
    assert photo.attachments == ("2024-03-02T08-20-31.900_00_IMG_2050.jpg",)

    assert len(issues) == 1
    assert issues[0].line == 33 and "impossible date" in issues[0].reason


def test_current_json_lines() -> None:
    messages, issues = read_export(CURRENT_JSON)
    assert not issues
    assert tally(messages) == {
        ("Me", "text"): 2,
        ("Me", "edited"): 1,
        ("Me", "sticker"): 1,
        ("Me", "call"): 1,
        ("Me", "location"): 1,
        ("Me", "reaction"): 2,
        ("SamRivera", "text"): 1,
        ("SamRivera", "media"): 1,
        ("SamRivera", "sticker"): 1,
        ("SamRivera", "deleted"): 1,
        ("SamRivera", "call"): 1,
        ("SamRivera", "system"): 1,
        ("SamRivera", "reaction"): 1,
    }
    assert messages[0].sent_at == datetime(2024, 3, 1, 19, 2, 11, 123000)
    assert messages[0].line == 1
    edited = messages[3]
    assert (edited.kind, edited.text) == (Kind.EDITED, "perfect\nsee you there")
    cat = messages[6]  # an older export: the sticker is just its emoji
    assert (cat.kind, cat.text, cat.attachments) == (Kind.STICKER, "🐱", ())
    rtl = next(m for m in messages if m.line == 12 and m.kind is Kind.TEXT)
    assert rtl.text == "مرحبا 👋\u2028שלום"  # a line separator inside a JSON string is text
    assert [m.sender for m in messages if m.line == 12] == ["Me", "SamRivera", "Me"]
    assert next(m for m in messages if m.line == 11).kind is Kind.SYSTEM  # the blank line 10


def test_legacy_markdown_minutes_comma_and_old_sticker() -> None:
    messages, issues = read_export(LEGACY_MD)
    assert not issues
    assert tally(messages) == {
        ("Me", "text"): 1,
        ("Me", "reaction"): 1,
        ("Me", "media"): 1,
        ("Aya Tanaka", "text"): 2,
        ("Aya Tanaka", "sticker"): 1,
    }
    assert messages[0].sent_at == datetime(2019, 5, 29, 15, 4)
    assert messages[0].chat == "Aya Tanaka"  # the folder name
    assert (messages[3].text, messages[3].attachments) == ("🐶", ())
    assert messages[4].text == "long message\nwith three\nlines"
    assert messages[5].attachments == ("2019-05-29T15-30-00.000_00_voice.m4a",)


def test_windows_line_ends_read_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "SamRivera"
    folder.mkdir()
    crlf = folder / "chat.md"
    crlf.write_bytes(CURRENT_MD.read_bytes().replace(b"\n", b"\r\n"))
    got, _ = read_export(crlf)
    want, _ = read_export(CURRENT_MD)
    assert [dataclasses.replace(m, line=None) for m in got] == [
        dataclasses.replace(m, line=None) for m in want
    ]


def test_title_falls_back_to_the_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "sam-export.md"
    path.write_bytes(LEGACY_MD.read_bytes())
    messages, _ = read_export(path, "signal")
    assert {m.chat for m in messages} == {"sam-export"}


# --- round trips -------------------------------------------------------------------------------


@given(
    seed=st.integers(0, 10_000),
    scenario=st.sampled_from(SCENARIOS),
    variant=st.sampled_from(VARIANTS),
    days=st.integers(20, 40),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory, seed: int, scenario: str, variant: str, days: int
) -> None:
    chat = generate(scenario, seed=seed, days=days)
    check_round_trip(chat, "signal", variant, tmp_path_factory.mktemp("signal"))


def _markdown_carries(text: str) -> bool:
    """Texts chat.md can hold unambiguously: no line that looks like a header, no trailing
    Markdown that looks like an attachment, sticker or reaction list, no CR, no backticks."""
    return (
        text != ""
        and not text.startswith("\n")
        and not any(bad in text for bad in ("`", "\r", "\n[", "](", "\n(-", "\n(("))
    )


def _inject(seed: int, texts: list[str]) -> SynthChat:
    chat = generate("stable", seed=seed, days=10)
    messages = list(chat.messages)
    slots = [i for i, m in enumerate(messages) if m.kind is Kind.TEXT]
    for i, text in zip(slots[1::3], texts, strict=False):
        messages[i] = dataclasses.replace(messages[i], text=text)
    return dataclasses.replace(chat, messages=tuple(messages))


@given(
    seed=st.integers(0, 1_000),
    variant=st.sampled_from(VARIANTS),
    texts=st.lists(st.text(min_size=1).filter(_markdown_carries), min_size=1, max_size=8),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip_of_arbitrary_texts(
    tmp_path_factory: pytest.TempPathFactory, seed: int, variant: str, texts: list[str]
) -> None:
    chat = _inject(seed, texts)
    check_round_trip(chat, "signal", variant, tmp_path_factory.mktemp("signal"))


@given(
    seed=st.integers(0, 1_000),
    texts=st.lists(st.text(min_size=1).filter(lambda t: "`" not in t), min_size=1, max_size=8),
)
@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_json_lines_carry_any_text(
    tmp_path_factory: pytest.TempPathFactory, seed: int, texts: list[str]
) -> None:
    chat = _inject(seed, texts)
    check_round_trip(chat, "signal", "jsonl", tmp_path_factory.mktemp("signal"))


# --- damage ------------------------------------------------------------------------------------


def _copy(tmp_path: Path, source: Path, data: bytes | None = None) -> Path:
    folder = tmp_path / source.parent.name
    folder.mkdir(exist_ok=True)
    path = folder / source.name
    path.write_bytes(source.read_bytes() if data is None else data)
    return path


def test_truncated_json_line_names_the_line(tmp_path: Path) -> None:
    data = CURRENT_JSON.read_bytes()
    path = _copy(tmp_path, CURRENT_JSON, data[: len(data) - 40])
    with pytest.raises(ParseError) as caught:
        read_export(path, "signal")
    assert caught.value.line == 13


def test_json_line_that_is_not_a_message(tmp_path: Path) -> None:
    lines = CURRENT_JSON.read_text("utf-8").splitlines()
    lines[3] = '["not", "an", "object"]'
    path = _copy(tmp_path, CURRENT_JSON, "\n".join(lines).encode())
    with pytest.raises(ParseError) as caught:
        read_export(path, "signal")
    assert caught.value.line == 4
    lines[3] = '{"date": "yesterday", "sender": "Me", "body": "x"}'
    path.write_text("\n".join(lines), encoding="utf-8")
    with pytest.raises(ParseError, match="date"):
        read_export(path, "signal")


def test_markdown_cut_mid_line_warns_and_keeps_the_rest(tmp_path: Path) -> None:
    data = LEGACY_MD.read_bytes()
    path = _copy(tmp_path, LEGACY_MD, data[: data.index(b"[2019-05-29T15")])
    messages, issues = read_export(path, "signal")
    assert [m.text for m in messages][-1] == "voice note"
    assert len(issues) == 1 and "cut off" in issues[0].reason and issues[0].line == 13


def test_markdown_cut_inside_a_character(tmp_path: Path) -> None:
    data = CURRENT_MD.read_bytes()
    cut = data.index("😊".encode()) + 2
    path = _copy(tmp_path, CURRENT_MD, data[:cut])
    with pytest.raises(ParseError) as caught:
        read_export(path, "signal")
    assert caught.value.line == 3


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\xff\xfe garbage \x89PNG\r\n" * 50,
        b"12/31/23, 9:15 PM - Sam: hi\n" * 80,
        b'{\n "name": "Sam",\n "messages": []\n}\n',
    ],
    ids=["binary", "whatsapp", "telegram"],
)
def test_wrong_input_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "chat.md"
    path.write_bytes(data)
    with contextlib.suppress(UnknownFormatError):  # another format may claim it
        assert detect(ExportFile(path)).name != "signal"
    with pytest.raises(ParseError):
        read_export(path, "signal")


# --- detection ---------------------------------------------------------------------------------


def test_imessage_database_sniffs_low(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(4000))
    assert SIGNAL.sniff(ExportFile(path)).confidence == 0


@pytest.mark.parametrize("path", [CURRENT_MD, CURRENT_JSON, LEGACY_MD])
def test_own_files_sniff_sure(path: Path) -> None:
    assert SIGNAL.sniff(ExportFile(path)).confidence >= 0.9


def test_renamed_file_still_sniffs_sure(tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes(CURRENT_MD.read_bytes())
    assert SIGNAL.sniff(ExportFile(path)).confidence >= 0.9
    assert read_export(path)[0][0].chat == "export"


def test_the_older_layout_without_trailing_marks_is_detected() -> None:
    """``[YYYY-MM-DD, HH:MM] Name: …`` on every header, no blank lines or trailing spaces."""
    path = DATA / "older_no_marks" / "chat.md"
    assert detect(ExportFile(path)).name == "signal"
    messages, issues = read_export(path)
    assert not issues
    assert [(m.sender, m.text, m.sent_at) for m in messages] == [
        ("Priya", "are you coming to the picnic?", datetime(2022, 8, 1, 9, 30)),
        ("Me", "yes! bringing lemonade\nand cups", datetime(2022, 8, 1, 9, 41)),
        ("Priya", "perfect", datetime(2022, 8, 1, 9, 42)),
    ]
