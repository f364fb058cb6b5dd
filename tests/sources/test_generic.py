"""Generic CSV / JSON Lines: hand-written sheets, column options, round trips, damage, detection."""

from __future__ import annotations

import contextlib
import dataclasses
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushpull.errors import ParseError, UnknownFormatError
from pushpull.model import Kind, Message
from pushpull.sources import ExportFile, detect, get_source
from pushpull.synth import SCENARIOS, SynthChat, generate, variants, write
from pushpull.testing import check_round_trip, first_difference, read_export, tally

DATA = Path(__file__).parent.parent / "data" / "generic"
SIGNAL_DATA = Path(__file__).parent.parent / "data" / "signal"
GENERIC = get_source("generic")
# Not imported from pushpull.synth.render.generic: importing a renderer module rebinds the name
# pushpull.synth.render (a function) to the subpackage for modules imported after it.
VARIANTS = variants("generic")
CUSTOM = "csv-semicolon-custom-columns"
CUSTOM_OPTIONS = {"ts": "Wann", "sender": "Wer", "text": "Was", "time_format": "%d/%m/%Y %H:%M"}


# --- hand-written files ------------------------------------------------------------------------


def test_basic_csv_every_kind_and_quoting() -> None:
    messages, issues = read_export(DATA / "basic.csv")
    assert tally(messages) == {
        ("Ana", "text"): 2,
        ("Ana", "media"): 2,
        ("Ana", "deleted"): 1,
        ("Ana", "edited"): 1,
        ("Ana", "reaction"): 1,
        ("Ana", "location"): 1,
        ("Ben", "text"): 4,
        ("Ben", "call"): 1,
        ("Ben", "sticker"): 1,
        ("Ben", "poll"): 1,
        ("", "system"): 1,
    }
    assert {m.chat for m in messages} == {"basic"}
    first = messages[0]
    assert (first.sent_at, first.utc_offset_s) == (datetime(2024, 5, 4, 9, 15), 7200)
    assert (first.text, first.from_me, first.line) == ("Good morning, sunshine ☀️", False, 2)
    assert messages[1].text == 'She said "maybe", then left'
    shopping = messages[2]
    assert shopping.text == "shopping list:\r\n- eggs\r\n- milk" and shopping.line == 4
    photos = messages[3]
    assert photos.line == 7  # physical line: the record above took three
    assert photos.attachments == ("IMG_0001.jpg", "IMG_0002.jpg")
    assert messages[4].from_me is None and messages[4].sender == ""
    assert messages[11].text == "https://maps.google.com/?q=41.38,2.17"
    tab = messages[12]
    assert (tab.text, tab.utc_offset_s, tab.from_me) == ("tab\tseparated\twords", 0, True)
    arabic = messages[13]
    assert (arabic.kind, arabic.text, arabic.attachments) == (
        Kind.MEDIA,
        "مرحبا حبيبي",
        ("VID 2024.mp4",),
    )
    assert messages[14].kind is Kind.TEXT  # "hologram" is no kind
    naive = messages[15]
    assert (naive.sent_at, naive.utc_offset_s, naive.kind) == (
        datetime(2024, 5, 4, 9, 32),
        None,
        Kind.TEXT,
    )
    assert len(issues) == 1
    assert issues[0].line == 18 and "hologram" in issues[0].reason


def test_excel_semicolon_with_bom_date_and_time_columns() -> None:
    messages, issues = read_export(DATA / "excel_semicolon.csv")
    assert tally(messages) == {("Ana", "text"): 2, ("Ben", "text"): 2}
    assert messages[0].sent_at == datetime(2024, 5, 4, 21, 15)
    assert messages[0].text == "hi; how are you?"  # an unquoted ';' in the last column
    assert messages[1].text == "fine; you?\r\nlong day"
    assert [m.line for m in messages] == [2, 3, 6, 7]  # the blank line 5 is skipped
    assert messages[2].text == '"quoted" word'
    assert messages[3].text == ""
    assert [(i.line, "joined" in i.action) for i in issues] == [(2, True), (7, False)]


def test_tab_separated_epoch_times_and_directions() -> None:
    messages, issues = read_export(DATA / "messages.tsv")
    assert not issues
    assert tally(messages) == {("Ana", "text"): 2, ("Ben", "text"): 1}
    assert [m.sent_at for m in messages] == [
        datetime(2024, 5, 4, 9, 15),  # seconds
        datetime(2024, 5, 4, 9, 16),  # milliseconds
        datetime(2024, 5, 4, 9, 17, 0, 500000),  # fractional seconds
    ]
    assert {m.utc_offset_s for m in messages} == {0}
    assert [m.from_me for m in messages] == [True, False, True]


