"""WhatsApp exports: hand-written edge cases, round trips through the renderer, damaged input.

The golden files in ``tests/data/whatsapp/`` were written by hand; every expected number below
was counted from the file itself.
"""

from __future__ import annotations

import codecs
import dataclasses
import itertools
import json
import pickle
import shutil
import tempfile
import zipfile
from datetime import datetime
from importlib import resources
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushpull.errors import ParseError, UnknownFormatError, UsageError
from pushpull.frame import messages_to_frame
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, detect
from pushpull.sources import whatsapp
from pushpull.sources.whatsapp import WhatsAppSource, _bodies, _columns, _row_reader, _words
from pushpull.synth import SCENARIOS, generate, render, write
from pushpull.synth.render.whatsapp import VARIANTS
from pushpull.testing import check_round_trip, read_export, tally

DATA = Path(__file__).parent.parent / "data" / "whatsapp"
SOURCE = WhatsAppSource()
LRM = "\u200e"


def read(path: Path) -> tuple[list[Message], list[ParseIssue]]:
    """Read with the WhatsApp format, and check the columnar path gives the same."""
    messages, issues = read_export(path, "whatsapp")
    frame = SOURCE.read_frame(ExportFile(path))
    assert frame.messages.equals(messages_to_frame(messages).messages)
    assert frame.issues == issues
    return messages, issues


def at(line: int, messages: list[Message]) -> Message:
    """The message that starts on ``line``."""
    (found,) = [m for m in messages if m.line == line]
    return found


# --------------------------------------------------------------------------- golden files

GOLDEN: dict[str, tuple[dict[tuple[str, str], int], int]] = {
    "WhatsApp Chat with Sam.txt": (
        {
            ("", "system"): 6,
            ("", "call"): 1,
            ("Sam", "text"): 2,
            ("Sam", "media"): 2,
            ("Sam", "deleted"): 1,
            ("Sam", "edited"): 1,
            ("Sam", "poll"): 1,
            ("Sam", "call"): 1,
            ("Alex Müller", "text"): 2,
            ("Alex Müller", "sticker"): 1,
            ("Alex Müller", "deleted"): 1,
            ("Alex Müller", "location"): 1,
            ("+1 555 123 4567", "text"): 1,
            ("🌸 Bea 🌸", "media"): 1,
        },
        1,
    ),
    "WhatsApp Chat with Jordan.txt": (
        {
            ("", "system"): 1,
            ("Jordan", "text"): 4,
            ("Jordan", "call"): 1,
            ("Taylor", "text"): 2,
            ("Taylor", "media"): 1,
        },
        0,
    ),
    "ios_chat.txt": (
        {
            ("", "system"): 3,
            ("Anna", "text"): 1,
            ("Anna", "media"): 1,
            ("Anna", "edited"): 1,
            ("Anna", "deleted"): 1,
            ("Anna", "location"): 1,
            ("Anna", "poll"): 1,
            ("Bob", "media"): 1,
            ("Bob", "sticker"): 2,
            ("Bob", "deleted"): 1,
            ("Bob", "call"): 1,
            ("Bob", "text"): 1,
            ("Carla", "media"): 3,
        },
        0,
    ),
    "WhatsApp Chat - Riley.txt": (
        {("Riley", "text"): 1, ("Riley", "media"): 2, ("Sam", "text"): 2},
        0,
    ),
    "WhatsApp Chat mit Jürgen.txt": (
        {
            ("", "system"): 2,
            ("", "call"): 1,
            ("Jürgen", "text"): 1,
            ("Jürgen", "deleted"): 1,
            ("Jürgen", "edited"): 1,
            ("Jürgen", "location"): 1,
            ("Jürgen", "call"): 1,
            ("Jürgen", "sticker"): 1,
            ("Lena", "media"): 2,
            ("Lena", "deleted"): 1,
            ("Lena", "poll"): 1,
        },
        0,
    ),
    "de_12h.txt": ({("Jürgen", "text"): 2, ("Lena", "text"): 1}, 0),
    "Chat de WhatsApp con María.txt": (
        {
            ("", "system"): 1,
            ("María", "text"): 1,
            ("María", "deleted"): 1,
            ("María", "edited"): 1,
            ("María", "poll"): 1,
            ("María", "call"): 1,
            ("José Luis", "media"): 2,
            ("José Luis", "deleted"): 1,
            ("José Luis", "location"): 1,
            ("José Luis", "call"): 1,
        },
        0,
    ),
    "Conversa do WhatsApp com Bruno.txt": (
        {
            ("", "system"): 1,
            ("Ana", "text"): 1,
            ("Ana", "media"): 1,
            ("Ana", "deleted"): 1,
            ("Ana", "edited"): 1,
            ("Ana", "poll"): 1,
            ("Bruno", "text"): 2,
            ("Bruno", "deleted"): 1,
            ("Bruno", "media"): 1,
            ("Bruno", "location"): 1,
            ("Bruno", "call"): 1,
        },
        0,
    ),
    "Discussion WhatsApp avec Famille.txt": (
        {
            ("", "system"): 1,
            ("Marie", "text"): 1,
            ("Marie", "edited"): 1,
            ("Marie", "poll"): 1,
            ("Paul", "media"): 2,
            ("Paul", "deleted"): 1,
            ("Paul", "location"): 1,
            ("Sophie", "media"): 1,
            ("Sophie", "call"): 1,
        },
        0,
    ),
    "Chat WhatsApp con Giulia.txt": (
        {
            ("", "system"): 1,
            ("Giulia", "text"): 1,
            ("Giulia", "deleted"): 1,
            ("Giulia", "edited"): 1,
            ("Giulia", "poll"): 1,
            ("Matteo", "media"): 1,
            ("Matteo", "deleted"): 1,
            ("Matteo", "location"): 1,
            ("Matteo", "call"): 1,
            ("Matteo", "sticker"): 1,
        },
        0,
    ),
    "ymd_dash.txt": ({("Åsa", "text"): 1, ("Åsa", "media"): 1, ("Søren", "text"): 1}, 0),
    "ymd_slash.txt": ({("李娜", "text"): 1, ("王伟", "text"): 1}, 0),
    "late_day.txt": ({("Noa", "text"): 2, ("Eitan", "text"): 2}, 0),
    "ambiguous_us.txt": ({("Sam", "text"): 1, ("Alex", "text"): 1}, 1),
    "ambiguous_24h.txt": ({("Sam", "text"): 1, ("Alex", "text"): 1}, 1),
    "ambiguous_backwards.txt": ({("Sam", "text"): 2, ("Alex", "text"): 1}, 1),
    "preamble.txt": ({("", "system"): 1, ("Sam", "text"): 1, ("Alex", "text"): 1}, 2),
    "midnight_am.txt": ({("Robin", "text"): 2, ("Casey", "text"): 1, ("", "system"): 1}, 0),
    "media_lowercase.txt": (
        {("Noor", "text"): 1, ("Noor", "media"): 1, ("Kai", "media"): 1, ("Kai", "text"): 1},
        1,
    ),
    "ios_tilde.txt": ({("Leo", "text"): 2, ("Sam", "text"): 1}, 0),
    "brackets_no_comma.txt": ({("Hana", "text"): 2, ("Femi", "text"): 1}, 0),
    "brackets_ymd_no_seconds.txt": ({("Jordan", "text"): 2, ("Alex", "text"): 1}, 0),
    "brackets_slash_no_seconds.txt": ({("Ines", "text"): 2, ("Oskar", "text"): 1}, 0),
    "name_then_newline.txt": ({("Jo Park", "text"): 2, ("Ana Lima", "text"): 2}, 0),
    "dot_after_time.txt": ({("Rafa", "text"): 2, ("Lu", "text"): 1}, 0),
    "foreign_header_in_body.txt": ({("Mara Olsen", "text"): 2, ("Tom Berg", "text"): 2}, 1),
    "mixed_styles.txt": ({("Kit", "text"): 3, ("Dee", "text"): 2}, 4),
    "old_android_colon.txt": ({("Ines Rocha", "text"): 2, ("Marc", "text"): 1}, 0),
}


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_file_tallies(name: str) -> None:
    path = DATA / name
    assert detect(ExportFile(path)).name == "whatsapp"
    messages, issues = read(path)
    want_tally, want_issues = GOLDEN[name]
    assert tally(messages) == want_tally
    assert len(issues) == want_issues
    assert all(m.from_me is None for m in messages)
    assert all(m.kind is not Kind.SYSTEM or m.sender == "" for m in messages)


