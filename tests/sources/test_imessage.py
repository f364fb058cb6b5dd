"""The iMessage importer: hand-written chat.db files, round trips, and damaged databases.

The golden databases are built at run time from the SQL in ``tests/data/imessage/`` (no binary
fixtures): the SQL calls ``archive(text)`` (the renderer's NSArchiver writer, checked against a
blob from a real Mac below) and ``ns('YYYY-MM-DD HH:MM:SS')`` (UTC to Apple nanoseconds).
"""

from __future__ import annotations

import calendar
import contextlib
import dataclasses
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushpull.errors import ParseError, UnknownFormatError, UsageError
from pushpull.model import Kind, Message
from pushpull.registry import ExportFile
from pushpull.sources import detect, get_source
from pushpull.sources.imessage import decode_attributed_body
from pushpull.synth import SCENARIOS, generate, variants
from pushpull.synth.render import imessage as renderer
from pushpull.synth.render.imessage import archive_text
from pushpull.testing import check_round_trip, read_export, tally

DATA = Path(__file__).parent.parent / "data" / "imessage"
VARIANTS = ("ventura", "sequoia", "legacy")
ME, PARTNER = "Me", "+15551234567"
SAM, UK = "sam@example.com", "+447700900123"

#: An attributedBody from a real Mac (the text "Fesker"), as published in a Q&A about the format.
REAL_BLOB = bytes.fromhex(
    "040B73747265616D747970656481E803840140848484124E5341747472696275746564537472696E6700"
    "8484084E534F626A656374008592848484084E53537472696E67019484012B064665736B6572868402"
    "69490106928484840C4E5344696374696F6E617279009484016901928496961D5F5F6B494D4D657373"
    "616765506172744174747269627574654E616D658692848484084E534E756D626572008484074E5356"
    "616C7565009484012A84999900868686"
)


def _ns(stamp: str) -> int:
    moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")
    return (calendar.timegm(moment.timetuple()) - 978307200) * 1_000_000_000


def build(sql_file: str, folder: Path, name: str = "chat.db") -> Path:
    """Run one of the SQL fixtures into a fresh SQLite file."""
    path = folder / name
    conn = sqlite3.connect(path)
    try:
        conn.create_function("archive", 1, archive_text, deterministic=True)
        conn.create_function("ns", 1, _ns, deterministic=True)
        conn.executescript((DATA / sql_file).read_text("utf-8"))
        conn.commit()
    finally:
        conn.close()
    return path


def by_line(messages: list[Message]) -> dict[int, Message]:
    return {m.line: m for m in messages if m.line is not None}


def guid(n: int) -> str:
    return f"A{n:07d}-0000-4000-8000-{n:012d}"


# --- golden files ---------------------------------------------------------------------------


def test_ventura_golden_counts(tmp_path: Path) -> None:
    messages, issues = read_export(build("ventura.sql", tmp_path))
    assert tally(messages) == {
        (PARTNER, "text"): 6,  # rows 1, 14 (damaged body), 15, 30, 32, 34
        (PARTNER, "edited"): 1,  # 7
        (PARTNER, "sticker"): 1,  # 5
        (PARTNER, "location"): 1,  # 9
        (PARTNER, "reaction"): 6,  # 3, 11, 12, 18, 19, 21
        (ME, "text"): 3,  # 2, 8, 13
        (ME, "media"): 3,  # 4, 16, 23
        (ME, "deleted"): 1,  # 6
        (ME, "location"): 1,  # 10
        (ME, "reaction"): 2,  # 17, 20
        (SAM, "text"): 2,  # 22, 33
        (UK, "text"): 1,  # 26
        ("", "system"): 6,  # 24, 25, 27, 28, 29, 31
    }
    assert len(issues) == 1
    assert issues[0].line == 14 and "cut short" in issues[0].reason


