"""``read``'s path: the export read in large chunks and split into messages by one regular
expression; and the reader of files that join several date styles, which both paths use."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import polars as pl

from pushpull.errors import ParseError
from pushpull.model import Kind, ParseIssue
from pushpull.sources.whatsapp._bodies import _Bodies
from pushpull.sources.whatsapp._layout import (
    _Clock,
    _decide_order,
    _general,
    _Layout,
    _layout_for,
    _line_pattern,
    _order_of,
    _polars_prefix,
    _read_layout,
    _style_of,
    _StyleKey,
)
from pushpull.sources.whatsapp._words import (
    _CHUNK_BYTES,
    _MARK,
    _MARKS,
    _PREFIX_EDGES,
    _SAMPLE_BYTES,
    _Row,
)


def _chunks(data: bytes, start: int, path: Path) -> Iterator[str]:
    """The text in pieces of about ``_CHUNK_BYTES``, each starting with "\\n" (the first one
    with an added "\\n"), with CRLF turned into LF."""
    line = 1
    pos, size = start, len(data)
    while pos < size:
        end = size
        if pos + _CHUNK_BYTES < size:
            cut = data.find(b"\n", pos + _CHUNK_BYTES)
            if cut > 0:
                end = cut - 1 if data[cut - 1 : cut] == b"\r" else cut
        piece = data[pos:end]
        if b"\r" in piece:  # one byte: memchr, ten times faster than looking for two
            piece = piece.replace(b"\r\n", b"\n")
        try:
            text = piece.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(
                f"byte {pos + exc.start} is not valid UTF-8 text.",
                path=path,
                line=line + piece.count(b"\n", 0, exc.start),
                expected="a WhatsApp export encoded as UTF-8",
            ) from exc
        yield text if pos > start else "\n" + text
        line += piece.count(b"\n")
        pos = end


def _layout_of(data: bytes, start: int, path: Path) -> _Layout:
    """The file's layout, read from its first lines."""
    sample = data[start : start + _SAMPLE_BYTES].decode("utf-8", errors="replace")
    layout = _read_layout(sample)
    if layout is None:
        raise ParseError(
            "no line starts with a WhatsApp date and time.",
            path=path,
            line=1,
            expected="lines like '31/12/2023, 21:15 - Name: text' or '[31/12/2023, 21:15:07] "
            "Name: text'",
        )
    return layout


def _text_lines(data: bytes, start: int, path: Path) -> tuple[bytes, pl.Series]:
    """The text from byte ``start`` with LF line ends, and its lines as a column."""
    text = data[start:] if start else data
    if b"\r" in text:  # one byte: memchr, ten times faster than looking for two
        text = text.replace(b"\r\n", b"\n")
    return text, _lines(text, data, start, path)


def _no_messages(path: Path) -> ParseError:
    return ParseError(
        "no line starts with a readable WhatsApp date and time.",
        path=path,
        line=1,
        expected="lines like '31/12/2023, 21:15 - Name: text'",
    )


def _impossible(line: int, prefix: str, raw: str, after_first: bool) -> ParseIssue:
    """The issue for a line that starts like a message but whose date or time cannot be."""
    return ParseIssue(
        line=line,
        reason="this line starts like a message but its date or time is "
        f"impossible ({prefix.strip(_MARKS + ' -–[]')})",
        raw=raw[:200],
        action="kept as part of the previous message"
        if after_first
        else "kept as text before the first message",
    )