def test_json_lines_with_two_chats_and_varying_keys() -> None:
    messages, issues = read_export(DATA / "export.jsonl")
    assert not issues
    assert tally(messages) == {
        ("Priya", "text"): 1,
        ("Priya", "media"): 1,
        ("Arjun", "text"): 1,
        ("Arjun", "media"): 1,
        ("Sam", "text"): 1,
    }
    assert [m.chat for m in messages] == ["Priya", "Priya", "Priya", "Sam", "Sam"]
    assert [m.line for m in messages] == [1, 3, 4, 5, 6]
    assert (messages[0].utc_offset_s, messages[0].record_id) == (19800, "a1")
    reply = messages[1]
    assert (reply.sent_at, reply.utc_offset_s) == (datetime(2024, 5, 4, 15, 46, 7), 0)
    assert (reply.text, reply.reply_to, reply.from_me) == ("hi!\nnew line", "a1", True)
    assert (messages[2].text, messages[2].attachments) == ("", ("IMG_1.jpg",))
    assert messages[3].from_me is False
    assert (messages[4].text, messages[4].attachments) == ("42", ("a.pdf", "b.pdf"))


def test_chat_option_picks_rows_or_names_the_chat() -> None:
    sam, _ = read_export(DATA / "export.jsonl", "generic", {"chat": "Sam"})
    assert [m.text for m in sam] == ["other chat", "42"]
    titled, _ = read_export(DATA / "messages.tsv", "generic", {"chat": "Ana & Ben"})
    assert {m.chat for m in titled} == {"Ana & Ben"}


def test_custom_columns_need_options() -> None:
    path = DATA / "custom_columns.csv"
    messages, issues = read_export(path, None, CUSTOM_OPTIONS)
    assert not issues
    assert [(m.sent_at, m.sender, m.text) for m in messages] == [
        (datetime(2024, 5, 4, 21, 15), "Ana", "custom columns"),
        (datetime(2024, 5, 5, 8, 0), "Ben", "and a day later, too"),
    ]
    assert GENERIC.sniff(ExportFile(path, options=CUSTOM_OPTIONS)).confidence == 0.95
    with pytest.raises(UnknownFormatError):
        read_export(path)
    with pytest.raises(ParseError) as caught:
        read_export(path, "generic")
    assert caught.value.line == 1 and "no column for ts" in str(caught.value)
    with pytest.raises(ParseError, match="no column 'When'"):
        read_export(path, "generic", {**CUSTOM_OPTIONS, "ts": "When"})


def test_utf16_with_bom_reads_the_same(tmp_path: Path) -> None:
    path = tmp_path / "basic.csv"
    path.write_bytes((DATA / "basic.csv").read_bytes().decode("utf-8").encode("utf-16"))
    got, _ = read_export(path)
    want, _ = read_export(DATA / "basic.csv")
    assert got == want


# --- round trips -------------------------------------------------------------------------------


def _round_trip(chat: SynthChat, variant: str, folder: Path) -> list[Message]:
    """``check_round_trip``, passing the column options a variant needs (in its notes)."""
    if variant != CUSTOM:
        return check_round_trip(chat, "generic", variant, folder)
    from pushpull.synth.render.generic import render

    export = render(chat, variant)
    options = dict(note.split("=", 1) for note in export.notes)
    path = write(export, folder)
    assert detect(ExportFile(path, options=options)).name == "generic"
    messages, issues = read_export(path, "generic", options)
    assert not issues, issues[:3]
    difference = first_difference(messages, list(export.expected))
    assert not difference, difference
    return messages


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
    messages = _round_trip(chat, variant, tmp_path_factory.mktemp("generic"))
    assert {m.kind for m in messages} <= set(Kind)