def test_midnight_written_as_00_am_is_a_message_not_a_continuation() -> None:
    messages, _ = read(DATA / "midnight_am.txt")
    assert [(m.sender, m.kind, m.sent_at) for m in messages] == [
        ("Robin", Kind.TEXT, datetime(2020, 6, 19, 23, 52)),
        ("Casey", Kind.TEXT, datetime(2020, 6, 20, 0, 8)),
        ("", Kind.SYSTEM, datetime(2020, 6, 20, 0, 9)),
        ("Robin", Kind.TEXT, datetime(2020, 6, 20, 12, 30)),
    ]
    assert messages[1].text == "yes, just got home"
    assert "created group" not in messages[1].text


def test_media_omitted_in_any_case_is_media() -> None:
    messages, _ = read(DATA / "media_lowercase.txt")
    assert [(m.kind, m.text) for m in messages[1:3]] == [(Kind.MEDIA, ""), (Kind.MEDIA, "")]


def test_the_ios_tilde_before_a_stranger_is_not_part_of_the_name() -> None:
    messages, _ = read(DATA / "ios_tilde.txt")
    assert [m.sender for m in messages] == ["Leo", "Sam", "Leo"]
    assert messages[2].text == "great 😊"


def test_bracketed_headers_with_seconds_and_no_comma() -> None:
    messages, _ = read(DATA / "brackets_no_comma.txt")
    assert [(m.sender, m.sent_at) for m in messages] == [
        ("Hana", datetime(2019, 3, 22, 7, 45, 10)),
        ("Femi", datetime(2019, 3, 22, 7, 51, 33)),
        ("Hana", datetime(2019, 3, 22, 18, 2, 9)),
    ]


def test_bracketed_year_first_headers_without_seconds() -> None:
    for name, first in [
        ("brackets_ymd_no_seconds.txt", datetime(2021, 6, 3, 8, 14)),
        ("brackets_slash_no_seconds.txt", datetime(2016, 4, 15, 15, 4)),
    ]:
        messages, _ = read(DATA / name)
        assert messages[0].sent_at == first and len(messages) == 3