def test_ventura_golden_fields(tmp_path: Path) -> None:
    messages, _ = read_export(build("ventura.sql", tmp_path))
    rows = by_line(messages)
    # Chronological, not row order: row 34 was synced last but sent first.
    assert [m.line for m in messages[:3]] == [34, 1, 2]
    assert rows[34].sent_at == datetime(2024, 3, 9, 18, 29)
    assert all(m.utc_offset_s == 0 for m in messages)

    assert rows[1].text == "Hey! Are we still on for tonight?"
    assert (rows[1].sender, rows[1].from_me, rows[1].chat) == (PARTNER, False, PARTNER)
    assert rows[1].record_id == guid(1)
    assert rows[2].text == "Yes 😊\nsee you at 8" and rows[2].from_me is True
    assert rows[2].sent_at == datetime(2024, 3, 9, 18, 31, 5)
    assert (rows[3].kind, rows[3].text, rows[3].reply_to) == (Kind.REACTION, "❤️", guid(2))
    assert (rows[11].text, rows[11].reply_to) == ("-❤️", guid(2))
    assert (rows[12].text, rows[12].reply_to) == ("🔥", guid(4))
    assert [rows[n].text for n in (17, 18, 19, 20, 21)] == ["👍", "😂", "‼️", "❓", "👎"]
    assert (rows[4].kind, rows[4].text, rows[4].attachments) == (
        Kind.MEDIA,
        "the view from here",
        ("IMG_0042.HEIC",),
    )
    assert (rows[5].kind, rows[5].text, rows[5].attachments) == (
        Kind.STICKER,
        "",
        ("sticker.png",),
    )
    assert (rows[6].kind, rows[6].text) == (Kind.DELETED, "")
    assert (rows[7].kind, rows[7].text) == (Kind.EDITED, "running 10 min late, sorry")
    assert rows[8].reply_to == guid(7)
    assert (rows[9].kind, rows[9].text, rows[9].attachments) == (
        Kind.LOCATION,
        "",
        ("CL.loc.vcf",),
    )
    assert rows[10].kind is Kind.LOCATION
    assert rows[10].text == "https://maps.apple.com/?ll=40.748400,-73.985700&q=Dropped%20Pin"
    assert rows[13].text == "Fesker"
    assert rows[14].text == ""
    assert rows[15].text == "مرحبا! שלום 👋"
    assert (rows[16].kind, rows[16].text) == (Kind.MEDIA, "(Handwritten message)")
    assert (rows[23].chat, rows[23].attachments) == (SAM, ("Audio Message.caf",))

    assert [rows[n].text for n in (24, 25, 27, 28, 29, 31)] == [
        "Me named the conversation “Weekend plans”",
        "Me added +447700900123 to the conversation",
        "sam@example.com changed the group photo",
        "+15551234567 started sharing location",
        "+447700900123 left the conversation",
        "Me kept an audio message",
    ]
    assert all(rows[n].from_me is None and rows[n].sender == "" for n in (24, 25, 27))
    assert {rows[n].chat for n in range(24, 32)} == {"Weekend plans"}
    assert rows[30].text == "Plan:\n1. hike\n2. lunch"
    assert rows[32].chat == ""
    assert rows[33].text == "Hel\ufffdlo"


def test_legacy_golden(tmp_path: Path) -> None:
    messages, issues = read_export(build("legacy.sql", tmp_path))
    assert not issues
    assert tally(messages) == {
        (PARTNER, "text"): 2,
        (PARTNER, "reaction"): 1,
        (ME, "text"): 1,
        (ME, "media"): 1,
        ("+15557654321", "text"): 1,
    }
    rows = by_line(messages)
    assert rows[1].sent_at == datetime(2016, 11, 5, 20, 0)
    assert rows[5].sent_at == datetime(2016, 11, 5, 20, 4, 30)
    assert rows[5].text == "Call me later\nok?"
    assert (rows[3].text, rows[3].reply_to) == ("😂", "1C4E1A10-0002-4F00-9000-00000000AAAA")
    assert (rows[4].text, rows[4].attachments) == ("", ("IMG_1234.JPG",))
    assert rows[6].chat == "+15557654321"


