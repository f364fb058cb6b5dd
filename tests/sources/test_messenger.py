"""Messenger / Instagram JSON downloads: hand-written threads, round trips, damaged input."""

from __future__ import annotations

import dataclasses
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushpull.errors import ParseError, UnknownFormatError, UsageError
from pushpull.model import Kind, Message
from pushpull.registry import ExportFile, detect, get_source
from pushpull.sources.messenger import repair_text
from pushpull.synth import SCENARIOS, generate, variants
from pushpull.testing import check_round_trip, read_export, tally

#: The renderer's layouts, spelled out so that collecting this file imports no renderer.
VARIANTS = ("messenger", "instagram", "messenger-parts")
DATA = Path(__file__).parent.parent / "data" / "messenger"
CLASSIC = DATA / "classic" / "samrivera_10158412345678901"
INSTAGRAM = DATA / "instagram" / "alex.b_17841400123456789" / "message_1.json"
GROUP = DATA / "group" / "hikingcrew_5623419087654321" / "message_1.json"
RESAVED = DATA / "resaved_as_utf8.json"
SAM, ZOE, ALEX = "Sam Rivera", "Zoë Martín", "Alex Böhm"

settings_rt = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _read(path: Path) -> list[Message]:
    messages, issues = read_export(path)
    assert not issues
    return messages


# --- hand-written threads ---------------------------------------------------------------------


def test_classic_thread_is_read_from_both_parts_oldest_first() -> None:
    messages = _read(CLASSIC / "message_1.json")
    assert tally(messages) == {
        (SAM, "text"): 4,
        (SAM, "media"): 2,
        (SAM, "call"): 2,
        (SAM, "sticker"): 1,
        (SAM, "deleted"): 1,
        (SAM, "poll"): 1,
        (SAM, "reaction"): 2,
        (ZOE, "text"): 2,
        (ZOE, "media"): 3,
        (ZOE, "call"): 2,
        (ZOE, "location"): 1,
        (ZOE, "reaction"): 2,
    }
    assert [(m.sender, m.kind, m.text) for m in messages] == [
        (SAM, Kind.TEXT, "Hey Zoë! 👋"),
        (ZOE, Kind.TEXT, "Hi Sam 😊\nlong day…\nyou?"),
        (SAM, Kind.REACTION, "❤"),
        (SAM, Kind.MEDIA, ""),
        (ZOE, Kind.MEDIA, "look at this"),
        (SAM, Kind.TEXT, "https://www.youtube.com/watch?v=abc123\nFunny cats compilation"),
        (ZOE, Kind.CALL, "Missed voice call"),
        (SAM, Kind.CALL, "Voice call"),
        (SAM, Kind.STICKER, ""),
        (ZOE, Kind.MEDIA, ""),
        (SAM, Kind.DELETED, ""),
        (ZOE, Kind.REACTION, "😮"),
        (ZOE, Kind.LOCATION, "https://www.google.com/maps/place/40.4168,-3.7038"),
        (SAM, Kind.POLL, "Pizza or sushi?"),
        (SAM, Kind.MEDIA, ""),
        (ZOE, Kind.MEDIA, "my CV"),
        (SAM, Kind.TEXT, "مرحبا، كيف حالك؟ שלום"),
        (ZOE, Kind.REACTION, "😂"),
        (SAM, Kind.REACTION, "👍"),
        (ZOE, Kind.TEXT, ""),
        (SAM, Kind.CALL, "Missed video call"),
        (ZOE, Kind.CALL, "Video call"),
        (SAM, Kind.TEXT, "Bis morgen! Ça va 🇪🇸"),
    ]
    first = messages[0]
    assert first.sent_at == datetime(2024, 3, 1, 18, 0, 0, 123000)
    assert first.utc_offset_s == 0 and first.from_me is None and first.chat == SAM
    assert (first.record_id, first.line) == ("message_2.json:7", 7)
    heart = messages[2]
    assert heart.reply_to == "message_2.json:6" and heart.sent_at == messages[1].sent_at
    assert messages[3].attachments == (
        "428811223_7788990011223344_5566778899001122334_n.jpg",
        "428811224_7788990011223345_5566778899001122335_n.jpg",
    )
    assert messages[4].attachments == ("331122334_1234567890123456_n.mp4",)  # no thumbnail
    assert messages[8].attachments == ("39178562_1505197616293642_5411344281094848512_n.png",)
    assert messages[9].attachments == ("audioclip17093709600001234.mp4",)
    assert messages[11].reply_to == messages[10].record_id == "message_1.json:10"
    assert messages[15].attachments == ("Lebenslauf_Zoë.pdf",)
    assert [m.record_id for m in messages[16:19]] == [
        "message_1.json:5",
        "message_1.json:5:r1",
        "message_1.json:5:r2",
    ]
    last = messages[-1]
    assert last.sent_at == datetime(2024, 3, 2, 10, 30)
    assert (last.record_id, last.line) == ("message_1.json:1", 1)
    assert [m.sent_at for m in messages] == sorted(m.sent_at for m in messages)