def test_every_golden_file_is_checked() -> None:
    assert {p.name for p in DATA.glob("*.txt")} == set(GOLDEN)


def test_android_english_fields() -> None:
    messages, issues = read(DATA / "WhatsApp Chat with Sam.txt")
    assert {m.chat for m in messages} == {"Sam"}
    first = messages[0]
    assert first.sent_at == datetime(2023, 12, 31, 21, 15)
    assert first.text.startswith("Messages and calls are end-to-end encrypted.")
    assert at(3, messages).text == (
        "Happy new year 🥂\nsee you at 7: don't be late\n\n- bring the cake"
    )
    photo = at(7, messages)
    assert (photo.kind, photo.text, photo.attachments) == (
        Kind.MEDIA,
        "the view from here",
        ("IMG-20231231-WA0001.jpg",),
    )
    assert at(9, messages).attachments == ()
    assert at(10, messages).attachments == ("STK-20231231-WA0002.webp",)
    assert at(11, messages).text == at(12, messages).text == ""
    assert (at(13, messages).kind, at(13, messages).text) == (Kind.EDITED, "See you at 8")
    assert at(14, messages).text == "https://maps.google.com/?q=52.520008,13.404954"
    assert at(15, messages).text == "Where should we eat?"
    assert (at(19, messages).sender, at(19, messages).text) == ("", "Missed voice call")
    assert at(24, messages).sender == "+1 555 123 4567"
    assert at(26, messages).text == 'Sam changed the subject from "Trip" to "Trip: Rome"'
    assert at(27, messages).attachments == ("Report.pdf",)
    assert at(28, messages).text == "minutes of the meeting:\n31/13/2023, 10:00 - item one"
    assert at(30, messages).sent_at == datetime(2024, 1, 1, 9, 8)
    (issue,) = issues
    assert issue.line == 29 and "31/13/2023" in issue.raw
    assert issue.action == "kept as part of the previous message"


def test_android_us_twelve_hour_clock() -> None:
    messages, _ = read(DATA / "WhatsApp Chat with Jordan.txt")
    assert {m.chat for m in messages} == {"Jordan"}
    assert at(1, messages).sent_at == datetime(2023, 12, 31, 21, 15)
    assert at(4, messages).sent_at == datetime(2024, 1, 1, 0, 0)  # 12:00 AM
    assert at(5, messages).sent_at == datetime(2024, 1, 1, 12, 30)  # U+00A0 before PM
    assert at(6, messages).sent_at == datetime(2024, 1, 1, 13, 5)  # plain space
    assert at(7, messages).text == "call me back when\nyou can"
    assert at(10, messages).sent_at == datetime(2024, 1, 13, 19, 45)


def test_ios_fields() -> None:
    messages, _ = read(DATA / "ios_chat.txt")
    assert {m.chat for m in messages} == {"ios_chat"}  # no title in the name: the stem
    notice = at(1, messages)
    assert (notice.sender, notice.kind, notice.sent_at) == (
        "",
        Kind.SYSTEM,
        datetime(2023, 12, 31, 21, 15, 7),
    )
    assert notice.text == (
        "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
        "WhatsApp, can read or listen to them."
    )
    assert at(2, messages).text == "Anna created group “Club rando”"
    assert at(4, messages).attachments == ("00000004-PHOTO-2023-12-31-21-17-45.jpg",)
    assert (at(5, messages).kind, at(5, messages).attachments) == (Kind.MEDIA, ())
    assert (at(6, messages).kind, at(6, messages).attachments) == (Kind.STICKER, ())
    assert at(7, messages).kind is Kind.STICKER
    assert (at(8, messages).kind, at(8, messages).text) == (
        Kind.EDITED,
        "see you at the trailhead",
    )
    assert at(11, messages).text == "Missed voice call, Tap to call back"
    assert at(12, messages).text == "https://maps.google.com/?q=45.832622,6.865175"
    assert at(13, messages).text == "Which trail?"
    assert at(17, messages).text == "line one\nline two\n\nline four after a blank"
    assert at(21, messages).text == "Bob added Carla"
    carla = at(22, messages)
    assert (carla.kind, carla.text, carla.attachments) == (
        Kind.MEDIA,
        "Thanks! here's the map",
        ("00000006-PHOTO-2024-01-01-08-06-00.jpg",),
    )


def test_ios_us_twelve_hour_clock_with_seconds() -> None:
    messages, _ = read(DATA / "WhatsApp Chat - Riley.txt")
    assert {m.chat for m in messages} == {"Riley"}
    assert [m.sent_at for m in messages] == [
        datetime(2023, 12, 31, 23, 58, 59),
        datetime(2024, 1, 1, 0, 0, 1),
        datetime(2024, 1, 1, 0, 1),
        datetime(2024, 1, 1, 0, 2),
        datetime(2024, 1, 15, 21, 15, 7),
    ]


def test_german() -> None:
    messages, _ = read(DATA / "WhatsApp Chat mit Jürgen.txt")
    assert {m.chat for m in messages} == {"Jürgen"}
    assert at(1, messages).sent_at == datetime(2023, 12, 30, 18, 0)
    assert at(4, messages).text == "Schau mal!"
    assert at(4, messages).attachments == ("IMG-20231230-WA0003.jpg",)
    assert at(8, messages).text == "Bis morgen"
    assert at(10, messages).text == "Wohin gehen wir?"
    assert at(15, messages).sender == "" and at(15, messages).kind is Kind.CALL
    assert at(16, messages).kind is Kind.SYSTEM
    clock, _ = read(DATA / "de_12h.txt")
    assert [m.sent_at for m in clock] == [
        datetime(2023, 12, 31, 9, 15),
        datetime(2023, 12, 31, 21, 15),
        datetime(2024, 1, 1, 0, 10),
    ]


