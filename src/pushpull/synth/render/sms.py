"""A conversation as an Android "SMS Backup & Restore" XML backup (``sms-YYYYMMDDhhmmss.xml``).

Variants: ``sms-only`` (the app's "SMS only" backup: media is not in it) and ``with-mms``
(photos, videos, voice notes and stickers as MMS records with small base64 parts).

What the backup can carry, and so what the importer must give back (``expected``):

- TEXT, and the kinds SMS shows as plain text: EDITED (SMS cannot edit: the final text), POLL
  (its question) and LOCATION (the maps link) -> TEXT.
- MEDIA -> an MMS with the caption as a text part and the file as a media part (``with-mms``);
  STICKER -> an MMS with the sticker image, read back as MEDIA. ``sms-only`` leaves both out.
- SYSTEM and DELETED are not in the phone's message store; CALL lives in a separate call-log
  backup; SMS has no reactions. All four are dropped.
- The sender is the contact's name for received messages and "Me" for sent ones (the backup never
  names its owner); times are whole seconds on the phone's clock, with its UTC offset.

``readable_date`` is written in one of four phone locales, chosen by the chat's seed.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from pushpull.model import Kind, Message
from pushpull.synth._chat import Rendered, SynthChat

VARIANTS: tuple[str, ...] = ("sms-only", "with-mms")

_EPOCH = datetime(1970, 1, 1)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_AS_TEXT = (Kind.TEXT, Kind.EDITED, Kind.POLL, Kind.LOCATION)
_AS_MMS = (Kind.MEDIA, Kind.STICKER)
_CONTENT_TYPES = {
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
    "gif": "image/gif",
    "mp4": "video/mp4",
    "opus": "audio/ogg",
    "ogg": "audio/ogg",
    "m4a": "audio/mp4",
}
#: A few bytes standing in for each attachment (real backups carry the whole file).
_FAKE_DATA = base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00pushpull synthetic").decode()


def _us(at: datetime) -> str:
    hour = at.hour % 12 or 12
    half = "PM" if at.hour >= 12 else "AM"
    month = _MONTHS[at.month - 1]
    return f"{month} {at.day}, {at.year} {hour}:{at:%M:%S} {half}"


def _us_android14(at: datetime) -> str:
    return _us(at).replace(" AM", "\u202fAM").replace(" PM", "\u202fPM")


def _uk(at: datetime) -> str:
    return f"{at.day:02d} {_MONTHS[at.month - 1]} {at.year} {at:%H:%M:%S}"


def _de(at: datetime) -> str:
    return f"{at:%d.%m.%Y %H:%M:%S}"


_LOCALES = (_us, _uk, _de, _us_android14)


def _attr(value: str) -> str:
    """An XML attribute value as the app escapes it (line breaks as character references)."""
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
        .replace("\t", "&#9;")
    )


def _number(seed: int, salt: int) -> str:
    return f"+1555{(seed * 7919 + salt * 104729) % 10_000_000:07d}"


def render(chat: SynthChat, variant: str) -> Rendered:
    if variant not in VARIANTS:
        raise ValueError(f"unknown sms variant {variant!r}; choose from {', '.join(VARIANTS)}")
    readable = _LOCALES[chat.truth.seed % len(_LOCALES)]
    partner_number = _number(chat.truth.seed, 1)
    own_number = _number(chat.truth.seed, 2)
    partner = _attr(chat.partner)
    records: list[str] = []
    expected: list[Message] = []
    last_ms = 0
    for index, message in enumerate(chat.messages):
        offset = message.utc_offset_s if message.utc_offset_s is not None else chat.utc_offset_s
        utc = message.sent_at - timedelta(seconds=offset)
        date_ms = (utc - _EPOCH) // timedelta(milliseconds=1)
        last_ms = max(last_ms, date_ms)
        when = readable(message.sent_at)
        mine = message.sender == chat.me
        if message.kind in _AS_TEXT:
            records.append(
                f'  <sms protocol="0" address="{partner_number}" date="{date_ms}" '
                f'type="{2 if mine else 1}" subject="null" body="{_attr(message.text)}" '
                'toa="null" sc_toa="null" service_center="null" read="1" status="-1" locked="0" '
                f'date_sent="{0 if mine else date_ms - 2000}" sub_id="1" '
                f'readable_date="{when}" contact_name="{partner}" />'
            )
            kind = Kind.TEXT
        elif message.kind in _AS_MMS and variant == "with-mms":
            m_id = f"synth-{chat.truth.seed}-{index}"
            records.append(
                _mms(message, m_id, date_ms, when, mine, partner, partner_number, own_number)
            )
            kind = Kind.MEDIA
        else:
            continue
        expected.append(
            replace(
                message,
                kind=kind,
                sender="Me" if mine else chat.partner,
                from_me=mine,
                utc_offset_s=offset,
                reply_to=None,
                record_id=f"synth-{chat.truth.seed}-{index}" if kind is Kind.MEDIA else None,
                chat=chat.partner,
            )
        )
    backup_set = uuid.UUID(int=chat.truth.seed * 2654435761 % (1 << 128))
    backup_ms = last_ms + 3_600_000
    created = readable(_EPOCH + timedelta(milliseconds=backup_ms, seconds=chat.utc_offset_s))
    head = (
        "<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
        f"<!--File Created By SMS Backup & Restore v10.20.002 on {created}-->\n"
        '<?xml-stylesheet type="text/xsl" href="sms.xsl"?>\n'
        f'<smses count="{len(records)}" backup_set="{backup_set}" '
        f'backup_date="{backup_ms}" type="full">\n'
    )
    document = head + "".join(r + "\n" for r in records) + "</smses>\n"
    stamp = (_EPOCH + timedelta(milliseconds=backup_ms)).strftime("%Y%m%d%H%M%S")
    main = f"sms-{stamp}.xml"
    return Rendered(
        files={main: document.encode("utf-8")},
        main=main,
        expected=tuple(expected),
        variant=variant,
        notes=(
            "system notices, deletions, calls and reactions are not in an SMS backup",
            "media and stickers are MMS records only in the with-mms variant",
        ),
    )


def _mms(
    message: Message,
    m_id: str,
    date_ms: int,
    when: str,
    mine: bool,
    partner: str,
    partner_number: str,
    own_number: str,
) -> str:
    """One <mms> record: SMIL layout, the media file(s), the caption, and both addresses."""
    parts = [
        '      <part seq="-1" ct="application/smil" name="null" chset="null" cd="null" fn="null" '
        'cid="&lt;smil&gt;" cl="smil.xml" ctt_s="null" ctt_t="null" '
        'text="&lt;smil&gt;&lt;head&gt;&lt;layout&gt;&lt;root-layout/&gt;&lt;/layout&gt;'
        "&lt;/head&gt;&lt;body&gt;&lt;par dur=&quot;5000ms&quot;/&gt;&lt;/body&gt;"
        '&lt;/smil&gt;" />'
    ]
    for name in message.attachments:
        ct = _CONTENT_TYPES.get(name.rsplit(".", 1)[-1].lower(), "application/octet-stream")
        safe = _attr(name)
        parts.append(
            f'      <part seq="0" ct="{ct}" name="{safe}" chset="null" cd="null" fn="null" '
            f'cid="&lt;{safe}&gt;" cl="{safe}" ctt_s="null" ctt_t="null" text="null" '
            f'data="{_FAKE_DATA}" />'
        )
    if message.text:
        parts.append(
            '      <part seq="0" ct="text/plain" name="null" chset="106" cd="null" fn="null" '
            'cid="&lt;text_0&gt;" cl="text_0.txt" ctt_s="null" ctt_t="null" '
            f'text="{_attr(message.text)}" />'
        )
    sender, recipient = (own_number, partner_number) if mine else (partner_number, own_number)
    return (
        f'  <mms date="{date_ms}" rr="null" sub="null" '
        'ct_t="application/vnd.wap.multipart.related" read_status="null" seen="1" '
        f'msg_box="{2 if mine else 1}" address="{partner_number}" sub_cs="null" resp_st="null" '
        'retr_st="null" d_tm="null" text_only="0" exp="null" locked="0" '
        f'm_id="{m_id}" st="null" retr_txt_cs="null" retr_txt="null" '
        'creator="com.google.android.apps.messaging" date_sent="0" read="1" m_size="2048" '
        'rpt_a="null" ct_cls="null" pri="null" sub_id="1" tr_id="null" resp_txt="null" '
        'ct_l="null" m_cls="personal" d_rpt="129" v="18" '
        f'm_type="{128 if mine else 132}" readable_date="{when}" contact_name="{partner}">\n'
        "    <parts>\n" + "\n".join(parts) + "\n    </parts>\n"
        "    <addrs>\n"
        f'      <addr address="{sender}" type="137" charset="106" />\n'
        f'      <addr address="{recipient}" type="151" charset="106" />\n'
        "    </addrs>\n"
        "  </mms>"
    )
