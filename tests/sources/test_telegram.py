"""Telegram Desktop JSON exports: hand-written files, round trips, damaged input."""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pushpull.errors import ParseError, UnknownFormatError, UsageError
from pushpull.model import Kind, Message
from pushpull.registry import ExportFile, detect, get_source
from pushpull.synth import SCENARIOS, generate, render, variants
from pushpull.testing import check_round_trip, read_export, tally

VARIANTS = variants("telegram")
DATA = Path(__file__).parent.parent / "data" / "telegram"
CHAT = DATA / "chat_export" / "result.json"
ACCOUNT = DATA / "account_export" / "result.json"
OLD = DATA / "old_2019" / "result.json"
ESCAPES = DATA / "control_escape" / "result.json"
ZOE, ALEX = "Zoë Martín", "Alex Böhm"
SAM, JORDAN, FAMILY = "Sam Rivera", "Jordan Lee", "Family 👨‍👩‍👧"
GONE = "Deleted Account"

round_trip_settings = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read(path: Path) -> list[Message]:
    messages, issues = read_export(path)
    assert not issues
    return messages


# --- hand-written exports ----------------------------------------------------------------------


def test_one_chat_export_every_kind() -> None:
    messages, issues = read_export(CHAT)
    assert tally(messages) == {
        (ZOE, "text"): 3,
        (ZOE, "edited"): 1,
        (ZOE, "media"): 4,
        (ZOE, "call"): 2,
        (ZOE, "poll"): 1,
        (ZOE, "location"): 1,
        (ZOE, "system"): 1,
        (ZOE, "reaction"): 1,
        (ALEX, "text"): 3,
        (ALEX, "media"): 3,
        (ALEX, "sticker"): 1,
        (ALEX, "call"): 1,
        (ALEX, "location"): 1,
        (ALEX, "system"): 3,
        (ALEX, "reaction"): 2,
    }
    assert [(m.sender, m.kind, m.text) for m in messages] == [
        (ZOE, Kind.TEXT, "Hola Alex! 👋"),
        (ALEX, Kind.TEXT, "Look at this: https://example.org/trip"),
        (ZOE, Kind.EDITED, "مرحبا\nשלום 🇮🇱\nok?"),
        (ALEX, Kind.MEDIA, "sunset 🌅"),
        (ZOE, Kind.MEDIA, ""),
        (ALEX, Kind.STICKER, ""),
        (ZOE, Kind.CALL, "Missed voice call"),
        (ALEX, Kind.CALL, "Voice call"),
        (ZOE, Kind.CALL, "Declined voice call"),
        (ZOE, Kind.MEDIA, "my CV"),
        (ALEX, Kind.MEDIA, ""),
        (ZOE, Kind.POLL, "Pizza or sushi?"),
        (ALEX, Kind.LOCATION, "https://maps.google.com/?q=52.520008,13.404954"),
        (
            ZOE,
            Kind.LOCATION,
            "Café Einstein\nKurfürstenstraße 58, Berlin\nhttps://maps.google.com/?q=52.501000,13.354000",
        ),
        (ALEX, Kind.TEXT, "Contact: Kim Lee, +49 151 23456789"),
        (ZOE, Kind.TEXT, "good night ✨"),
        (ZOE, Kind.REACTION, "❤"),
        (ALEX, Kind.REACTION, ""),
        (ALEX, Kind.REACTION, "❤"),
        (ALEX, Kind.SYSTEM, "Alex Böhm pinned a message"),
        (ZOE, Kind.MEDIA, ""),
        (ALEX, Kind.MEDIA, ""),
        (ZOE, Kind.MEDIA, "🎉"),
        (ALEX, Kind.TEXT, "Dinner is at 8, don't be late!"),
        (ALEX, Kind.SYSTEM, "Alex Böhm cleared the history"),
        (ZOE, Kind.SYSTEM, "Zoë Martín set messages to auto-delete after 86400 seconds"),
        (ALEX, Kind.SYSTEM, "Alex Böhm changed the chat theme to 🌸"),
        (ZOE, Kind.TEXT, "Ask @kimlee or see the list 🔥\nprint('hi')"),
    ]
    # the record Telegram could not export has no date: a warning, not a message
    assert len(issues) == 1 and "223" in issues[0].reason and issues[0].line == 415
    first = messages[0]
    assert (first.sent_at, first.utc_offset_s) == (datetime(2024, 3, 30, 22, 10, 5), 3600)
    assert (first.record_id, first.line, first.chat, first.from_me) == ("201", 7, ZOE, False)
    assert messages[1].reply_to == "201" and messages[1].from_me is True
    # Berlin moved to summer time in the night: the offset follows, message by message
    assert messages[7].sent_at == datetime(2024, 3, 31, 3, 5, 10)
    assert messages[7].utc_offset_s == 7200
    assert messages[3].attachments == ("photo_1@30-03-2024_22-15-00.jpg",)
    assert messages[4].attachments == ("audio_1@30-03-2024_22-20-31.ogg",)
    assert messages[5].attachments == ("sticker.webp",)
    assert messages[9].attachments == ("Lebenslauf_Zoë.pdf",)  # not exported: its file_name
    assert messages[10].attachments == ()  # a photo left out of the export has no name
    assert [m.attachments for m in messages[20:23]] == [
        ("file_1@01-04-2024_08-00-00.mp4",),
        ("giphy.mp4",),
        ("VID_20240401_081500.mp4",),
    ]
    reactions = messages[16:19]
    assert [r.sent_at for r in reactions] == [
        datetime(2024, 3, 31, 23, 58),
        datetime(2024, 3, 31, 23, 59),
        datetime(2024, 3, 31, 23, 59, 30),
    ]
    assert [r.record_id for r in reactions] == ["217:r1", "217:r2", "217:r3"]
    assert {r.reply_to for r in reactions} == {"217"}
    assert {r.utc_offset_s for r in reactions} == {None}
    assert reactions[1].attachments == ("5368324170671202286",)  # a custom emoji
    assert messages[19].reply_to == "217"  # the pinned message
    assert {m.chat for m in messages} == {ZOE}