def test_spanish_portuguese_french_italian() -> None:
    es, _ = read(DATA / "Chat de WhatsApp con María.txt")
    assert {m.chat for m in es} == {"María"}
    assert at(2, es).sent_at == datetime(2023, 12, 31, 21, 16)  # "p. m." with U+00A0
    assert at(8, es).text == "¿Dónde cenamos?"
    assert at(13, es).sent_at == datetime(2024, 1, 1, 10, 5)
    assert (at(13, es).text, at(13, es).attachments) == (
        "¡mira esto!",
        ("VID-20240101-WA0001.mp4",),
    )
    assert at(15, es).sent_at == datetime(2024, 1, 1, 12, 0)

    pt, _ = read(DATA / "Conversa do WhatsApp com Bruno.txt")
    assert {m.chat for m in pt} == {"Bruno"}
    assert at(3, pt).text == "oi, tudo bem?\nsegunda linha"
    assert at(9, pt).attachments == ("PTT-20230214-WA0002.opus",)
    assert (at(16, pt).kind, at(16, pt).text) == (Kind.TEXT, "horário: 10h")

    fr, _ = read(DATA / "Discussion WhatsApp avec Famille.txt")
    assert {m.chat for m in fr} == {"Famille"}
    assert at(1, fr).sent_at == datetime(2026, 3, 12, 9, 58)
    assert at(1, fr).text == "Marie a créé le groupe « Famille : été »"
    assert at(6, fr).attachments == ("Rapport.pdf",)
    assert at(9, fr).text == "À demain"
    assert at(11, fr).text == "https://maps.google.com/?q=48.856613,2.352222"
    assert at(12, fr).text == "On mange où ?"

    it, _ = read(DATA / "Chat WhatsApp con Giulia.txt")
    assert {m.chat for m in it} == {"Giulia"}
    assert at(2, it).text == "Prima riga\nseconda riga con àèì 🙂"
    assert at(14, it).attachments == ("STK-20230314-WA0001.webp",)


def test_year_first_dates() -> None:
    dash, _ = read(DATA / "ymd_dash.txt")
    assert [m.sent_at for m in dash][:2] == [
        datetime(2023, 12, 31, 21, 15),
        datetime(2024, 1, 1, 0, 1),
    ]
    slash, _ = read(DATA / "ymd_slash.txt")
    assert slash[1].text == "谢谢!\n你也是"
    assert slash[1].sent_at == datetime(2024, 1, 1, 9, 0)


def test_date_order_decided_by_a_late_line() -> None:
    messages, _ = read(DATA / "late_day.txt")
    assert [m.sent_at for m in messages] == [
        datetime(2024, 2, 1, 9, 0),
        datetime(2024, 3, 1, 9, 0),
        datetime(2024, 4, 1, 9, 0),
        datetime(2024, 4, 13, 21, 0),
    ]


def test_date_order_decided_by_a_line_megabytes_later(tmp_path: Path) -> None:
    """Far beyond the layout sample and across chunks, the last line still decides."""
    body = "".join(f"01/02/2024, 9:{i % 60:02d} AM - Noa: message {i}\n" for i in range(80_000))
    path = tmp_path / "WhatsApp Chat with Noa.txt"
    path.write_text(body + "13/02/2024, 9:00 PM - Eitan: decisive\n", encoding="utf-8")
    assert path.stat().st_size > 2 * _words._SAMPLE_BYTES
    messages, issues = read(path)
    assert not issues and len(messages) == 80_001
    assert messages[0].sent_at == datetime(2024, 2, 1, 9, 0)
    assert messages[-1].sent_at == datetime(2024, 2, 13, 21, 0)


@pytest.mark.parametrize(
    ("name", "days"),
    [
        ("ambiguous_us.txt", [datetime(2024, 1, 2, 9), datetime(2024, 1, 3, 9)]),  # AM: US
        ("ambiguous_24h.txt", [datetime(2024, 2, 1, 9), datetime(2024, 3, 1, 9)]),
        (
            "ambiguous_backwards.txt",  # month-first would run backwards
            [datetime(2024, 1, 11, 9), datetime(2024, 1, 12, 9), datetime(2024, 2, 1, 9)],
        ),
    ],
)
def test_date_order_when_every_field_is_twelve_or_less(name: str, days: list[datetime]) -> None:
    messages, _ = read(DATA / name)
    assert [m.sent_at for m in messages] == days


def test_text_before_the_first_message_and_an_impossible_time() -> None:
    messages, issues = read(DATA / "preamble.txt")
    head, sam, alex = messages
    assert (head.sender, head.kind, head.line, head.sent_at) == (
        "",
        Kind.SYSTEM,
        1,
        datetime(2023, 6, 5, 14, 0),
    )
    assert head.text == "Chat exported by a backup tool\n(this header is not WhatsApp's)"
    assert sam.text == "hello\n05/06/2023, 25:99 - Sam: bad time line"
    assert (alex.line, alex.sent_at) == (5, datetime(2023, 6, 20, 14, 5))
    assert [(i.line, i.action) for i in issues] == [
        (1, "kept as a system message"),
        (4, "kept as part of the previous message"),
    ]