def _rows(
    data: bytes, start: int, path: Path, names: frozenset[str], date_order: str | None = None
) -> Iterator[_Row | ParseIssue]:
    """The messages of a UTF-8 export (from byte ``start``) as rows, with issues in between.

    This is ``read``'s path: chunks of text are split by one regular expression into prefix,
    sender and body; plain text goes straight out, anything that may be a marker or a system
    line goes through ``_Bodies.special``.
    """
    layout = _layout_of(data, start, path)
    if layout.mixed:
        yield from _mixed_rows(data, start, path, names)
        return
    lines = _text_lines(data, start, path)[1]
    order, doubts = _order_of(lines, layout, date_order)
    foreign = _foreign_headers(lines, layout) + doubts
    del lines
    clock = _Clock(layout, order)
    split = _line_pattern(layout).split
    bodies = _Bodies(names)
    heads, marks, enders = bodies.v.heads, _MARKS, ")>"
    senders = bodies.senders
    special = bodies.special
    clock_at = clock.at
    last_prefix, last_at = "", datetime.min  # messages of one minute share a prefix
    text_kind = Kind.TEXT
    no_files: tuple[str, ...] = ()

    # The latest message is held back until the next one starts, because the following
    # lines (even in the next chunk) may still belong to it.
    p_at: datetime | None = None
    p_sender: str | None = None
    p_body = ""
    p_line = 0
    preamble = ""
    line = 1  # the line the next message starts on
    for text in _chunks(data, start, path):
        parts = split(text)
        lead = parts[0]
        if lead:
            if p_at is not None:
                p_body += lead
            else:
                preamble += lead
            line += lead.count("\n")
        it = iter(parts)
        next(it)
        for prefix, raw_sender, body in zip(it, it, it):  # noqa: B905
            if prefix == last_prefix:
                at = last_at
            else:
                found = clock_at(prefix)
                if found is None:
                    raw = prefix if raw_sender is None else f"{prefix}{raw_sender}: "
                    raw += body
                    yield _impossible(line, prefix, raw, p_at is not None)
                    if p_at is not None:
                        p_body += "\n" + raw
                    else:
                        preamble += "\n" + raw
                    line += body.count("\n") + 1
                    continue
                at = last_at = found
                last_prefix = prefix
            if p_at is not None:
                if (
                    p_sender is not None
                    and (sender := senders.get(p_sender)) is not None
                    and p_body[:4] not in heads
                    and p_body[:1] not in marks
                    and p_body[-1:] not in enders
                    and ")\n" not in p_body
                    and ">\n" not in p_body
                ):
                    yield (p_at, sender, p_body, text_kind, no_files, p_line)
                else:
                    s, t, k, files = special(p_sender, p_body)
                    yield (p_at, s, t, k, files, p_line)
            else:
                yield from _preamble(preamble, at)
            p_at, p_sender, p_body, p_line = at, raw_sender, body, line
            line += body.count("\n") + 1
    if p_at is None:
        raise _no_messages(path)
    if p_body.endswith(("\n", "\r")):  # the export's final line end
        p_body = p_body[:-1]
    s, t, k, files = special(p_sender, p_body)
    yield (p_at, s, t, k, files, p_line)
    yield from foreign


#: A line that starts with a date in any style (Rust regex: the cheap first filter).
_ANY_DATE = rf"^{_MARK}*\[?[0-9]{{1,4}}[./-][0-9]{{1,2}}[./-][0-9]{{2,4}}"


_NAMED = re.compile(r"[^\n]*?:(?: |$)")


def _describe(m: re.Match[str]) -> str:
    """A header's date and time as written, for a warning."""
    return m.group(0).strip(_PREFIX_EDGES)


def _foreign_headers(lines: pl.Series, layout: _Layout) -> list[ParseIssue]:
    """Lines that look like a message start ("date time - Name: ") in another style than the
    file's: a phone writes every date of an export alike, so these are text of the message
    above (a pasted line, or a chat copied into a message). One warning each."""
    frame = lines.to_frame("line").with_row_index("number", offset=1)
    line = pl.col("line")
    suspects = frame.filter(
        line.str.contains(_ANY_DATE) & ~line.str.contains(_polars_prefix(layout))
    )
    issues = []
    for number, text in suspects.iter_rows():
        m = _general().match(text)
        if m is None or not _NAMED.match(text, m.end()):
            continue
        issues.append(
            ParseIssue(
                line=int(number),
                reason=f"this line looks like the start of a message, but its date style "
                f"({_describe(m)}) is not the one the rest of the file uses",
                raw=text[:200],
            )
        )
    return issues


