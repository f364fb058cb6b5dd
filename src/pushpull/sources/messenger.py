"""Facebook Messenger and Instagram direct messages, from Meta's "Download your information" (JSON).

Both apps export a conversation as a folder ``messages/inbox/<name>_<id>/`` holding
``message_1.json``, ``message_2.json``, ... ``message_1.json`` has the newest messages and each
file lists its messages newest first. Importing any one of the files reads all of its siblings
(the ``message_N.json`` files of the same folder and thread) and yields the whole thread oldest
first. The downloaded ``.zip`` works too: every thread inside it is read, each under its own
title (``--chat`` picks one).

One file looks like this (Instagram leaves out ``type`` and adds ``is_geoblocked_for_viewer``;
Messenger's newer exports do the same)::

    {"participants": [{"name": "Sam"}, {"name": "Alex"}],
     "messages": [{"sender_name": "Sam", "timestamp_ms": 1736200000123, "content": "hi",
                   "photos": [{"uri": ".../photos/1_2_n.jpg"}], "reactions":
                   [{"reaction": "\\u00e2\\u009d\\u00a4", "actor": "Alex"}], "type": "Generic"}],
     "title": "Sam", "is_still_participant": true, "thread_path": "inbox/sam_123"}

Quirks handled here:

- Text is double encoded: every UTF-8 byte is written as its own ``\\u00XX`` escape, so "é"
  arrives as "Ã©". Every string is repaired by re-reading its code points as UTF-8 bytes, and
  left alone when that fails (a file whose text was already correct).
- ``timestamp_ms`` is UTC with no zone, so ``sent_at`` is naive UTC and ``utc_offset_s`` 0.
- Reactions carry no time of their own: each becomes a ``REACTION`` message right after its
  target, at the target's time, sent by the reacting person, ``reply_to`` the target's id.
- The export does not say which participant exported it, so ``from_me`` is ``None``.
- Messages have no ids: ``record_id`` is ``"<file name>:<position in its file>"`` (1-based,
  the file's own newest-first order), reactions add ``":r<k>"``; ``line`` is that position.

Kinds: text (a shared link keeps its link and title in the text) ``TEXT``; photos, videos,
audio, GIFs and files ``MEDIA`` (attachment base names, the text as caption); ``sticker``
``STICKER``; ``type: Call`` or ``call_duration`` ``CALL`` ("Voice call", "Video call", "Missed
voice call", "Missed video call"; a duration of 0 is a missed call); ``is_unsent`` ``DELETED``;
joins and leaves ``SYSTEM`` (sender ""); a shared maps link alone ``LOCATION``; the notice
"<name> created a poll: <question>" ``POLL`` (the question); Instagram's "Reacted 😂 to your
message" and "Liked a message" ``REACTION`` (the emoji; a like is ❤️). A record with nothing in
it is kept as an empty ``TEXT`` from its sender.
"""

from __future__ import annotations

import json
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from typing import ClassVar

from pushpull.errors import ParseError, UnreadableFileError, UsageError
from pushpull.model import Kind, Message, ParseIssue
from pushpull.registry import ExportFile, Sniff, register

__all__ = ["MessengerSource"]

_PART_NAME = re.compile(r"message_(\d+)\.json")
_MESSAGES_ARRAY = re.compile(r'"messages"\s*:\s*\[')
_ZIP_PART = re.compile(
    r"(?:^|/)messages/[^/]+/[^/]+/message_(\d+)\.json$",
)
_MAPS_LINK = re.compile(
    r"https?://(?:"
    r"maps\.google\.[a-z.]+/|(?:www\.)?google\.[a-z.]+/maps|maps\.app\.goo\.gl/|goo\.gl/maps"
    r"|maps\.apple\.com/|(?:www\.)?bing\.com/maps|(?:www\.)?openstreetmap\.org/"
    r")",
    re.IGNORECASE,
)
_REACTED_NOTICE = re.compile(r"Reacted (.+) to (?:your|a) message", re.DOTALL)
_LIKED_NOTICE = "Liked a message"
_LIKE_EMOJI = "❤️"
#: Notices Instagram and Messenger write as a message's text: service lines, not messages.
_SERVICE_NOTICES = frozenset({"This poll is no longer available.", "This message is unavailable."})
_SERVICE_ENDINGS = ("'s poll has multiple updates.", " poll has multiple updates.")
_POLL_NOTICE = " created a poll: "
_MEDIA_KEYS = ("photos", "videos", "audio_files", "gifs", "files")
#: Keys that make a record more than a text message.
_PAYLOAD_KEYS = frozenset((*_MEDIA_KEYS, "share", "sticker", "call_duration"))
_EPOCH = datetime(1970, 1, 1)
_EXPECTED = (
    'a Messenger/Instagram thread: a JSON object with "participants" and a "messages" list '
    'of objects with "sender_name" and "timestamp_ms"'
)