def test_a_line_with_another_separator_than_most(tmp_path: Path) -> None:
    """Both paths read a prefix whose date-time separator differs from the file's usual one,
    including a separator the usual one would find only in the trailing " - "."""
    path = tmp_path / "WhatsApp Chat with Sam.txt"
    path.write_text(
        "31/12/2023, 21:15 - Sam: one\n"
        "31/12/2023, 21:16 - Sam: two\n"
        "31/12/2023 21:17 - Sam: spaced\n"
        "31/12/2023,21:18 - Sam: tight\n",
        encoding="utf-8",
    )
    messages, issues = read(path)
    assert not issues
    assert [m.sent_at.minute for m in messages] == [15, 16, 17, 18]
    spaced = tmp_path / "WhatsApp Chat with Alex.txt"
    spaced.write_text(
        "31/12/2023 21:15 - Alex: one\n"
        "31/12/2023 21:16 - Alex: two\n"
        "31/12/2023,21:17 - Alex: tight\n",
        encoding="utf-8",
    )
    messages, issues = read(spaced)
    assert not issues
    assert [m.sent_at.minute for m in messages] == [15, 16, 17]


def test_date_order_by_the_lines_that_decide_it(tmp_path: Path) -> None:
    """Day-first and month-first lines both present: the order more lines show wins."""
    path = tmp_path / "WhatsApp Chat with Sam.txt"
    path.write_text(
        "13/01/2024, 09:00 - Sam: day first\n"
        "14/01/2024, 09:00 - Sam: day first\n"
        "01/15/2024, 09:00 - Sam: month first\n",
        encoding="utf-8",
    )
    messages, issues = read(path)
    assert [m.sent_at.day for m in messages] == [13, 14]
    assert len(issues) == 1 and issues[0].line == 3


# --------------------------------------------------------------------------- zips and names


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def test_ios_zip(tmp_path: Path) -> None:
    chat = (DATA / "ios_chat.txt").read_bytes()
    media = {
        n: b"\xff\xd8" + n.encode()
        for n in (
            "00000004-PHOTO-2023-12-31-21-17-45.jpg",
            "00000005-STICKER-2023-12-31-21-19-00.webp",
            "00000006-PHOTO-2024-01-01-08-06-00.jpg",
        )
    }
    path = _zip(tmp_path / "WhatsApp Chat - Club rando.zip", {**media, "_chat.txt": chat})
    file = ExportFile(path)
    assert detect(file).name == "whatsapp"
    assert SOURCE.sniff(file).confidence >= 0.9
    messages, issues = read(path)
    assert not issues
    assert tally(messages) == GOLDEN["ios_chat.txt"][0]
    assert {m.chat for m in messages} == {"Club rando"}
    assert at(4, messages).attachments == ("00000004-PHOTO-2023-12-31-21-17-45.jpg",)


def test_android_zip_uses_its_file_names(tmp_path: Path) -> None:
    chat = (DATA / "WhatsApp Chat with Sam.txt").read_bytes()
    media = {"IMG-20231231-WA0001.jpg": b"jpg", "Report.pdf • 3 pages": b"odd but present"}
    path = _zip(tmp_path / "WhatsApp Chat with Sam.zip", {"WhatsApp Chat with Sam.txt": chat})
    assert {m.chat for m in read(path)[0]} == {"Sam"}
    path = _zip(tmp_path / "export.zip", {"WhatsApp Chat with Sam.txt": chat, **media})
    messages, _ = read(path)
    assert {m.chat for m in messages} == {"Sam"}
    # A name that really is in the zip is kept whole, even with " • " in it.
    assert at(27, messages).attachments == ("Report.pdf • 3 pages",)


@pytest.mark.parametrize(
    ("file_name", "title"),
    [
        ("WhatsApp Chat with Sam.txt", "Sam"),
        ("WhatsApp Chat - Sam.txt", "Sam"),
        ("WhatsApp Chat with Sam Rivera (1).txt", "Sam Rivera"),
        ("Chat de WhatsApp con María.txt", "María"),
        ("WhatsApp-Chat mit Jürgen.txt", "Jürgen"),
        ("my-export.txt", "my-export"),
        ("_chat.txt", "_chat"),
    ],
)
def test_chat_title_from_the_file_name(tmp_path: Path, file_name: str, title: str) -> None:
    path = tmp_path / file_name
    shutil.copy(DATA / "ambiguous_24h.txt", path)
    assert {m.chat for m in read(path)[0]} == {title}


def test_line_ends_and_encodings_do_not_matter(tmp_path: Path) -> None:
    original = DATA / "WhatsApp Chat with Sam.txt"
    want, want_issues = read(original)
    text = original.read_text(encoding="utf-8")
    variants = {
        "crlf.txt": text.replace("\n", "\r\n").encode(),
        "bom.txt": codecs.BOM_UTF8 + text.encode(),
        "utf16.txt": text.encode("utf-16"),
        "no-final-newline.txt": text.rstrip("\n").encode(),
    }
    for name, data in variants.items():
        path = tmp_path / name
        path.write_bytes(data)
        got, issues = read(path)
        assert [dataclasses.replace(m, chat="") for m in got] == [
            dataclasses.replace(m, chat="") for m in want
        ], name
        assert issues == want_issues, name