@given(
    seed=st.integers(0, 1_000),
    variant=st.sampled_from(VARIANTS),
    texts=st.lists(st.text(), min_size=1, max_size=8),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip_of_arbitrary_texts(
    tmp_path_factory: pytest.TempPathFactory, seed: int, variant: str, texts: list[str]
) -> None:
    chat = generate("stable", seed=seed, days=10)
    messages = list(chat.messages)
    slots = [i for i, m in enumerate(messages) if m.kind is Kind.TEXT]
    for i, text in zip(slots[::3], texts, strict=False):
        messages[i] = dataclasses.replace(messages[i], text=text)
    chat = dataclasses.replace(chat, messages=tuple(messages))
    _round_trip(chat, variant, tmp_path_factory.mktemp("generic"))


def test_every_kind_round_trips(tmp_path: Path) -> None:
    chat = generate("stable", seed=3, days=365)
    for variant in VARIANTS:
        messages = _round_trip(chat, variant, tmp_path / variant)
        # (drafts come only from SMS backups: the generator writes none)
        assert {m.kind for m in messages} == set(Kind) - {Kind.DRAFT}


# --- damage ------------------------------------------------------------------------------------


def test_unreadable_time_names_the_physical_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text(
        'timestamp,sender,text\n2024-01-31T21:15,Sam,"two\nlines"\nyesterday,Alex,when?\n',
        encoding="utf-8",
    )
    with pytest.raises(ParseError) as caught:
        read_export(path)
    assert caught.value.line == 4
    assert "column 'timestamp'" in caught.value.expected
    assert "2024-01-31 21:15" in caught.value.expected
    with pytest.raises(ParseError, match=r"%d\.%m\.%Y"):
        read_export(path, "generic", {"time_format": "%d.%m.%Y"})


def test_json_line_without_a_time(tmp_path: Path) -> None:
    path = tmp_path / "log.jsonl"
    path.write_text(
        '{"ts": 1714814100, "sender": "Sam", "text": "hi"}\n{"sender": "Sam", "text": "x"}\n',
        encoding="utf-8",
    )
    with pytest.raises(ParseError) as caught:
        read_export(path)
    assert caught.value.line == 2


def test_truncated_csv_inside_a_quoted_field(tmp_path: Path) -> None:
    data = (DATA / "basic.csv").read_bytes()
    path = tmp_path / "basic.csv"
    path.write_bytes(data[: data.index(b"- eggs")])
    with pytest.raises(ParseError) as caught:
        read_export(path)
    assert caught.value.line == 4


def test_truncated_json_lines(tmp_path: Path) -> None:
    data = (DATA / "export.jsonl").read_bytes()
    path = tmp_path / "export.jsonl"
    path.write_bytes(data[:-20])
    with pytest.raises(ParseError) as caught:
        read_export(path)
    assert caught.value.line == 6


def test_bad_bytes_in_csv(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_bytes(b"timestamp,sender,text\n2024-01-31T21:15,Sam,caf\xe9\n")
    with pytest.raises(ParseError):
        read_export(path)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00\x01\x02\xff\xfe garbage \x89PNG\r\n" * 50,
        b"12/31/23, 9:15 PM - Sam: hi\n" * 80,
        b'{\n "name": "Sam",\n "messages": []\n}\n',
        b'[{"ts": 1, "sender": "a", "text": "b"}]\n',
    ],
    ids=["binary", "whatsapp", "telegram", "json-array"],
)
def test_wrong_input_is_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(data)
    with contextlib.suppress(UnknownFormatError):  # another format may claim it
        assert detect(ExportFile(path)).name != "generic"
    with pytest.raises(ParseError):
        read_export(path, "generic")


# --- detection ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        SIGNAL_DATA / "current" / "SamRivera" / "chat.md",
        SIGNAL_DATA / "current" / "SamRivera" / "data.json",
        SIGNAL_DATA / "legacy" / "Aya Tanaka" / "chat.md",
    ],
)
def test_signal_exports_sniff_low(path: Path) -> None:
    assert GENERIC.sniff(ExportFile(path)).confidence <= 0.3


def test_imessage_database_sniffs_low(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(4000))
    assert GENERIC.sniff(ExportFile(path)).confidence == 0


@pytest.mark.parametrize(
    "name", ["basic.csv", "excel_semicolon.csv", "messages.tsv", "export.jsonl"]
)
def test_own_files_sniff_below_specific_formats(name: str) -> None:
    sniff = GENERIC.sniff(ExportFile(DATA / name))
    assert 0.5 <= sniff.confidence <= 0.6
    given = ExportFile(DATA / name, options={"ts": "timestamp"})
    assert GENERIC.sniff(given).confidence == (0.95 if name == "basic.csv" else 0.0)


def test_trailing_separators_are_not_reported(tmp_path: Path) -> None:
    path = tmp_path / "sheet.csv"
    path.write_text("time,from,message\n2024-01-31 21:15,Sam,hi,,\n", encoding="utf-8")
    messages, issues = read_export(path)
    assert not issues
    assert [(m.sender, m.text) for m in messages] == [("Sam", "hi")]