class _BadRecord(Exception):
    """A message record whose fields are not what the format promises."""


def repair_text(text: str) -> str:
    """Undo Meta's double encoding ("Ã©" -> "é"); return ``text`` as is when it is not that."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return text


@register
class MessengerSource:
    """Meta's JSON download of one Messenger or Instagram thread (or the whole ``.zip``)."""

    name: ClassVar[str] = "messenger"
    label: ClassVar[str] = "Facebook Messenger / Instagram (message_1.json)"

    def sniff(self, file: ExportFile) -> Sniff:
        if file.is_zip:
            return _sniff_zip(file)
        text = file.head_text.lstrip("\ufeff \t\r\n")
        if not text.startswith("{"):
            return Sniff.no("not a JSON object")
        if '"sender_name"' not in text or '"timestamp_ms"' not in text:
            return Sniff.no('no messages with "sender_name" and "timestamp_ms"')
        if not _MESSAGES_ARRAY.search(text):
            return Sniff(0.2, 'has "sender_name" but no "messages" list')
        confidence = 0.75
        if '"participants"' in text:
            confidence += 0.15
        if _PART_NAME.fullmatch(file.name):
            confidence += 0.05
        if any(k in text for k in ('"thread_path"', '"is_geoblocked_for_viewer"', '"is_unsent"')):
            confidence += 0.04
        return Sniff(min(confidence, 0.99), "a Meta thread with sender_name/timestamp_ms")

    def read(self, file: ExportFile) -> Iterator[Message | ParseIssue]:
        if file.is_zip:
            yield from _read_zip(file)
            return
        yield from _read_folder(file)


# --- finding the parts of a thread ------------------------------------------------------------


def _part_number(name: str) -> int | None:
    match = _PART_NAME.fullmatch(name)
    return int(match.group(1)) if match else None


def _read_folder(file: ExportFile) -> Iterator[Message | ParseIssue]:
    """The thread ``file`` belongs to: all ``message_N.json`` beside it, oldest part first."""
    main = _load(file.read_bytes(), file.path)
    if _part_number(file.name) is None:
        yield from _thread_messages([(file.name, main)], file.path)
        return
    siblings: list[tuple[int, Path]] = []
    try:
        entries = list(file.path.parent.iterdir())
    except OSError:
        entries = []
    for entry in entries:
        number = _part_number(entry.name)
        if number is not None and entry.name != file.name and entry.is_file():
            siblings.append((number, entry))
    numbered: list[tuple[int, str, dict[str, object] | Path]] = [
        (_part_number(file.name) or 0, file.name, main)
    ]
    numbered += [(n, p.name, p) for n, p in siblings]
    numbered.sort(key=lambda item: item[0], reverse=True)  # the highest number is the oldest

    parts: list[tuple[str, dict[str, object]]] = []
    issues: list[ParseIssue] = []
    for _, name, source in numbered:
        if isinstance(source, Path):
            part = ExportFile(source, on_bytes=file.on_bytes, limits=file.limits)
            data = _load(part.read_bytes(), source)
            if not _same_thread(main, data):
                issues.append(
                    ParseIssue(
                        line=None,
                        reason=f"{name} beside {file.name} belongs to another conversation",
                        raw=_thread_label(data),
                        action="skipped that file",
                    )
                )
                continue
        else:
            data = source
        parts.append((name, data))
    yield from issues
    yield from _thread_messages(parts, file.path)