def test_small_chunks_give_the_same_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages (and issues) that run across the reader's chunk boundaries stay whole."""
    want = {name: read(DATA / name) for name in GOLDEN}
    monkeypatch.setattr(_row_reader, "_CHUNK_BYTES", 37)
    for name in GOLDEN:
        assert read_export(DATA / name, "whatsapp") == want[name], name


def test_messages_are_ordinary_messages() -> None:
    """read() fills Message's slots directly for speed; the result must be indistinguishable."""
    assert whatsapp._SLOTS_MATCH
    messages, _ = read(DATA / "ios_chat.txt")
    for m in messages:
        assert m == Message(**{f.name: getattr(m, f.name) for f in dataclasses.fields(m)})
        assert pickle.loads(pickle.dumps(m)) == m
        assert hash(m) == hash(dataclasses.replace(m))


def test_markers_data_file_is_complete() -> None:
    text = resources.files("pushpull").joinpath("data/whatsapp/markers.json").read_text("utf-8")
    languages = json.loads(text)["languages"]
    assert set(languages) == {"en", "es", "pt", "de", "fr", "it"}
    keys = set(languages["en"])
    for lang, words in languages.items():
        assert set(words) == keys, lang
        # A system line is told from "Name: text" by the absence of ": ".
        assert ": " not in words["encryption_notice"], lang
        assert set(words["calls"]) == {"Voice call", "Missed voice call", "Missed video call"}


# --------------------------------------------------------------------------- the column path


def _parts() -> list[str]:
    """Pieces of bodies: every marker the app writes (all languages), things around them."""
    v = _words._vocabulary()
    files = ["IMG-20240101-WA0001.jpg", "STK-20240101-WA0002.webp", "x-STICKER-y.png", ""]
    files += ["Report.pdf • 3 pages", "notes.txt • 2 pages", " "]
    parts = [*v.exact, *v.notices, *v.location, *v.polls, *v.edited]
    parts += [c + suffix for c in v.calls[:3] for suffix in ("", ", Tap to call back", ". 2 min")]
    parts += [f + s for f in files for s in v.file_attached[:2]]
    parts += [f"{opener}{f}>" for opener in v.attached for f in files[:2]]
    parts += ["caption " + v.attached[0], "\nOPTION: yes (1 vote)", "\nOPÇÃO: não"]
    parts += ["\u200e", "\u202a", "\ufeff", " ", "\n", ")", ">", "hi", ": ", "x <", "\u200e "]
    return parts


def _classify_both(pairs: list[tuple[str | None, str]]) -> None:
    """``_classify`` (columns) gives what ``_Bodies.special`` (one body at a time) gives."""
    bodies = _bodies._Bodies(frozenset({"Report.pdf • 3 pages"}))
    want = [bodies.special(raw, body) for raw, body in pairs]
    rows = pl.DataFrame(
        {
            "i": range(len(pairs)),
            "raw": [raw for raw, _ in pairs],
            "sender": [None if raw is None else bodies.sender(raw) for raw, _ in pairs],
            "body": [body for _, body in pairs],
        },
        schema={"i": pl.UInt32, "raw": pl.String, "sender": pl.String, "body": pl.String},
    )
    got = _columns._classify(rows, bodies).sort("i")
    assert got.get_column("i").to_list() == list(range(len(pairs)))
    for (raw, body), expected, row in zip(pairs, want, got.iter_rows(named=True), strict=True):
        sender, text, kind, files = expected
        attached = (row["attached"],) if row["attached"] is not None else ()
        assert (row["sender"], row["text"], row["kind"], attached) == (
            sender,
            text,
            kind.value,
            files,
        ), (raw, body)


RAW_SENDERS = [None, "Sam", "\u200eSam\u200e", "x" * 81, "Sam changed the subject to"]


def test_column_classifier_agrees_on_every_pair_of_markers() -> None:
    parts = _parts()
    bodies = ["", *parts, *("".join(p) for p in itertools.product(parts, repeat=2))]
    _classify_both([(raw, body) for raw in RAW_SENDERS for body in bodies])


@given(
    pieces=st.lists(
        st.tuples(
            st.sampled_from(RAW_SENDERS),
            st.lists(st.sampled_from(_parts()) | st.text(max_size=3), max_size=5),
        ),
        min_size=1,
        max_size=20,
    )
)
@settings(max_examples=60, deadline=None)
def test_column_classifier_agrees_on_any_body(
    pieces: list[tuple[str | None, list[str]]],
) -> None:
    _classify_both([(raw, "".join(body)) for raw, body in pieces])


# --------------------------------------------------------------------------- round trips

ROUND_TRIP = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


@given(
    seed=st.integers(0, 10_000),
    scenario=st.sampled_from(SCENARIOS),
    variant=st.sampled_from(VARIANTS),
    days=st.integers(20, 40),
)
@ROUND_TRIP
def test_round_trip(
    tmp_path_factory: pytest.TempPathFactory, seed: int, scenario: str, variant: str, days: int
) -> None:
    chat = generate(scenario, seed=seed, days=days)
    folder = tmp_path_factory.mktemp("rt")
    messages = check_round_trip(chat, "whatsapp", variant, folder)
    export = render(chat, "whatsapp", variant)
    assert messages == list(export.expected)  # lines and chat title too
    frame = SOURCE.read_frame(ExportFile(folder / export.main))
    assert frame.messages.equals(messages_to_frame(messages).messages)