def test_chat_option_picks_chats_by_handle_or_name(tmp_path: Path) -> None:
    path = build("ventura.sql", tmp_path)
    by_phone, _ = read_export(path, "imessage", {"chat": "(555) 123-4567"})
    assert len(by_phone) == 30  # chat 1 (rows 1-21, 34) and the group, where it takes part
    assert {m.chat for m in by_phone} == {PARTNER, "Weekend plans"}
    by_name, _ = read_export(path, "imessage", {"chat": "weekend plans"})
    assert [m.line for m in by_name] == list(range(24, 32))
    by_mail, _ = read_export(path, "imessage", {"chat": "SAM@example.com"})
    assert len(by_mail) == 11
    with pytest.raises(UsageError) as info:
        read_export(path, "imessage", {"chat": "nobody@example.com"})
    assert "+447700900123" in info.value.hint and "sam@example.com" in info.value.hint


def test_a_wal_file_beside_the_database_is_reported(tmp_path: Path) -> None:
    path = build("legacy.sql", tmp_path)
    (tmp_path / "chat.db-wal").write_bytes(b"\x37\x7f\x06\x82" + bytes(28))
    messages, issues = read_export(path, "imessage")
    assert len(messages) == 6
    assert len(issues) == 1 and "chat.db-wal" in issues[0].reason


# --- the attributedBody archive ----------------------------------------------------------------


def test_archive_is_what_a_mac_writes() -> None:
    assert archive_text("Fesker") == REAL_BLOB
    assert decode_attributed_body(REAL_BLOB) == ("Fesker", "")


@pytest.mark.parametrize("size", [0, 1, 127, 128, 255, 32767, 32768, 70000])
def test_archive_lengths(size: int) -> None:
    text = ("é" * size)[:size]
    assert decode_attributed_body(archive_text(text)) == (text, "")


def test_mutable_string_archive_is_read() -> None:
    blob = (
        b"\x04\x0bstreamtyped\x81\xe8\x03\x84\x01@\x84\x84\x84\x19NSMutableAttributedString\x00"
        b"\x84\x84\x12NSAttributedString\x00\x84\x84\x08NSObject\x00\x85\x92\x84\x84\x84\x0f"
        b"NSMutableString\x01\x84\x84\x08NSString\x01\x95\x84\x01+\x05hello\x86"
    )
    assert decode_attributed_body(blob) == ("hello", "")


@pytest.mark.parametrize(
    ("blob", "problem"),
    [
        (b"", "no NSString"),
        (b"streamtyped NSString", "no string"),
        (b"NSString\x01\x94\x84\x01+\x83\x00", "unreadable string length"),
        (b"NSString\x01\x94\x84\x01+\x81\x10", "unreadable string length"),
        (b"NSString\x01\x94\x84\x01+\x81\x10\x00abc", "cut short"),
        (b"NSString\x01\x94\x84\x01+\x03a\xffb", "not valid UTF-8"),
    ],
)
def test_odd_archives_give_a_reason(blob: bytes, problem: str) -> None:
    text, reason = decode_attributed_body(blob)
    assert problem in reason
    assert isinstance(text, str)


@given(blob=st.binary(max_size=300))
def test_decoding_never_raises(blob: bytes) -> None:
    text, reason = decode_attributed_body(b"NSString\x01\x94\x84\x01+" + blob)
    assert isinstance(text, str) and isinstance(reason, str)
    decode_attributed_body(blob)


@given(text=st.text())
def test_archive_round_trips_any_text(text: str) -> None:
    assert decode_attributed_body(archive_text(text)) == (text, "")


# --- round trips ---------------------------------------------------------------------------------


def test_variants_are_the_renderers() -> None:
    assert variants("imessage") == VARIANTS
    with pytest.raises(ValueError, match="unknown iMessage variant"):
        renderer.render(generate("stable", seed=1, days=2), "mojave")