def _read_zip(file: ExportFile) -> Iterator[Message | ParseIssue]:
    """Every thread in a downloaded archive, one after another, each with its own title."""
    wanted = file.options.get("chat", "").strip().casefold()
    threads: dict[str, list[tuple[int, zipfile.ZipInfo]]] = {}
    with file.zip() as archive:
        yield from archive.issues
        for info in archive.infolist():
            match = _ZIP_PART.search(info.filename)
            if match and not info.is_dir():
                folder = str(PurePosixPath(info.filename).parent)
                threads.setdefault(folder, []).append((int(match.group(1)), info))
        if not threads:
            raise ParseError(
                "the archive holds no messages/inbox/<thread>/message_1.json files.",
                path=file.path,
                expected="Meta's 'Download your information' archive in JSON format",
                hint="Download your information again with the format set to JSON, not HTML.",
            )
        titles: list[str] = []
        found = False
        for folder in sorted(threads):
            parts: list[tuple[str, dict[str, object]]] = []
            for _, info in sorted(threads[folder], key=lambda item: item[0], reverse=True):
                label = Path(f"{file.path}/{info.filename}")
                raw = archive.read(info)
                parts.append((PurePosixPath(info.filename).name, _load(raw, label)))
            title = _title(parts[0][1], folder)
            titles.append(title)
            if wanted and title.casefold() != wanted:
                continue
            found = True
            yield from _thread_messages(parts, file.path, zip_folder=folder)
    if wanted and not found:
        raise UsageError(
            f"There is no chat called {file.options['chat']!r} in {file.name}.",
            hint=f"Its chats are: {', '.join(repr(t) for t in titles[:20])}.",
        )


def _load(data: bytes, path: Path) -> dict[str, object]:
    """One ``message_N.json`` parsed, or a ``ParseError`` naming where it breaks."""
    try:
        parsed = json.loads(data)
    except json.JSONDecodeError as exc:
        raise ParseError(
            f"the JSON breaks off or is damaged ({exc.msg}, column {exc.colno}).",
            path=path,
            line=exc.lineno,
            expected=_EXPECTED,
        ) from exc
    except RecursionError as exc:
        raise ParseError(
            "the JSON is nested too deeply to be a chat export.", path=path, expected=_EXPECTED
        ) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise ParseError(
            f"it is not readable JSON text ({exc}).", path=path, expected=_EXPECTED
        ) from exc
    if not isinstance(parsed, dict) or not isinstance(parsed.get("messages"), list):
        raise ParseError(
            'it has no "messages" list at the top.', path=path, line=1, expected=_EXPECTED
        )
    return parsed


def _same_thread(a: Mapping[str, object], b: Mapping[str, object]) -> bool:
    path_a, path_b = a.get("thread_path"), b.get("thread_path")
    if isinstance(path_a, str) and isinstance(path_b, str):
        return path_a == path_b
    return a.get("title") == b.get("title")


def _thread_label(data: Mapping[str, object]) -> str:
    for key in ("thread_path", "title"):
        value = data.get(key)
        if isinstance(value, str) and value:
            return repair_text(value)
    return ""


def _title(data: Mapping[str, object], folder: str) -> str:
    """The conversation's name: its title, else its participants, else its folder."""
    title = data.get("title")
    if isinstance(title, str) and title.strip():
        return repair_text(title)
    people = data.get("participants")
    if isinstance(people, list):
        names = [
            repair_text(p["name"])
            for p in people
            if isinstance(p, dict) and isinstance(p.get("name"), str) and p["name"]
        ]
        if names:
            return ", ".join(names)
    return PurePosixPath(folder).name


# --- turning records into messages ------------------------------------------------------------


