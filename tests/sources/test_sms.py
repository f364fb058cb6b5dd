"""Android "SMS Backup & Restore" XML: hand-written backups, round trips, damaged files."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pushpull.errors import ParseError, UnknownFormatError, UsageError
from pushpull.model import Kind
from pushpull.sources import ExportFile, detect, get_source
from pushpull.sources import sms as sms_source
from pushpull.synth import SCENARIOS, generate
from pushpull.synth.render.sms import VARIANTS
from pushpull.testing import check_round_trip, read_export, tally

DATA = Path(__file__).parent.parent / "data" / "sms"
BACKUP = DATA / "sms-20240103101500.xml"
EMOJI_REFS = DATA / "sms-emoji-references.xml"
CALLS = DATA / "calls-20240103101500.xml"

HEAD = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
    '<smses count="1" backup_set="x" backup_date="1704294900000" type="full">\n'
)


def _write(tmp_path: Path, body: str, name: str = "sms-test.xml") -> Path:
    path = tmp_path / name
    path.write_text(HEAD + body + "</smses>\n", encoding="utf-8")
    return path


# --- the hand-written multi-thread backup --------------------------------------------------


def test_backup_counts_every_thread_sender_and_kind() -> None:
    messages, issues = read_export(BACKUP)
    assert not issues
    assert tally(messages) == {
        ("Me", "draft"): 1,
        ("Sam", "text"): 2,
        ("Sam", "media"): 1,
        ("Me", "text"): 3,  # sent, failed, and the group reply (the draft is not a message)
        ("Me", "media"): 1,
        ("+447700900123", "text"): 1,
        ("Jordan", "text"): 1,
        ("Alex", "media"): 1,
    }
    assert [m.chat for m in messages] == ["Sam"] * 7 + ["+447700900123"] + ["Alex, Jordan"] * 3


def test_backup_fields() -> None:
    messages, _ = read_export(BACKUP, "sms")
    first, reply, photo, video, draft, failed, rtl, code, group1, group2, group3 = messages

    # "Dec 31, 2023 9:15:07 PM" on a New York phone, date 2024-01-01 02:15:07 UTC.
    assert first.sent_at == datetime(2023, 12, 31, 21, 15, 7)
    assert first.utc_offset_s == -5 * 3600
    assert (first.sender, first.from_me, first.kind) == ("Sam", False, Kind.TEXT)
    assert first.text == "Hey, are we still on for tonight? 🎉"
    assert first.line == 5

    assert reply.text == "Yes!\nSee you at 9 & bring <snacks>"
    assert (reply.sender, reply.from_me) == ("Me", True)

    assert photo.kind is Kind.MEDIA
    assert photo.text == "look at this view 😍"
    assert photo.attachments == ("IMG_20231231_211800.jpg",)
    assert photo.record_id == "mavodi-1-8f-1a2b3c-ae"
    assert photo.sent_at == datetime(2023, 12, 31, 21, 18)
    assert photo.line == 7

    assert (video.sender, video.kind, video.text) == ("Me", Kind.MEDIA, "")
    assert video.attachments == ("VID_0001.mp4",)  # no name: the content location names it

    # a draft nobody received: kept whole, as a draft (which the analysis sets aside)
    assert (draft.kind, draft.sender, draft.text) == (Kind.DRAFT, "Me", "Happy new year")
    assert (failed.text, failed.from_me) == ("did you get home ok?", True)

    assert rtl.text == "שלום! مرحبا 👋"
    assert rtl.chat == "Sam"  # written as "(555) 123-4567", named by the contact

    # No readable_date: the UTC time, and an offset of 0.
    assert code.sent_at == datetime(2024, 1, 2, 13, 30)
    assert code.utc_offset_s == 0
    assert code.sender == code.chat == "+447700900123"

    assert (group1.sender, group1.text, group1.from_me) == (
        "Jordan",
        "who's bringing snacks?",
        False,
    )
    assert (group2.sender, group2.text, group2.kind) == ("Me", "me!", Kind.TEXT)
    assert group3.sender == "Alex"
    assert group3.text == "got these\nand dip"
    assert group3.attachments == ("chips.png",)
    assert group3.sent_at == datetime(2024, 1, 2, 18, 5)


@pytest.mark.parametrize(
    ("wanted", "n", "chat"),
    [
        ("sam", 7, "Sam"),
        ("+1 (555) 123-4567", 7, "Sam"),
        ("4567", 7, "Sam"),
        ("0900123", 1, "+447700900123"),
        ("Alex, Jordan", 3, "Alex, Jordan"),
    ],
)
def test_chat_option_picks_one_thread(wanted: str, n: int, chat: str) -> None:
    messages, _ = read_export(BACKUP, "sms", options={"chat": wanted})
    assert len(messages) == n
    assert {m.chat for m in messages} == {chat}


def test_chat_option_without_a_match_lists_the_threads() -> None:
    with pytest.raises(UsageError) as caught:
        read_export(BACKUP, "sms", options={"chat": "Robin"})
    assert "'Robin'" in caught.value.message
    assert "'Sam'" in caught.value.hint and "'Alex, Jordan'" in caught.value.hint


# --- emoji written as references to UTF-16 halves -----------------------------------------


def test_surrogate_references_become_emoji() -> None:
    messages, issues = read_export(EMOJI_REFS)
    assert not issues
    assert tally(messages) == {("Lena", "text"): 2, ("Me", "text"): 2}
    assert [m.text for m in messages] == [
        "Frohes neues Jahr 😀🎉",
        "Danke!\nDir auch ❤️ 🥳",
        "kaputt \ufffd ende \ud6d8",  # a lone half is replaced; a Hangul reference is kept
        "Sommer! 🏖",
    ]
    # German 24-hour readable dates; Berlin is +1 in winter and +2 in summer.
    assert [m.utc_offset_s for m in messages] == [3600, 3600, 3600, 7200]
    assert messages[0].sent_at == datetime(2023, 12, 31, 21, 15, 7)
    assert messages[3].sent_at == datetime(2024, 7, 1, 8, 0)


@pytest.mark.parametrize("chunk", [1, 3, 7, 16, 64])
@pytest.mark.parametrize("path", [BACKUP, EMOJI_REFS], ids=["backup", "emoji-refs"])
def test_any_chunk_size_reads_the_same(
    path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, _ = read_export(path, "sms")
    monkeypatch.setattr(sms_source, "_CHUNK", chunk)
    pieces, _ = read_export(path, "sms")
    assert pieces == whole


# --- readable_date in the locales phones use ----------------------------------------------


@pytest.mark.parametrize(
    ("readable", "utc", "offset"),
    [
        ("Dec 31, 2023 9:15:07 PM", datetime(2024, 1, 1, 2, 15, 7), -5 * 3600),
        ("Dec 31, 2023 9:15:07\u202fPM", datetime(2024, 1, 1, 2, 15, 7), -5 * 3600),
        ("Jan 1, 2024 12:05:00 AM", datetime(2024, 1, 1, 5, 5), -5 * 3600),
        ("Dec 31, 2023 12:30:00 PM", datetime(2023, 12, 31, 17, 30), -5 * 3600),
        ("31 Dec 2023 21:15:07", datetime(2023, 12, 31, 20, 15, 7), 3600),
        ("31.12.2023 21:15:07", datetime(2023, 12, 31, 20, 15, 7), 3600),
        ("31.12.2023 klo 21.15.07", datetime(2023, 12, 31, 20, 15, 7), 3600),
        ("31/12/2023 21:15", datetime(2023, 12, 31, 20, 15, 7), 3600),
        ("2023. 12. 31. 오후 9:15:07", datetime(2023, 12, 31, 12, 15, 7), 9 * 3600),
        ("2023/12/31 午後9:15:07", datetime(2023, 12, 31, 12, 15, 7), 9 * 3600),
        ("31 dic 2023 9:15:07 p. m.", datetime(2024, 1, 1, 3, 15, 7), -6 * 3600),
        ("1 Jan 2024 02:45:07", datetime(2023, 12, 31, 21, 15, 7), 19800),
        ("1 Jan 2024 11:15:07", datetime(2023, 12, 31, 21, 15, 7), 14 * 3600),
        ("31 Dec 2023 11:15:07", datetime(2023, 12, 31, 21, 15, 7), -10 * 3600),
        ("31.12.2023 21:15:09", datetime(2023, 12, 31, 20, 15, 7), None),
        ("yesterday", datetime(2023, 12, 31, 20, 15, 7), None),
    ],
)
def test_offset_from_readable_date(readable: str, utc: datetime, offset: int | None) -> None:
    assert sms_source._offset_from_readable(readable, utc) == offset


def test_mms_date_in_seconds(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        '<mms date="1704075480" msg_box="1" address="+15551234567" contact_name="Sam" '
        'readable_date="Dec 31, 2023 9:18:00 PM"><parts><part seq="0" ct="text/plain" '
        'text="hi" /></parts><addrs /></mms>\n',
    )
    [message], _ = read_export(path, "sms")
    assert message.sent_at == datetime(2023, 12, 31, 21, 18)
    assert (message.sender, message.text) == ("Sam", "hi")


# --- sniffing ---------------------------------------------------------------------------------


def test_sniff_is_sure_of_real_backups() -> None:
    source = get_source("sms")
    assert source.sniff(ExportFile(BACKUP)).confidence >= 0.9
    assert source.sniff(ExportFile(EMOJI_REFS)).confidence >= 0.9
    assert detect(ExportFile(BACKUP)).name == "sms"


def test_call_log_is_named_as_such() -> None:
    assert "call log" in get_source("sms").sniff(ExportFile(CALLS)).reason
    with pytest.raises(ParseError, match="call log"):
        read_export(CALLS, "sms")


# --- damaged and hostile files ------------------------------------------------------------


def test_truncated_backup(tmp_path: Path) -> None:
    data = BACKUP.read_bytes()
    for cut in (len(data) // 3, len(data) // 2, len(data) - 20):
        path = tmp_path / f"cut-{cut}.xml"
        path.write_bytes(data[:cut])
        with pytest.raises(ParseError, match=r"cut off|damaged"):
            read_export(path, "sms")


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "laughs.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE smses [\n <!ENTITY lol "lol">\n'
        ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">\n]>\n'
        '<smses count="1"><sms address="1" date="1" type="1" body="&lol2;" /></smses>\n',
        encoding="utf-8",
    )
    with pytest.raises(ParseError, match="DTD") as caught:
        read_export(path, "sms")
    assert caught.value.line == 2


def test_external_entity_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "xxe.xml"
    path.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE smses SYSTEM "http://example.invalid/x.dtd">\n'
        '<smses count="0"></smses>\n',
        encoding="utf-8",
    )
    with pytest.raises(ParseError, match="DTD"):
        read_export(path, "sms")


def test_undefined_entity_is_damage(tmp_path: Path) -> None:
    path = _write(tmp_path, '  <sms address="1" date="1" type="1" body="&nbsp;" />\n')
    with pytest.raises(ParseError, match="damaged") as caught:
        read_export(path, "sms")
    assert caught.value.line == 3


def test_bad_date_names_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, '  <sms address="1" date="yesterday" type="1" body="hi" />\n')
    with pytest.raises(ParseError, match="valid date") as caught:
        read_export(path, "sms")
    assert caught.value.line == 3


def test_other_root_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.xml"
    path.write_text('<?xml version="1.0"?>\n<rss version="2.0"><channel/></rss>\n', "utf-8")
    assert get_source("sms").sniff(ExportFile(path)).confidence == 0
    with pytest.raises(ParseError, match="<rss>"):
        read_export(path, "sms")


@pytest.mark.parametrize("content", [bytes(range(256)) * 8, b"\x00" * 100, b"PK\x03\x04zip"])
def test_garbage_is_a_parse_error_or_unknown(content: bytes, tmp_path: Path) -> None:
    path = tmp_path / "garbage.xml"
    path.write_bytes(content)
    with pytest.raises(ParseError):
        read_export(path, "sms")
    with pytest.raises(UnknownFormatError):
        detect(ExportFile(path))


def test_empty_backup_has_no_messages(tmp_path: Path) -> None:
    path = _write(tmp_path, "")
    assert get_source("sms").sniff(ExportFile(path)).confidence >= 0.5
    assert read_export(path, "sms") == ([], [])


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
    check_round_trip(chat, "sms", variant, Path(tempfile.mkdtemp(dir=tmp_path)))


# Anything XML 1.0 can hold in an attribute: no control characters but tab and line breaks.
XML_TEXT = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc"),
        include_characters="\n\r\t",
        exclude_characters="\ufffe\uffff",
    ),
    max_size=60,
)


@given(texts=st.lists(XML_TEXT, min_size=1, max_size=30), variant=st.sampled_from(VARIANTS))
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip_keeps_any_text(texts: list[str], variant: str, tmp_path: Path) -> None:
    chat = generate("stable", seed=7, days=3)
    messages = list(chat.messages)
    slots = [i for i, m in enumerate(messages) if m.kind is Kind.TEXT]
    for slot, text in zip(slots, texts, strict=False):
        messages[slot] = dataclasses.replace(messages[slot], text=text)
    chat = dataclasses.replace(chat, messages=tuple(messages))
    check_round_trip(chat, "sms", variant, Path(tempfile.mkdtemp(dir=tmp_path)))


@pytest.mark.parametrize("encoding", ["UTF-4", "no-such-codec", "shift_jis", "utf-32"])
def test_an_xml_declaration_naming_an_unreadable_encoding_is_a_parse_error(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "sms-20240101000000.xml"
    path.write_text(
        f"<?xml version='1.0' encoding='{encoding}' standalone='yes' ?>\n"
        '<smses count="1"><sms address="+15550100" date="1700000000000" type="1" body="hi" '
        'contact_name="Sam" /></smses>\n',
        encoding="utf-8",
    )
    with pytest.raises(ParseError, match="encoding pushpull cannot read"):
        list(get_source("sms").read(ExportFile(path)))


def test_a_draft_is_kept_as_a_draft_not_a_sent_message() -> None:
    messages, issues = read_export(DATA / "sms-with-draft.xml")
    assert not issues
    assert [(m.sender, m.kind, m.text) for m in messages] == [
        ("Robin", Kind.TEXT, "are you free saturday?"),
        ("Me", Kind.DRAFT, "maybe, let me che"),
        ("Me", Kind.TEXT, "yes! what time?"),
    ]
