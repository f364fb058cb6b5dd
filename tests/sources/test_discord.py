"""DiscordChatExporter JSON: hand-written exports, round trips, damaged files."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushpull.errors import ParseError, UnknownFormatError
from pushpull.model import Kind
from pushpull.sources import ExportFile, detect, get_source
from pushpull.sources import discord as discord_source
from pushpull.synth import SCENARIOS, generate
from pushpull.synth.render.discord import VARIANTS
from pushpull.testing import check_round_trip, read_export, tally

DATA = Path(__file__).parent.parent / "data" / "discord"
DM = DATA / "Direct Messages - Sam [1187654321098765432].json"
OLD_GUILD = DATA / "Book Club - general [803311223344556677].json"


# --- the hand-written DM export -------------------------------------------------------------


def test_dm_counts_every_sender_and_kind() -> None:
    messages, issues = read_export(DM)
    assert not issues
    assert tally(messages) == {
        ("Sam", "text"): 3,  # greeting, RTL text, playlist embed
        ("Sam", "media"): 1,
        ("Sam", "sticker"): 1,
        ("Sam", "call"): 1,
        ("Sam", "reaction"): 1,
        ("Alex", "text"): 1,
        ("Alex", "edited"): 1,
        ("Alex", "call"): 1,
        ("Alex", "poll"): 1,
        ("Alex", "reaction"): 3,
        ("", "system"): 1,
        ("Dice Bot", "text"): 1,
    }
    assert {m.chat for m in messages} == {"Sam"}
    assert all(m.from_me is None for m in messages)


def test_dm_fields() -> None:
    messages, _ = read_export(DM, "discord")
    (hello, heart, reply, photos, edited, sticker, call, missed, pin, rtl, joy_alex, joy_sam,
     blob, poll, embed, bot) = messages  # fmt: skip

    assert hello.sent_at == datetime(2023, 12, 31, 21, 15, 7, 123000)
    assert hello.utc_offset_s == 3600
    assert hello.record_id == "1191109027405463592"
    assert hello.text == "hey! happy almost new year 🎆"
    assert hello.line == 21

    assert (heart.kind, heart.sender, heart.text) == (Kind.REACTION, "Alex", "❤️")
    assert heart.reply_to == hello.record_id
    assert heart.sent_at == hello.sent_at

    assert reply.text == "you too!!\nwhat are you doing tonight?"
    assert reply.reply_to == "1191109027405463592"
    assert reply.sent_at == datetime(2023, 12, 31, 21, 16)

    assert photos.kind is Kind.MEDIA
    assert photos.text == "fireworks from my balcony"
    assert photos.attachments == ("IMG_4412.jpg", "IMG_4413.jpg")
    assert photos.sent_at == datetime(2023, 12, 31, 21, 19, 26, 500000)

    assert (edited.kind, edited.text) == (Kind.EDITED, "on my way ~~now~~ soon")
    assert (sticker.kind, sticker.text, sticker.attachments) == (Kind.STICKER, "", ("Wumpus Hug",))
    assert (call.kind, call.text, call.sender) == (Kind.CALL, "Voice call", "Alex")
    assert (missed.kind, missed.text, missed.sender) == (Kind.CALL, "Missed voice call", "Sam")
    assert (pin.kind, pin.sender, pin.text) == (Kind.SYSTEM, "", "Alex pinned a message.")

    assert rtl.text == "שלום 👋 مرحبا"
    assert [(r.sender, r.text) for r in (joy_alex, joy_sam, blob)] == [
        ("Alex", "😂"),
        ("Sam", "😂"),
        ("Alex", ":blobdance:"),
    ]
    assert {r.reply_to for r in (joy_alex, joy_sam, blob)} == {rtl.record_id}

    assert (poll.kind, poll.text) == (Kind.POLL, "Brunch tomorrow?")
    assert (embed.kind, embed.text) == (Kind.TEXT, "New Year playlist\n50 songs to start 2024")
    assert (bot.sender, bot.text, bot.kind) == ("Dice Bot", "🎲 Alex rolled 17", Kind.TEXT)


# --- an older export of a server channel ------------------------------------------------------


def test_old_guild_export() -> None:
    messages, issues = read_export(OLD_GUILD)
    assert not issues
    assert tally(messages) == {
        ("", "system"): 3,
        ("", "reaction"): 1,  # no user list: one reaction row keeping the count
        ("Maya", "text"): 2,
        ("Maya", "media"): 1,
        ("Theo", "edited"): 1,
    }
    join, hello, wave, rename, question, thread, notes, answer = messages
    assert join.text == "Maya joined the server."
    assert join.sent_at == datetime(2021, 3, 13, 18, 2, 11, 204000)
    assert join.utc_offset_s == -5 * 3600
    assert (wave.text, wave.reply_to) == ("👋 ×3", hello.record_id)
    assert rename.text == "Theo changed the channel name: book-talk"
    assert question.utc_offset_s == -4 * 3600  # daylight saving began in between
    assert thread.text == "Theo started a thread."
    assert (notes.text, notes.attachments) == ("", ("notes.pdf",))
    assert answer.reply_to == question.record_id
    assert {m.chat for m in messages} == {"general"}


@pytest.mark.parametrize("chunk", [1, 5, 64, 1000])
@pytest.mark.parametrize("path", [DM, OLD_GUILD], ids=["dm", "old-guild"])
def test_any_chunk_size_reads_the_same(
    path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, _ = read_export(path, "discord")
    monkeypatch.setattr(discord_source, "_CHUNK", chunk)
    pieces, _ = read_export(path, "discord")
    assert pieces == whole


def test_byte_order_mark_and_odd_spacing(tmp_path: Path) -> None:
    path = tmp_path / "compact.json"
    path.write_bytes(
        b'\xef\xbb\xbf{"guild":{"id":"0","name":"Direct Messages"},"channel":{"id":"1","type":'
        b'"DirectTextChat","name":"Sam"},"messages":[{"id":"5","type":"Default","timestamp":'
        b'"2024-01-01T10:00:00+09:00","timestampEdited":null,"content":"hi","author":{"name":'
        b'"Sam"}} ] ,"messageCount":1}'
    )
    assert get_source("discord").sniff(ExportFile(path)).confidence >= 0.9
    [message], _ = read_export(path)
    assert (message.sender, message.text, message.utc_offset_s) == ("Sam", "hi", 9 * 3600)


def test_empty_export(tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text(
        '{"guild": {"id": "0"}, "channel": {"id": "1", "name": "Sam"}, "dateRange": {},'
        ' "messages": [], "messageCount": 0}',
        encoding="utf-8",
    )
    assert read_export(path, "discord") == ([], [])


# --- sniffing ---------------------------------------------------------------------------------


def test_sniff_is_sure_of_real_exports() -> None:
    source = get_source("discord")
    for path in (DM, OLD_GUILD):
        assert source.sniff(ExportFile(path)).confidence >= 0.9
        assert detect(ExportFile(path)).name == "discord"


# --- damaged files --------------------------------------------------------------------------


@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.5, 0.9, 0.999])
def test_truncated_export(fraction: float, tmp_path: Path) -> None:
    data = DM.read_bytes()
    path = tmp_path / "cut.json"
    path.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(ParseError, match="cut off") as caught:
        read_export(path, "discord")
    assert caught.value.line is not None


def test_missing_timestamp_names_the_message(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(
        '{\n  "guild": {"id": "0"},\n  "channel": {"name": "Sam"},\n  "messages": [\n'
        '    {"id": "1", "type": "Default", "timestamp": "2024-01-01T10:00:00+00:00",'
        ' "content": "ok", "author": {"name": "Sam"}},\n'
        '    {"id": "2", "type": "Default", "content": "no time", "author": {"name": "Sam"}}\n'
        "  ]\n}\n",
        encoding="utf-8",
    )
    with pytest.raises(ParseError, match="message 2") as caught:
        read_export(path, "discord")
    assert caught.value.line == 6


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ('[{"guild": {}}]', "JSON object"),
        ('{"guild": {}, "channel": {}, "messages": {"a": 1}}', "messages"),
        ('{"guild": {}, "channel": {}, "messages": [1, 2]}', "not an object"),
        ('{"guild": {}, "channel": {}}', 'no "messages"'),
        ('{"guild": {}, "channel": {}, "messages": [] "x": 1}', "between keys"),
        ('{"guild": {}, "channel": {}, "messages": []} trailing', "more data"),
        ('{"guild": {}, "channel": {}, "messages": [{"timestamp": "2024-13-01"}]}', "message 1"),
        ('{"guild": {}, "channel": {}, "messages": [{"id": 1 "x": 2}]}', "damaged"),
    ],
)
def test_wrong_structure(text: str, match: str, tmp_path: Path) -> None:
    path = tmp_path / "wrong.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError, match=match):
        read_export(path, "discord")


@pytest.mark.parametrize(
    "content", [bytes(range(256)) * 8, b"\xff\xfe\x00garbage", b'{"a": "\xff\xfe"}']
)
def test_garbage_is_a_parse_error_or_unknown(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "garbage.json"
    path.write_bytes(content)
    with pytest.raises(ParseError):
        read_export(path, "discord")
    with pytest.raises(UnknownFormatError):
        detect(ExportFile(path))


# --- round trips --------------------------------------------------------------------------


@given(
    seed=st.integers(0, 10_000),
    scenario=st.sampled_from(SCENARIOS),
    variant=st.sampled_from(VARIANTS),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip(seed: int, scenario: str, variant: str, tmp_path: Path) -> None:
    chat = generate(scenario, seed=seed, days=20 + seed % 21)
    check_round_trip(chat, "discord", variant, Path(tempfile.mkdtemp(dir=tmp_path)))


@given(
    texts=st.lists(st.text(max_size=60), min_size=1, max_size=30),
    variant=st.sampled_from(VARIANTS),
)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip_keeps_any_text(texts: list[str], variant: str, tmp_path: Path) -> None:
    chat = generate("stable", seed=11, days=3)
    messages = list(chat.messages)
    slots = [i for i, m in enumerate(messages) if m.kind is Kind.TEXT]
    for slot, text in zip(slots, texts, strict=False):
        messages[slot] = dataclasses.replace(messages[slot], text=text)
    chat = dataclasses.replace(chat, messages=tuple(messages))
    check_round_trip(chat, "discord", variant, Path(tempfile.mkdtemp(dir=tmp_path)))


@pytest.mark.parametrize("data", [b"\xec", b'{"guild": {}, "channel": {}, "messages": [\xe2\x82'])
def test_a_cut_off_utf8_character_is_a_parse_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "Direct Messages - Sam [1].json"
    path.write_bytes(data)
    with pytest.raises(ParseError, match="not valid UTF-8"):
        list(get_source("discord").read(ExportFile(path)))


def test_a_message_written_twice_is_one_message_and_a_count_is_one_reaction() -> None:
    path = DATA / "duplicate_id.json"
    assert detect(ExportFile(path)).name == "discord"
    messages, issues = read_export(path)
    assert [(m.sender, m.kind, m.text) for m in messages] == [
        ("Robin", Kind.TEXT, "did you see the eclipse?"),
        ("", Kind.REACTION, "👆 ×42"),
        ("Ellis", Kind.TEXT, "yes!! incredible"),
    ]
    assert [(i.line, i.action) for i in issues] == [(36, "kept the first copy")]
    assert "appears a second time" in issues[0].reason