def _thread_messages(
    parts: Sequence[tuple[str, dict[str, object]]], path: Path, *, zip_folder: str = ""
) -> Iterator[Message | ParseIssue]:
    """``parts`` (oldest file first) as messages, oldest first."""
    if not parts:
        return
    chat = _title(parts[0][1], zip_folder or path.parent.name or path.stem)
    names: dict[str, str] = {}
    issues: list[ParseIssue] = []
    for part_name, data in parts:
        records = data["messages"]
        assert isinstance(records, list)
        where = Path(f"{path}/{zip_folder}/{part_name}") if zip_folder else path.parent / part_name
        for index in range(len(records) - 1, -1, -1):
            position = index + 1
            record = records[index]
            try:
                message = _convert(record, part_name, position, chat, names, issues)
                if issues:
                    yield from issues
                    issues.clear()
                yield message
                if "reactions" in record:
                    yield from _reactions(record["reactions"], message, names)
            except (_BadRecord, KeyError, TypeError, ValueError, AttributeError) as exc:
                raise ParseError(
                    f'message {position} of the "messages" list cannot be read ({exc}).',
                    path=where,
                    expected=_EXPECTED,
                ) from exc
            except OverflowError as exc:
                raise ParseError(
                    f'message {position} of the "messages" list has an impossible time.',
                    path=where,
                    expected="timestamp_ms in milliseconds since 1970",
                ) from exc


def _name(raw: object, names: dict[str, str]) -> str:
    if not isinstance(raw, str):
        raise _BadRecord(f"a name is {type(raw).__name__}, not text")
    fixed = names.get(raw)
    if fixed is None:
        fixed = names[raw] = repair_text(raw)
    return fixed


def _optional_text(record: Mapping[str, object], key: str) -> str:
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _BadRecord(f'"{key}" is {type(value).__name__}, not text')
    return repair_text(value)


def _basenames(record: Mapping[str, object]) -> tuple[str, ...]:
    names: list[str] = []
    for key in _MEDIA_KEYS:
        items = record.get(key)
        if not items:
            continue
        if not isinstance(items, list):
            raise _BadRecord(f'"{key}" is not a list')
        for item in items:
            uri = item.get("uri") if isinstance(item, dict) else None
            if isinstance(uri, str) and uri:
                names.append(repair_text(uri.rsplit("/", 1)[-1]))
    return tuple(names)


def _share_parts(record: Mapping[str, object]) -> tuple[str, str]:
    share = record.get("share")
    if not isinstance(share, dict):
        return "", ""
    return _optional_text(share, "link"), _optional_text(share, "share_text")


def _join_text(content: str, link: str, share_text: str) -> str:
    parts = [content] if content else []
    if link and link not in content:
        parts.append(link)
    if share_text and share_text not in content and share_text != link:
        parts.append(share_text)
    return "\n".join(parts)


def _call_text(content: str, duration: object) -> str:
    lowered = content.lower()
    video = "video" in lowered
    if isinstance(duration, int | float) and not isinstance(duration, bool):
        missed = duration <= 0
    else:
        missed = "missed" in lowered or "no answer" in lowered
    what = "video call" if video else "voice call"
    return f"Missed {what}" if missed else what.capitalize()


def _group_notice(record: Mapping[str, object], sender: str, kind: str, content: str) -> str:
    if content:
        return content
    users = record.get("users")
    names = [
        repair_text(u["name"])
        for u in (users if isinstance(users, list) else [])
        if isinstance(u, dict) and isinstance(u.get("name"), str)
    ]
    listed = ", ".join(names)
    if kind == "Subscribe":
        return f"{sender} added {listed} to the group." if listed else f"{sender} joined."
    if not names or names == [sender]:
        return f"{sender} left the group."
    return f"{sender} removed {listed} from the group."


def _convert(
    record: object,
    part_name: str,
    position: int,
    chat: str,
    names: dict[str, str],
    issues: list[ParseIssue],
) -> Message:
    """One record as its message (its reactions follow separately)."""
    if not isinstance(record, dict):
        raise _BadRecord(f"it is {type(record).__name__}, not an object")
    stamp = record["timestamp_ms"]
    if isinstance(stamp, bool) or not isinstance(stamp, int | float):
        raise _BadRecord(f'"timestamp_ms" is {stamp!r}, not a number')
    raw_sender = record.get("sender_name")
    if raw_sender is None:
        sender = ""
        issues.append(
            ParseIssue(
                line=position,
                reason=f"message {position} of {part_name} has no sender_name",
                raw=str(record)[:200],
                action="kept with no sender",
            )
        )
    else:
        sender = _name(raw_sender, names)
    content = _optional_text(record, "content")
    if (
        _PAYLOAD_KEYS.isdisjoint(record)
        and record.get("type", "Generic") == "Generic"
        and record.get("is_unsent") is not True
    ):
        kind, text, attachments = _plain(content, sender)
    else:
        kind, text, attachments, sender = _classify(record, sender, content)
    if kind is Kind.SYSTEM:
        sender = ""  # a service line is nobody's message
    return Message(
        sent_at=_EPOCH + timedelta(milliseconds=stamp),
        sender=sender,
        text=text,
        kind=kind,
        utc_offset_s=0,
        attachments=attachments,
        record_id=f"{part_name}:{position}",
        line=position,
        chat=chat,
    )