def _carriable(text: str) -> bool:
    """What a WhatsApp export can carry as a plain message: no line of it may look like a
    message start or a marker the app writes, and no CR (line ends are normalised)."""
    if "\r" in text or "\x00" in text:
        return False
    if text[:1] in _words._MARKS + "<" or text.endswith((")", ">")):
        return False
    if ")\n" in text or ">\n" in text:
        return False
    first = text.partition("\n")[0]
    if ":" in first or first.rstrip(" \t" + _words._MARKS) in _words._vocabulary().exact:
        return False
    return not any(
        line[:1].isdecimal() or line[:1] in "[" + _words._MARKS for line in text.split("\n")[1:]
    )


@given(
    texts=st.lists(st.text(max_size=40).filter(_carriable), min_size=1, max_size=8),
    variant=st.sampled_from(VARIANTS),
    seed=st.integers(0, 1_000),
)
@ROUND_TRIP
def test_round_trip_of_arbitrary_texts(
    tmp_path_factory: pytest.TempPathFactory, texts: list[str], variant: str, seed: int
) -> None:
    chat = generate("stable", seed=seed, days=20)
    plain = [i for i, m in enumerate(chat.messages) if m.kind is Kind.TEXT]
    messages = list(chat.messages)
    for i, text in zip(plain, texts, strict=False):
        messages[i] = dataclasses.replace(messages[i], text=text)
    chat = dataclasses.replace(chat, messages=tuple(messages))
    folder = tmp_path_factory.mktemp("texts")
    check_round_trip(chat, "whatsapp", variant, folder)
    export = render(chat, "whatsapp", variant)
    frame = SOURCE.read_frame(ExportFile(folder / export.main))
    got = list(SOURCE.read(ExportFile(folder / export.main)))
    assert frame.messages.equals(messages_to_frame(got).messages)


def test_renderer_projection() -> None:
    chat = generate("stable", seed=3, days=365)
    android = render(chat, "whatsapp", "android-12h-mdy")
    ios = render(chat, "whatsapp", "ios-24h-dmy")
    n_reactions = sum(m.kind is Kind.REACTION for m in chat.messages)
    assert n_reactions and len(android.expected) == len(chat.messages) - n_reactions
    assert all(m.sent_at.second == 0 for m in android.expected)
    assert any(m.sent_at.second for m in ios.expected)
    # Without media, Android writes "<Media omitted>" for stickers too.
    assert {m.kind for m in android.expected} >= {Kind.MEDIA, Kind.CALL, Kind.POLL}
    assert Kind.STICKER not in {m.kind for m in android.expected}
    assert all(m.attachments == () for m in android.expected)
    assert all(m.attachments for m in ios.expected if m.kind in (Kind.MEDIA, Kind.STICKER))
    german = render(chat, "whatsapp", "android-de")
    assert german.expected[0].text.startswith("Nachrichten und Anrufe")
    calls = {m.text for m in german.expected if m.kind is Kind.CALL}
    assert calls <= {"Sprachanruf", "Verpasster Sprachanruf", "Verpasster Videoanruf"}
    with pytest.raises(ValueError, match="unknown WhatsApp variant"):
        render(chat, "whatsapp", "nokia-3310")


def test_zip_variant_holds_the_media(tmp_path: Path) -> None:
    chat = generate("stable", seed=4, days=30)
    export = render(chat, "whatsapp", "zip-ios")
    path = write(export, tmp_path)
    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
    attached = {a for m in export.expected for a in m.attachments}
    assert "_chat.txt" in names and attached and attached <= names


# --------------------------------------------------------------------------- damaged input


def test_truncated_zip(tmp_path: Path) -> None:
    chat = generate("stable", seed=5, days=20)
    path = write(render(chat, "whatsapp", "zip-ios"), tmp_path)
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(ParseError):
        read_export(path, "whatsapp")
    with pytest.raises(ParseError):
        SOURCE.read_frame(ExportFile(path))
    with pytest.raises(UnknownFormatError):
        detect(ExportFile(path))


def test_zip_without_a_chat(tmp_path: Path) -> None:
    path = _zip(tmp_path / "photos.zip", {"a.jpg": b"x", "b.txt": b"x", "c.txt": b"y"})
    with pytest.raises(ParseError, match="no WhatsApp chat text"):
        read_export(path, "whatsapp")
    assert SOURCE.sniff(ExportFile(path)).confidence == 0


def test_text_cut_inside_a_character(tmp_path: Path) -> None:
    data = (DATA / "WhatsApp Chat with Sam.txt").read_bytes()
    cut = data.index("🥂".encode()) + 2
    path = tmp_path / "cut.txt"
    path.write_bytes(data[:cut])
    with pytest.raises(ParseError) as info:
        read_export(path, "whatsapp")
    assert info.value.line == 3
    with pytest.raises(ParseError):
        SOURCE.read_frame(ExportFile(path))