@given(
    seed=st.integers(0, 10_000),
    scenario=st.sampled_from(SCENARIOS),
    variant=st.sampled_from(VARIANTS),
    days=st.integers(20, 40),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip(tmp_path: Path, seed: int, scenario: str, variant: str, days: int) -> None:
    chat = generate(scenario, seed=seed, days=days)
    messages = check_round_trip(chat, "imessage", variant, tmp_path)
    assert {m.sender for m in messages} <= {ME, PARTNER}


def test_round_trip_keeps_every_kind_the_format_has(tmp_path: Path) -> None:
    chat = generate("hot_cold", seed=7, days=120)
    got = {m.kind for m in check_round_trip(chat, "imessage", "sequoia", tmp_path)}
    assert got == {
        Kind.TEXT,
        Kind.MEDIA,
        Kind.STICKER,
        Kind.DELETED,
        Kind.EDITED,
        Kind.REACTION,
        Kind.LOCATION,
    }


@given(
    texts=st.lists(st.text(), min_size=1, max_size=12),
    seed=st.integers(0, 1000),
    variant=st.sampled_from(VARIANTS),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip_any_text(tmp_path: Path, texts: list[str], seed: int, variant: str) -> None:
    chat = generate("stable", seed=seed, days=3)
    messages = list(chat.messages)
    slots = [i for i, m in enumerate(messages) if m.kind is Kind.TEXT]
    for i, text in zip(slots, texts, strict=False):
        messages[i] = dataclasses.replace(messages[i], text=text)
    chat = dataclasses.replace(chat, messages=tuple(messages))
    check_round_trip(chat, "imessage", variant, tmp_path)


# --- damage and other formats -----------------------------------------------------------------


def _rendered(variant: str = "ventura") -> bytes:
    return renderer.render(generate("stable", seed=3, days=20), variant).files["chat.db"]


def test_truncated_database(tmp_path: Path) -> None:
    data = _rendered()
    path = tmp_path / "chat.db"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError, match="cut short"):
        read_export(path)
    path.write_bytes(data[:60])
    with pytest.raises((ParseError, UnknownFormatError)):
        read_export(path)
    with pytest.raises(ParseError):
        read_export(path, "imessage")


def test_garbage_and_text_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(UnknownFormatError):
        read_export(path)
    with pytest.raises(ParseError, match="not a SQLite database"):
        read_export(path, "imessage")
    path.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 8)
    assert get_source("imessage").sniff(ExportFile(path)).confidence <= 0.3
    with pytest.raises(ParseError):
        read_export(path, "imessage")


def test_other_sqlite_databases(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE message (id INTEGER, body TEXT); INSERT INTO message VALUES (1, 'x');"
    )
    conn.close()
    verdict = get_source("imessage").sniff(ExportFile(path))
    assert verdict.confidence <= 0.3 and "SQLite" in verdict.reason
    with pytest.raises(ParseError, match="no handle table"):
        read_export(path, "imessage")


def test_message_table_without_needed_columns(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT);"
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
        "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, chat_identifier TEXT);"
        "CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);"
    )
    conn.close()
    assert get_source("imessage").sniff(ExportFile(path)).confidence >= 0.9
    with pytest.raises(ParseError, match="no date column"):
        read_export(path)