def test_line_numbers_point_at_the_message_ids() -> None:
    lines = CHAT.read_text(encoding="utf-8").splitlines()
    for m in _read_all(CHAT):
        assert m.line is not None
        assert lines[m.line - 1].strip() == f'"id": {m.record_id.split(":")[0]},'


def _read_all(path: Path) -> list[Message]:
    return read_export(path)[0]


def test_account_export_reads_every_chat_with_its_title() -> None:
    messages = _read(ACCOUNT)
    assert tally(messages) == {
        (JORDAN, "text"): 1,
        (JORDAN, "call"): 1,
        (JORDAN, "system"): 1,
        (SAM, "text"): 4,
        (SAM, "sticker"): 1,
        (SAM, "system"): 2,
        (GONE, "text"): 2,
        ("Priya", "text"): 1,
        ("Priya", "system"): 1,
        ("Arjun", "system"): 1,
        ("Rita", "text"): 1,
    }
    assert [m.chat for m in messages] == [JORDAN] * 4 + ["Saved Messages"] + [
        "Deleted Account (7099887766)"
    ] * 2 + [FAMILY] * 7 + ["Runners Berlin"] * 2
    assert [m.from_me for m in messages] == [
        False,
        True,
        False,
        True,
        True,
        False,
        True,
        True,
        False,
        False,
        False,
        False,
        True,
        False,
        False,
        True,
    ]
    family = [m.text for m in messages if m.chat == FAMILY]
    assert family == [
        "Sam Rivera created the group «Family 👨‍👩‍👧» with Jordan Lee, Priya",
        "Hi all",
        "Arjun joined the group via invite link",
        "Jordan Lee left the group",
        "bye",
        "Sam Rivera changed the group name to «Family ❤️»",
        "Priya turned on topics.",
    ]
    assert messages[3].attachments == ("AnimatedSticker.tgs",)
    assert messages[0].utc_offset_s == -18000
    assert messages[-1].reply_to == "9001"
    # "id": 1 of the group, not the frequent contact with id 1 written before the chats
    lines = ACCOUNT.read_text(encoding="utf-8").splitlines()
    create = messages[7]
    assert create.line == 184 and lines[create.line - 1].strip() == '"id": 1,'


def test_option_chat_picks_one_chat_of_an_account_export() -> None:
    messages, _ = read_export(ACCOUNT, "telegram", {"chat": "family 👨‍👩‍👧"})
    assert {m.chat for m in messages} == {FAMILY} and len(messages) == 7
    assert messages[1].line == 200  # lines stay right after chats that were passed over
    with pytest.raises(UsageError) as info:
        read_export(ACCOUNT, "telegram", {"chat": "Nobody"})
    assert "Jordan Lee" in info.value.hint


def test_old_export_without_unix_times_or_entities() -> None:
    messages = _read(OLD)
    assert tally(messages) == {
        ("Marta", "text"): 1,
        ("Marta", "call"): 1,
        ("Marta", "media"): 1,
        ("Pedro", "text"): 1,
        ("Pedro", "media"): 1,
    }
    assert [m.text for m in messages] == ["Olá! Tudo bem?", "Sim, e tu?", "Voice call", "", ""]
    assert {m.utc_offset_s for m in messages} == {None}
    # the chat id is Marta's (numeric ids in old exports), so Pedro is the exporter
    assert [m.from_me for m in messages] == [False, True, False, True, False]
    assert messages[3].attachments == ("photo_1@04-05-2019_18-40-11.jpg",)