@given(cut=st.integers(1, 1600))
@settings(max_examples=40, deadline=None)
def test_truncated_anywhere_reads_or_fails_cleanly(cut: int) -> None:
    data = (DATA / "WhatsApp Chat with Sam.txt").read_bytes()[:cut]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cut.txt"
        path.write_bytes(data)
        try:
            messages, _ = read_export(path, "whatsapp")
        except ParseError:
            with pytest.raises(ParseError):
                SOURCE.read_frame(ExportFile(path))
            return
        assert messages and messages == read(path)[0]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02\xff\xfe garbage \x89PNG\r\n\x1a\n" * 50,
        b'{"name": "Sam", "type": "personal_chat", "messages": []}',
        b"Dear diary,\ntoday was fine.\n",
        codecs.BOM_UTF16_LE + b"\x00\xd8",  # a lone surrogate: damaged UTF-16
    ],
)
def test_not_whatsapp_is_a_parse_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "x.txt"
    path.write_bytes(data)
    with pytest.raises(ParseError):
        read_export(path, "whatsapp")
    with pytest.raises(ParseError):
        SOURCE.read_frame(ExportFile(path))


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden_files_sniff_high(name: str) -> None:
    verdict = SOURCE.sniff(ExportFile(DATA / name))
    assert verdict.confidence >= 0.9, verdict.reason


def test_sniff_survives_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "garbage.bin"
    path.write_bytes(bytes(range(256)) * 300)
    assert SOURCE.sniff(ExportFile(path)).confidence == 0
    path.write_bytes(b"PK\x03\x04" + bytes(300))  # a zip header and nothing behind it
    assert SOURCE.sniff(ExportFile(path)).confidence == 0


def test_a_name_ending_its_line_starts_a_message_whose_text_follows() -> None:
    """ "Name:" alone on its line (the phone drops the space when the text starts on the next
    line) is Name's message, not a system line with an empty sender."""
    messages, issues = read(DATA / "name_then_newline.txt")
    assert issues == []
    assert [(m.sender, m.kind, m.text, m.line) for m in messages] == [
        ("Jo Park", Kind.TEXT, "Great!", 1),
        ("Jo Park", Kind.TEXT, "\n\n\nsee below", 2),
        ("Ana Lima", Kind.TEXT, "ok: noted", 6),
        ("Ana Lima", Kind.TEXT, "", 7),
    ]


def test_a_dot_after_the_time_is_read() -> None:
    messages, issues = read(DATA / "dot_after_time.txt")
    assert issues == []
    assert [m.sent_at for m in messages] == [
        datetime(2024, 3, 5, 13, 34),
        datetime(2024, 3, 5, 13, 35),
        datetime(2024, 3, 5, 13, 40),
    ]
    assert messages[2].text == "¿café a las 5?"


def test_a_file_that_cannot_tell_day_from_month_says_what_it_assumed(tmp_path: Path) -> None:
    messages, issues = read(DATA / "ambiguous_24h.txt")
    (doubt,) = issues
    assert doubt.line is None and "cannot be told apart" in doubt.reason
    assert "--date-order" in doubt.action
    other = "mdy" if "day/month" in doubt.reason else "dmy"
    chosen = SOURCE.read_frame(
        ExportFile(DATA / "ambiguous_24h.txt", options={"date_order": other})
    )
    assert chosen.issues == []
    swapped = chosen.messages.get_column("sent_at").to_list()
    assert swapped != [m.sent_at for m in messages]
    with pytest.raises(UsageError, match="not a date order"):
        SOURCE.read_frame(ExportFile(DATA / "ambiguous_24h.txt", options={"date_order": "ydm"}))


def test_a_header_in_another_date_style_inside_a_message_stays_in_it() -> None:
    """A phone writes every date of an export alike: "[1.2.2019, …]" in a "[dd.mm.yy, …]" file
    is a line someone pasted, kept in the message above, with a warning naming its line."""
    messages, issues = read(DATA / "foreign_header_in_body.txt")
    assert [m.line for m in messages] == [1, 2, 4, 5]
    assert messages[1].text == (
        "hi, look what I found:\n[1.2.2019, 08:00:00] Tom Berg: the first thing you ever wrote me"
    )
    (issue,) = issues
    assert issue.line == 3 and "1.2.2019, 08:00:00" in issue.reason
    assert issue.action == "kept as part of the previous message"


def test_a_file_joining_several_date_styles_reads_each_and_says_where_they_change() -> None:
    messages, issues = read(DATA / "mixed_styles.txt")
    assert [(m.sender, m.sent_at) for m in messages] == [
        ("Kit", datetime(2023, 5, 5, 15, 48, 11)),
        ("Kit", datetime(2021, 11, 8, 9, 41, 32)),
        ("Dee", datetime(2023, 1, 23, 3, 19)),
        ("Dee", datetime(2023, 5, 4, 16, 13, 23)),  # "~ Dee": not in the contacts, same person
        ("Kit", datetime(2022, 7, 19, 23, 32)),
    ]
    assert [i.line for i in issues] == [2, 3, 4, 5]
    assert all("date style changes here" in i.reason for i in issues)


def test_old_android_exports_with_a_colon_after_the_seconds() -> None:
    messages, issues = read(DATA / "old_android_colon.txt")
    assert issues == []
    assert [(m.sender, m.sent_at, m.text) for m in messages] == [
        ("Ines Rocha", datetime(2015, 1, 4, 19, 0, 7), "are you coming tonight?"),
        ("Marc", datetime(2015, 1, 4, 19, 2, 41), "yes: around 8"),
        ("Ines Rocha", datetime(2015, 1, 13, 8, 15), "good morning"),
    ]