def _plain(content: str, sender: str) -> tuple[Kind, str, tuple[str, ...]]:
    """A record with text only: text, or one of the notices the apps write as text."""
    if content in _SERVICE_NOTICES or content.endswith(_SERVICE_ENDINGS):
        return Kind.SYSTEM, content, ()
    if _POLL_NOTICE in content:
        who, _, question = content.partition(_POLL_NOTICE)
        if who in (sender, "You"):
            return Kind.POLL, question, ()
    elif content == _LIKED_NOTICE:
        return Kind.REACTION, _LIKE_EMOJI, ()
    elif content.startswith("Reacted "):
        reacted = _REACTED_NOTICE.fullmatch(content)
        if reacted:
            return Kind.REACTION, reacted.group(1), ()
    return Kind.TEXT, content, ()


def _classify(
    record: Mapping[str, object], sender: str, content: str
) -> tuple[Kind, str, tuple[str, ...], str]:
    """Kind, text, attachments and sender of a record that carries more than text."""
    link, share_text = _share_parts(record)
    attachments = _basenames(record)
    text = _join_text(content, link, share_text)
    kind_name = record.get("type")
    if record.get("is_unsent") is True:
        return Kind.DELETED, text, attachments, sender
    if kind_name == "Call" or "call_duration" in record:
        return Kind.CALL, _call_text(content, record.get("call_duration")), attachments, sender
    if kind_name in ("Subscribe", "Unsubscribe"):
        return Kind.SYSTEM, _group_notice(record, sender, str(kind_name), content), (), ""
    sticker = record.get("sticker")
    if isinstance(sticker, dict):
        uri = sticker.get("uri")
        if isinstance(uri, str) and uri:
            attachments += (repair_text(uri.rsplit("/", 1)[-1]),)
        return Kind.STICKER, text, attachments, sender
    if attachments:
        return Kind.MEDIA, text, attachments, sender
    if link and not content and not share_text and _MAPS_LINK.match(link):
        return Kind.LOCATION, text, (), sender
    if not link and not share_text:
        kind, text, _ = _plain(content, sender)
    else:
        kind = Kind.TEXT
    return kind, text, (), sender


def _reactions(raw: object, target: Message, names: dict[str, str]) -> list[Message]:
    """One ``REACTION`` per entry of a record's ``reactions``, at the target's time."""
    if not raw:
        return []
    if not isinstance(raw, list):
        raise _BadRecord('"reactions" is not a list')
    out: list[Message] = []
    for k, reaction in enumerate(raw, start=1):
        if not isinstance(reaction, dict):
            raise _BadRecord(f"reaction {k} is not an object")
        out.append(
            Message(
                sent_at=target.sent_at,
                sender=_name(reaction.get("actor", ""), names),
                text=_optional_text(reaction, "reaction"),
                kind=Kind.REACTION,
                utc_offset_s=0,
                reply_to=target.record_id,
                record_id=f"{target.record_id}:r{k}",
                line=target.line,
                chat=target.chat,
            )
        )
    return out


def _sniff_zip(file: ExportFile) -> Sniff:
    try:
        with file.zip() as archive:
            names = archive.namelist()
    except UnreadableFileError:  # past a limit: refused, not merely not ours
        raise
    except Exception:  # a damaged archive is simply not ours to judge
        return Sniff.no("a .zip that cannot be opened")
    if any(_ZIP_PART.search(n) for n in names):
        return Sniff(0.9, "a Meta archive with messages/<folder>/<thread>/message_N.json")
    return Sniff.no("a .zip without messages/inbox/<thread>/message_1.json")