def test_control_character_escapes_are_repaired() -> None:
    messages = _read(ESCAPES)
    assert [m.text for m in messages] == [
        "bell\x07 and unit\x1fseparator",
        "C:\\xampp\\htdocs \u2028 next",  # an escaped backslash before x stays as it is
    ]
    assert messages[0].utc_offset_s == 7200 and messages[1].from_me is True


@pytest.mark.parametrize("path", [CHAT, ACCOUNT, OLD, ESCAPES])
def test_real_layouts_are_recognised_with_confidence(path: Path) -> None:
    file = ExportFile(path)
    assert get_source("telegram").sniff(file).confidence >= 0.9
    assert detect(file).name == "telegram"


def test_from_me_is_unknown_in_a_one_chat_group_export(tmp_path: Path) -> None:
    data = json.loads(CHAT.read_text(encoding="utf-8"))
    data["type"] = "private_group"
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    messages, _ = read_export(path)
    assert {m.from_me for m in messages} == {None}
    # a personal chat whose partner never wrote: the chat id cannot be confirmed
    data["type"] = "personal_chat"
    data["messages"] = [m for m in data["messages"] if m.get("from_id") != "user5120034567"]
    data["messages"] = [m for m in data["messages"] if m.get("actor_id") != "user5120034567"]
    path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), "utf-8")
    messages, _ = read_export(path)
    assert {m.from_me for m in messages} == {None}
    assert {m.line for m in messages} == {None}  # not Telegram's layout: lines unknown


# --- round trips -------------------------------------------------------------------------------


@round_trip_settings
@given(
    seed=st.integers(0, 10_000),
    scenario=st.sampled_from(SCENARIOS),
    variant=st.sampled_from(VARIANTS),
    days=st.integers(20, 40),
)
def test_round_trip(tmp_path: Path, seed: int, scenario: str, variant: str, days: int) -> None:
    chat = generate(scenario, seed=seed, days=days)
    check_round_trip(chat, "telegram", variant, tmp_path)


_ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@round_trip_settings
@example(
    texts=['nul\x00 bell\x07 \\x41 \u2028 "q" \r\n end', "", "🇪🇸 مرحبا"], seed=1, variant="entities"
)
@given(
    texts=st.lists(_ANY_TEXT, min_size=1, max_size=10),
    seed=st.integers(0, 10_000),
    variant=st.sampled_from(VARIANTS),
)
def test_arbitrary_texts_round_trip(
    tmp_path: Path, texts: list[str], seed: int, variant: str
) -> None:
    chat = generate("stable", seed=seed, days=4)
    messages = list(chat.messages)
    targets = [i for i, m in enumerate(messages) if m.kind in (Kind.TEXT, Kind.EDITED)]
    for i, text in zip(targets, texts, strict=False):
        messages[i] = dataclasses.replace(messages[i], text=text)
    chat = dataclasses.replace(chat, messages=tuple(messages))
    got = {m.text for m in check_round_trip(chat, "telegram", variant, tmp_path)}
    assert all(text in got for text in texts[: len(targets)])


def test_full_account_variant_puts_the_other_chats_after_the_conversation(tmp_path: Path) -> None:
    chat = generate("stable", seed=3, days=10)
    messages = check_round_trip(chat, "telegram", "full-account", tmp_path)
    chats = [m.chat for m in messages]
    n_main = chats.count(chat.partner)
    assert chats[:n_main] == [chat.partner] * n_main
    assert set(chats[n_main:]) == {"Climbing crew 🧗", "Book club 📚"}
    assert {m.from_me for m in messages if m.sender == chat.me} == {True}


def test_rendered_export_looks_like_telegram(tmp_path: Path) -> None:
    chat = generate("hot_cold", seed=5, days=30)
    export = render(chat, "telegram", "entities")
    assert export.main.startswith("ChatExport_") and export.main.endswith("/result.json")
    text = export.files[export.main].decode("utf-8")
    assert text.startswith('{\n "name": ') and text.endswith("\n ]\n}")
    assert '"text_entities": [' in text and '"type": "bold"' in text
    assert not any(m.kind is Kind.DELETED or m.kind is Kind.SYSTEM for m in export.expected)
    with pytest.raises(ValueError):
        render(chat, "telegram", "html")


# --- damaged and foreign input -----------------------------------------------------------------