def test_importing_the_older_part_gives_the_whole_thread_too() -> None:
    assert _read(CLASSIC / "message_2.json") == _read(CLASSIC / "message_1.json")


def test_instagram_thread() -> None:
    messages = _read(INSTAGRAM)
    assert tally(messages) == {
        (ALEX, "text"): 2,
        (ALEX, "reaction"): 3,
        (ALEX, "media"): 1,
        (ALEX, "call"): 1,
        (ZOE, "text"): 2,
        (ZOE, "media"): 1,
        (ZOE, "call"): 1,
    }
    assert [(m.sender, m.kind, m.text) for m in messages] == [
        (ALEX, Kind.TEXT, "hey 🙂"),
        (
            ZOE,
            Kind.TEXT,
            "https://www.instagram.com/reel/C1a2B3c4D5e/\nWhen your cat judges you 😹",
        ),
        (ALEX, Kind.REACTION, "😂"),
        (ALEX, Kind.REACTION, "❤️"),
        (ZOE, Kind.MEDIA, ""),
        (ALEX, Kind.MEDIA, ""),
        (ALEX, Kind.CALL, "Voice call"),
        (ZOE, Kind.CALL, "Missed video call"),
        (ZOE, Kind.TEXT, "good night ✨\nsleep well"),
        (ALEX, Kind.REACTION, "❤️"),
        (ALEX, Kind.TEXT, ""),
    ]
    assert {m.chat for m in messages} == {ALEX}
    assert messages[4].attachments == ("441234567890123456.jpg",)
    assert messages[9].reply_to == messages[8].record_id == "message_1.json:2"
    assert messages[2].reply_to is None  # Instagram's notice does not say which message
    assert messages[0].sent_at == datetime(2024, 5, 10, 20, 0)


def test_group_joins_and_leaves_are_system_notices() -> None:
    messages = _read(GROUP)
    assert tally(messages) == {("", "system"): 3, (SAM, "text"): 1, (ALEX, "poll"): 1}
    assert [m.text for m in messages] == [
        "Zoë Martín added Sam Rivera, Alex Böhm to the group.",
        "Hi all",
        "Saturday or Sunday?",
        "Alex Böhm left the group.",
        "Zoë Martín removed Sam Rivera from the group.",
    ]
    assert {m.chat for m in messages} == {"Hiking crew 🏔"}


def test_text_that_is_already_correct_is_left_alone() -> None:
    messages = _read(RESAVED)  # not named message_N.json: only this file is read
    assert [(m.sender, m.text) for m in messages] == [
        (ZOE, "Café ☕ für dich"),
        (SAM, "naïve café — très bien"),
    ]


def test_repair_text() -> None:
    assert repair_text("Zo\u00c3\u00ab") == "Zoë"
    assert repair_text("\u00f0\u009f\u0098\u008d") == "😍"
    assert repair_text("plain") == "plain"
    assert repair_text("café") == "café"  # latin-1 already, not UTF-8 bytes
    assert repair_text("😍 ok") == "😍 ok"


@pytest.mark.parametrize(
    "path", [CLASSIC / "message_1.json", CLASSIC / "message_2.json", INSTAGRAM, GROUP]
)
def test_real_layouts_are_recognised_with_confidence(path: Path) -> None:
    file = ExportFile(path)
    assert get_source("messenger").sniff(file).confidence >= 0.9
    assert detect(file).name == "messenger"


def test_a_thread_from_another_folder_is_skipped_with_a_warning(tmp_path: Path) -> None:
    shutil.copy(CLASSIC / "message_1.json", tmp_path / "message_1.json")
    shutil.copy(GROUP, tmp_path / "message_2.json")
    messages, issues = read_export(tmp_path / "message_1.json")
    assert len(issues) == 1 and "message_2.json" in issues[0].reason
    assert issues[0].action == "skipped that file"
    assert len(messages) == 15  # only the newer part of Sam's thread (12 records, 3 reactions)
    assert messages[0].text == "" and messages[0].kind is Kind.STICKER


def _archive(tmp_path: Path) -> Path:
    path = tmp_path / "facebook-zoe-2024-06-01.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("your_facebook_activity/profile_information/profile.json", "{}")
        for folder in (CLASSIC, GROUP.parent):
            for part in sorted(folder.glob("message_*.json")):
                name = f"your_facebook_activity/messages/inbox/{folder.name}/{part.name}"
                archive.write(part, name)
        archive.write(INSTAGRAM, f"messages/inbox/{INSTAGRAM.parent.name}/message_1.json")
    return path