def _mixed_rows(
    data: bytes, start: int, path: Path, names: frozenset[str]
) -> Iterator[_Row | ParseIssue]:
    """The messages of a file with no single date style (chats from several phones joined):
    every line in any style starts a message, each style read with its own date order, and
    a warning marks each line where the style changes."""
    lines = _text_lines(data, start, path)[1].to_list()
    found = [_general().match(line) for line in lines]
    styles = [None if m is None else _style_of(m) for m in found]
    by_style: dict[_StyleKey, list[str]] = {}
    us_clock = False
    for line, m, key in zip(lines, found, styles, strict=True):
        if m is not None and key is not None:
            by_style.setdefault(key, []).append(line)
            us_clock = us_clock or bool(m.group(10) and m.group(10)[0] in "AP")
    clocks = {}
    for key, style_lines in by_style.items():
        layout = _layout_for(key, us_clock)
        order = layout.order or _decide_order(pl.Series("line", style_lines), layout)[0]
        clocks[key] = _Clock(layout, order)
    bodies = _Bodies(names)
    held: tuple[datetime, str | None, list[str], int] | None = None
    preamble: list[str] = []
    style: _StyleKey | None = None
    for number, (line, m, key) in enumerate(zip(lines, found, styles, strict=True), start=1):
        at = None
        if m is not None and key is not None:
            at = clocks[key].at(m.group(0))
            if at is None:
                yield _impossible(number, m.group(0), line, held is not None)
        if m is None or at is None:
            if held is not None:
                held[2].append(line)
            else:
                preamble.append(line)
            continue
        if style is not None and key != style:
            yield ParseIssue(
                line=number,
                reason=f"the date style changes here (to {_describe(m)}): the file seems to "
                "join chats exported on different phones",
                raw=line[:200],
                action="read as the start of a message",
            )
        style = key
        if held is not None:
            yield _emit(held, bodies)
        else:
            yield from _preamble("\n" + "\n".join(preamble), at)
        rest = line[m.end() :]
        named = _NAMED.match(rest)
        if named is not None:
            sender: str | None = named.group(0).rstrip(" ")[:-1]
            body = rest[named.end() :]
        else:
            sender, body = None, rest
        held = (at, sender, [body], number)
    if held is None:
        raise _no_messages(path)
    yield _emit(held, bodies)


def _emit(held: tuple[datetime, str | None, list[str], int], bodies: _Bodies) -> _Row:
    at, raw_sender, parts, number = held
    sender, text, kind, files = bodies.special(raw_sender, "\n".join(parts))
    return (at, sender, text, kind, files, number)


def _preamble(text: str, at: datetime) -> Iterator[_Row | ParseIssue]:
    """Text before the first message (``text`` starts with the added "\\n"), if there is any."""
    text = text[1:]
    if text.strip(_MARKS + " \n\t"):
        yield _preamble_issue(text)
        yield (at, "", text.lstrip(_MARKS), Kind.SYSTEM, (), 1)


def _preamble_issue(text: str) -> ParseIssue:
    return ParseIssue(
        line=1,
        reason="text before the first message",
        raw=text[:200],
        action="kept as a system message",
    )


def _lines(text: bytes, data: bytes, start: int, path: Path) -> pl.Series:
    """The lines of ``text`` (LF line ends, no final empty line) as a Polars column.

    Polars' CSV reader, told to use a byte the text does not contain as the separator and no
    quoting, splits lines faster and with less memory than anything else at hand.
    """
    unused = (b for b in range(1, 32) if b not in (9, 10, 13) and bytes([b]) not in text)
    absent = next(unused, None)
    try:
        if absent is None:
            whole = pl.Series("line", [text], dtype=pl.Binary).cast(pl.String)
            lines = whole.str.split("\n").explode()
            return lines.head(len(lines) - 1) if text.endswith(b"\n") else lines
        table = pl.read_csv(
            text,
            has_header=False,
            separator=chr(absent),
            quote_char=None,
            new_columns=["line"],
            schema={"line": pl.String},
        )
    except pl.exceptions.PolarsError:
        for _ in _chunks(data, start, path):  # raises the error that names the line
            pass
        raise ParseError("the text is not valid UTF-8.", path=path) from None
    return table.get_column("line").fill_null("")