def test_truncated_export_is_a_parse_error_with_a_line(tmp_path: Path) -> None:
    data = CHAT.read_bytes()
    path = tmp_path / "result.json"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ParseError) as info:
        read_export(path, "telegram")
    assert info.value.line is not None and info.value.line > 100
    assert detect(ExportFile(path)).name == "telegram"  # still recognised by its head


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\xff\x10garbage\x89PNG\r\n" * 50,
        b'[{"id": 1, "type": "message"}]',
        b'{"id": 1, "name": "x"}',
        b'{"about": "x", "chats": {"about": "y"}}',
        b'{"about": "x", "personal_information": {"user_id": 5}}',
        b'{"name": "x", "type": "personal_chat", "id": 1, "messages": [1, {"id": 2}]',
        b'{"name": "x", "type": "personal_chat", "id": 1, "messages": [' + b"[" * 100_000,
        b"12/01/2025, 20:15 - Sam: hi\n",
    ],
)
def test_damaged_or_foreign_input_is_a_parse_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(content)
    with pytest.raises(ParseError):
        read_export(path, "telegram")


def test_garbage_is_not_detected(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_bytes(b"\x00\xff\x10garbage" * 100)
    with pytest.raises(UnknownFormatError):
        read_export(path)


def test_a_broken_record_is_skipped_with_a_warning(tmp_path: Path) -> None:
    data = json.loads(CHAT.read_text(encoding="utf-8"))
    data["messages"][1] = "not a message"
    del data["messages"][2]["date"]  # with date_unixtime left, read on this computer's clock
    del data["messages"][2]["date_unixtime"]  # with neither, broken
    data["messages"][3]["date_unixtime"] = "soon"
    data["messages"][15]["reactions"][0]["recent"][0]["date"] = 5
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    messages, issues = read_export(path)
    assert len(issues) == 5  # four broken records and the unsupported one
    assert all(i.action == "skipped this record" for i in issues)
    assert len(messages) == 28 - 4 - 3  # the reacted-to message goes with its reactions


def test_a_unix_time_more_than_a_day_from_the_date_skips_the_record(tmp_path: Path) -> None:
    data = json.loads(CHAT.read_text(encoding="utf-8"))
    data["messages"][0]["date_unixtime"] = str(2**70)
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    messages, issues = read_export(path)
    assert [i.reason for i in issues if "date_unixtime" in i.reason] != []
    assert all(m.utc_offset_s is None or abs(m.utc_offset_s) < 86400 for m in messages)


@pytest.mark.parametrize("where", ["type", "id", "from_id"])
def test_a_list_or_object_where_an_id_or_type_belongs_is_no_crash(
    tmp_path: Path, where: str
) -> None:
    data = json.loads(CHAT.read_text(encoding="utf-8"))
    if where == "from_id":
        data["messages"][0]["from_id"] = {"user": [5120034567]}
    else:
        data[where] = [data[where]]
    path = tmp_path / "result.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    messages, _ = read_export(path, "telegram")
    assert len(messages) == len(read_export(CHAT)[0])


def test_account_export_without_chats_says_how_to_export_again(tmp_path: Path) -> None:
    path = tmp_path / "result.json"
    path.write_text(
        '{\n "about": "x",\n "personal_information": {\n  "user_id": 5\n },\n "contacts": '
        '{\n  "about": "y",\n  "list": []\n }\n}',
        encoding="utf-8",
    )
    assert detect(ExportFile(path)).name == "telegram"
    with pytest.raises(ParseError) as info:
        read_export(path)
    assert "JSON format" in info.value.hint


def test_sqlite_database_is_not_taken_for_telegram(tmp_path: Path) -> None:
    path = tmp_path / "chat.db"
    path.write_bytes(b"SQLite format 3\x00" + bytes(4096))
    assert get_source("telegram").sniff(ExportFile(path)).confidence == 0.0


# --- trimmed exports: only date_unixtime, no chat header ---------------------------------------


def _local(unix: int) -> datetime:
    return datetime.fromtimestamp(unix).astimezone().replace(tzinfo=None)


def test_records_with_only_date_unixtime_are_read_on_this_computers_clock() -> None:
    path = DATA / "trimmed_unixtime" / "messages.json"
    assert detect(ExportFile(path)).name == "telegram"
    messages = _read(path)
    assert [(m.sender, m.kind, m.text) for m in messages] == [
        ("Noor", Kind.TEXT, "are we still on for the market tomorrow?"),
        ("Kai", Kind.TEXT, "yes! https://example.org/market"),
        ("Noor", Kind.TEXT, "great, see you at 10"),
    ]
    assert messages[0].sent_at == _local(1700000000)
    assert messages[1].sent_at == _local(1700000420)
    # with both fields the wall clock of "date" is kept, as before
    assert messages[2].sent_at == datetime(2023, 11, 14, 23, 40)


def test_a_chats_list_without_an_account_header_is_read() -> None:
    path = DATA / "trimmed_list" / "chats.json"
    assert detect(ExportFile(path)).name == "telegram"
    messages = _read(path)
    assert [(m.sender, m.text, m.sent_at) for m in messages] == [
        ("Kai", "morning ☀️", _local(1700100000)),
        ("Noor", "morning! coffee?", _local(1700100600)),
    ]