def test_odd_values_are_reported_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE message (ROWID INTEGER PRIMARY KEY, guid TEXT, text TEXT, handle_id, date,"
        " is_from_me, attributedBody, item_type, associated_message_type);"
        "CREATE TABLE handle (ROWID INTEGER PRIMARY KEY, id TEXT);"
        "CREATE TABLE chat (ROWID INTEGER PRIMARY KEY, chat_identifier TEXT);"
        "CREATE TABLE chat_message_join (chat_id INTEGER, message_id INTEGER);"
        "INSERT INTO handle VALUES (1, 'x@example.com');"
        "INSERT INTO chat VALUES (1, 'x@example.com');"
        # 1: a date in seconds, 2: in nanoseconds (a database upgraded in between), 3: not a
        # date, 4: a date far out of range, 5: a number where text belongs, 6: a text
        # attributedBody, 7: an unknown event, 8: a tapback type in text.
        "INSERT INTO message VALUES (1, 'g1', 'old', 1, 500068800, 0, NULL, 0, 0),"
        " (2, 'g2', 'new', 1, 731701800000000000, '1', NULL, 0, 0),"
        " (3, 'g3', 'what', 1, 'soon', 0, NULL, 0, 0),"
        " (4, 'g4', 'far', 1, 9.9e300, 0, NULL, 0, 0),"
        " (5, 'g5', 42, 1, 500068801, 0, NULL, 0, 0),"
        " (6, 'g6', NULL, 1, 500068802, 0, 'NSString', 0, 0),"
        " (7, 'g7', NULL, 1, 500068803, 0, NULL, 99, 0),"
        " (8, NULL, 'ha', 1, 500068804, 0, NULL, 0, '2003');"
        "INSERT INTO chat_message_join VALUES (1, 1), (1, 2), (1, 3), (1, 4);"
    )
    conn.close()
    messages, issues = read_export(path)
    rows = by_line(messages)
    assert sorted(rows) == [1, 2, 5, 6, 7, 8]
    assert rows[1].sent_at == datetime(2016, 11, 5, 20, 0)
    assert rows[2].sent_at == datetime(2024, 3, 9, 18, 30)
    assert (rows[2].sender, rows[2].from_me) == (ME, True)
    assert rows[5].text == "42"
    assert rows[7].kind is Kind.SYSTEM and "item type 99" in rows[7].text
    assert (rows[8].kind, rows[8].text, rows[8].record_id) == (Kind.REACTION, "😂", "8")
    assert {i.line for i in issues} == {3, 4, 6}


@given(data=st.data())
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_damaged_pages_raise_parse_error_only(tmp_path: Path, data: st.DataObject) -> None:
    original = _cached_render()
    start = data.draw(st.integers(100, len(original) - 1), label="start")
    patch = data.draw(st.binary(min_size=1, max_size=512), label="patch")
    damaged = original[:start] + patch + original[start + len(patch) :]
    path = tmp_path / "chat.db"
    path.write_bytes(damaged[: len(original)])
    file = ExportFile(path)
    get_source("imessage").sniff(file)
    with contextlib.suppress(ParseError):
        list(get_source("imessage").read(file))


_RENDER_CACHE: list[bytes] = []


def _cached_render() -> bytes:
    if not _RENDER_CACHE:
        chat = generate("stable", seed=11, days=15)
        _RENDER_CACHE.append(renderer.render(chat, "ventura").files["chat.db"])
    return _RENDER_CACHE[0]


# --- older or partial copies --------------------------------------------------------------------


@pytest.mark.parametrize("dropped", [("chat",), ("chat", "chat_message_join")])
def test_a_copy_without_its_chat_table_is_read_by_handle_and_says_so(
    tmp_path: Path, dropped: tuple[str, ...]
) -> None:
    path = build("legacy.sql", tmp_path)
    conn = sqlite3.connect(path)
    for table in dropped:
        conn.execute(f"DROP TABLE {table}")
    conn.commit()
    conn.close()
    assert detect(ExportFile(path)).name == "imessage"
    messages, issues = read_export(path)
    assert [(m.sender, m.kind) for m in messages] == [
        (PARTNER, Kind.TEXT),
        (ME, Kind.TEXT),
        (PARTNER, Kind.REACTION),
        (ME, Kind.MEDIA),
        (PARTNER, Kind.TEXT),
        ("+15557654321", Kind.TEXT),
    ]
    assert messages[0].text == "Happy Friday!" and {m.chat for m in messages} == {""}
    (issue,) = issues
    assert all(f"no {t}" in issue.reason for t in dropped) and "chat names" in issue.action