def test_the_downloaded_zip_gives_every_thread(tmp_path: Path) -> None:
    path = _archive(tmp_path)
    assert detect(ExportFile(path)).name == "messenger"
    messages = _read(path)
    counts = {chat: sum(m.chat == chat for m in messages) for chat in {m.chat for m in messages}}
    assert counts == {SAM: 23, "Hiking crew 🏔": 5, ALEX: 11}
    chosen, _ = read_export(path, "messenger", options={"chat": "hiking crew 🏔"})
    assert len(chosen) == 5
    with pytest.raises(UsageError, match="no chat called"):
        read_export(path, "messenger", options={"chat": "Nobody"})


# --- round trips ------------------------------------------------------------------------------


def test_the_renderer_offers_these_variants() -> None:
    assert variants("messenger") == VARIANTS


@given(
    seed=st.integers(0, 10_000),
    scenario=st.sampled_from(SCENARIOS),
    variant=st.sampled_from(VARIANTS),
    days=st.integers(20, 40),
)
@settings_rt
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory, seed: int, scenario: str, variant: str, days: int
) -> None:
    chat = generate(scenario, seed=seed, days=days)
    check_round_trip(chat, "messenger", variant, tmp_path_factory.mktemp("rt"))


_NOTICE = re.compile(r"Reacted .+ to (?:your|a) message|Liked a message", re.DOTALL)


def _carried(text: str) -> bool:
    """Texts the format shows as something else (Instagram's reaction notices, poll notices)."""
    return not _NOTICE.fullmatch(text) and " created a poll: " not in text


@given(
    texts=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=("Cs",))).filter(_carried),
        min_size=1,
        max_size=12,
    ),
    variant=st.sampled_from(VARIANTS),
)
@settings_rt
def test_any_text_survives(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], variant: str
) -> None:
    chat = generate("stable", seed=7, days=3)
    plain = [i for i, m in enumerate(chat.messages) if m.kind is Kind.TEXT]
    messages = list(chat.messages)
    for i, text in zip(plain, texts, strict=False):
        messages[i] = dataclasses.replace(messages[i], text=text)
    chat = dataclasses.replace(chat, messages=tuple(messages))
    check_round_trip(chat, "messenger", variant, tmp_path_factory.mktemp("txt"))


# --- damage -----------------------------------------------------------------------------------


def _write(tmp_path: Path, name: str, data: bytes) -> ExportFile:
    path = tmp_path / name
    path.write_bytes(data)
    return ExportFile(path)


def _read_all(file: ExportFile) -> None:
    list(get_source("messenger").read(file))


def test_truncated_file_is_a_parse_error_naming_the_line(tmp_path: Path) -> None:
    data = (CLASSIC / "message_1.json").read_bytes()
    file = _write(tmp_path, "message_1.json", data[: len(data) // 2])
    with pytest.raises(ParseError) as info:
        _read_all(file)
    assert info.value.line is not None and info.value.line > 1


@pytest.mark.parametrize(
    "data",
    [
        b'[{"sender_name": "a", "timestamp_ms": 1}]',
        b'{"participants": [], "messages": {"sender_name": "a"}}',
        b'{"messages": [{"sender_name": "a", "timestamp_ms": "yesterday"}]}',
        b'{"messages": [{"sender_name": "a"}]}',
        b'{"messages": [{"sender_name": 5, "timestamp_ms": 1}]}',
        b'{"messages": [{"sender_name": "a", "timestamp_ms": 1e30}]}',
        b'{"messages": [{"sender_name": "a", "timestamp_ms": 1, "reactions": [7]}]}',
        b'{"messages": [{"sender_name": "a", "timestamp_ms": 1, "photos": "x.jpg"}]}',
        b'{"messages": ["hello"]}',
        b"\xff\xfe\x00garbage\x00\x01",
        b"",
    ],
)
def test_wrong_structure_is_a_parse_error(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(ParseError):
        _read_all(_write(tmp_path, "message_1.json", data))


def test_binary_garbage_is_not_recognised(tmp_path: Path) -> None:
    file = _write(tmp_path, "message_1.json", bytes(range(256)) * 50)
    assert get_source("messenger").sniff(file).confidence == 0
    with pytest.raises(UnknownFormatError):
        detect(file)
    with pytest.raises(ParseError):
        _read_all(file)


def test_a_damaged_zip_is_a_parse_error(tmp_path: Path) -> None:
    data = _archive(tmp_path).read_bytes()
    file = _write(tmp_path, "cut.zip", data[: len(data) // 3])
    assert get_source("messenger").sniff(file).confidence == 0
    with pytest.raises(ParseError):
        _read_all(file)


def test_poll_notices_written_as_text_are_service_lines() -> None:
    path = DATA / "poll_notices" / "message_1.json"
    assert detect(ExportFile(path)).name == "messenger"
    messages, issues = read_export(path)
    assert not issues
    assert [(m.sender, m.kind, m.text) for m in messages] == [
        ("Femi", Kind.TEXT, "pizza or tacos tonight?"),
        ("", Kind.SYSTEM, "Femi's poll has multiple updates."),
        ("", Kind.SYSTEM, "This poll is no longer available."),
    ]
