"""``read_frame``'s path: the same messages computed column by column with Polars."""

from __future__ import annotations

import bisect
import re
from datetime import timedelta
from pathlib import Path

import polars as pl

from pushpull.frame import FRAME_SCHEMA, MessageFrame, messages_to_frame
from pushpull.model import Kind, Message, ParseIssue
from pushpull.sources.whatsapp._bodies import _Bodies
from pushpull.sources.whatsapp._layout import _Clock, _Layout, _order_of, _polars_prefix
from pushpull.sources.whatsapp._row_reader import (
    _foreign_headers,
    _impossible,
    _layout_of,
    _mixed_rows,
    _no_messages,
    _preamble_issue,
    _text_lines,
)
from pushpull.sources.whatsapp._words import (
    _DATE_TIME,
    _LRM,
    _MARK,
    _MARKS,
    _PREFIX_EDGES,
    _TRAILING,
    _Vocabulary,
)


def _gate(v: _Vocabulary) -> str:
    """Bodies that are surely plain text do not match this (the same test as ``_rows``)."""
    heads = "|".join(re.escape(h) for h in sorted(v.heads))
    return rf"\A(?:{_MARK}|{heads})|[)>]\z|[)>]\n|\A\z"


def _frame(
    data: bytes,
    start: int,
    path: Path,
    names: frozenset[str],
    chat: str,
    date_order: str | None = None,
) -> MessageFrame:
    """All messages as columns, computed column-wise by Polars (``read_frame``'s path).

    The same rules as ``_rows``: a line starts a message when it matches the same prefix
    pattern; dates and clock readings are parsed by the same ``_Clock`` (once per distinct
    value); bodies that may be markers or system lines are classified by ``_classify``, which
    is ``_Bodies.special`` written in columns (a test holds the two to the same answers).
    """
    layout = _layout_of(data, start, path)
    if layout.mixed:
        found = messages_to_frame(
            Message(
                sent_at=row[0],
                sender=row[1],
                text=row[2],
                kind=row[3],
                attachments=row[4],
                line=row[5],
                chat=chat,
            )
            if isinstance(row, tuple)
            else row
            for row in _mixed_rows(data, start, path, names)
        )
        return found
    text, lines = _text_lines(data, start, path)
    order, doubts = _order_of(lines, layout, date_order)
    clock = _Clock(layout, order)
    foreign = _foreign_headers(lines, layout) + doubts
    cut = _cut_lines(lines, layout)
    del lines
    bodies = _Bodies(names)
    messages, more, before, bad = _gather(cut, clock, bodies)
    issues = _frame_issues(bad, cut, text.endswith((b"\n", b"\r")))
    preamble = "\n".join(before.get_column("line").to_list())
    del cut, text, before
    if messages.height == 0:
        raise _no_messages(path)
    if more.height:
        # Messages are numbered 1, 2, ... in order, so message m is row m - 1.
        rows = more.get_column("msg").cast(pl.Int64) - 1
        body = messages.get_column("body")
        joined = body.gather(rows) + "\n" + more.get_column("more")
        marked = messages.get_column("sender").gather(rows).is_null() | joined.str.contains(
            _gate(bodies.v)
        )
        messages = messages.with_columns(
            body.scatter(rows, joined), messages.get_column("marked").scatter(rows, marked)
        )
    del more
    special = _classify(
        messages.with_row_index("i").filter("marked").select("i", "raw", "sender", "body"),
        bodies,
    )
    index = special.get_column("i")
    n = messages.height
    out = pl.DataFrame(
        {
            "sent_at": messages.get_column("at"),
            "sender": messages.get_column("sender").scatter(index, special.get_column("sender")),
            "text": messages.get_column("body").scatter(index, special.get_column("text")),
            "kind": pl.repeat(Kind.TEXT.value, n, eager=True).scatter(
                index, special.get_column("kind")
            ),
            "attached": pl.repeat(None, n, dtype=pl.String, eager=True).scatter(
                index, special.get_column("attached")
            ),
            "line": messages.get_column("number"),
        }
    )
    del messages, special
    if preamble.strip(_MARKS + " \n\t"):
        issues.insert(
            sum(1 for i in issues if i.action.endswith("first message")),
            _preamble_issue(preamble),
        )
        head = pl.DataFrame(
            {
                "sent_at": [out.item(0, "sent_at")],
                "sender": [""],
                "text": [preamble.lstrip(_MARKS)],
                "kind": [Kind.SYSTEM.value],
                "attached": [None],
                "line": [1],
            },
            schema=out.schema,
        )
        out = pl.concat([head, out])
    issues.extend(foreign)
    frame = out.select(
        "sent_at",
        pl.lit(None, dtype=pl.Int32).alias("utc_offset_s"),
        "sender",
        "text",
        "kind",
        pl.lit(None, dtype=pl.Boolean).alias("from_me"),
        pl.when(pl.col("attached").is_null())
        .then(pl.lit([], dtype=pl.List(pl.String)))
        .otherwise(pl.concat_list("attached"))
        .alias("attachments"),
        pl.lit(None, dtype=pl.String).alias("reply_to"),
        pl.lit(None, dtype=pl.String).alias("record_id"),
        "line",
        pl.lit(chat, dtype=pl.String).alias("chat"),
    )
    return MessageFrame(frame.cast(pl.Schema(FRAME_SCHEMA)), issues)


def _cut_lines(lines: pl.Series, layout: _Layout) -> pl.DataFrame:
    """Per line: its text, its prefix (null unless it looks like a message start), the
    prefix cut in two at the layout's separator (``date``, ``clock``: what ``_Clock.at`` cuts),
    and the text after the prefix cut at the first ": " (``head``, ``tail``)."""
    name_alone = pl.col("tail").is_null() & pl.col("head").str.ends_with(":")
    stamp = pl.col("prefix").str.splitn(layout.date_time, 2)
    if layout.spaced:  # the joiner may stand inside the date: cut where the clock starts
        stamp = pl.col("prefix").str.extract_groups(
            rf"^(.+?){_DATE_TIME}([^0-9]{{0,3}}[0-9]{{1,2}}[:.][0-9]{{2}}.*)$"
        )
    return (
        pl.LazyFrame({"line": lines})
        .with_columns(pl.col("line").str.extract(_polars_prefix(layout), 0).alias("prefix"))
        .with_columns(
            stamp.struct.rename_fields(["date", "clock"]).alias("stamp"),
            pl.col("line")
            .str.slice(pl.col("prefix").str.len_chars())
            .str.splitn(": ", 2)
            .struct.rename_fields(["head", "tail"])
            .alias("after"),
        )
        .unnest("stamp", "after")
        .with_columns(
            # "Name:" ending the line (its text starts on the next one) is "Name: " and ""
            pl.when(name_alone).then(pl.col("head").str.strip_suffix(":")).otherwise("head"),
            pl.when(name_alone).then(pl.lit("")).otherwise("tail").alias("tail"),
        )
        .collect()
    )


def _times(cut: pl.DataFrame, clock: _Clock) -> pl.Expr:
    """The time each line's prefix shows (null: no prefix, or an impossible date or time).

    Only the distinct dates and clock readings go to Python. A line written with another
    separator than most can leave no clock reading (the separator was found in the trailing
    " - "): ``_Clock.at`` reads those few prefixes whole.
    """
    date, clock_reading, prefix = pl.col("date"), pl.col("clock"), pl.col("prefix")
    dates, readings = (
        found.to_series()
        for found in pl.collect_all(
            [cut.lazy().select(c.drop_nulls().unique()) for c in (date, clock_reading)]
        )
    )
    days = {d: clock.day(d.lstrip(_PREFIX_EDGES)) for d in dates.to_list()}
    times: dict[str, timedelta | None] = {}
    unusual: list[str] = []
    for reading in readings.to_list():
        bare = reading.rstrip(_PREFIX_EDGES)
        if bare:
            times[reading] = clock.time(bare)
        else:
            unusual.append(reading)
    day = date.replace_strict(days, default=None, return_dtype=pl.Datetime("us"))
    time = clock_reading.replace_strict(times, default=None, return_dtype=pl.Duration("us"))
    odd = prefix.is_not_null() & clock_reading.is_null()
    if unusual:
        odd = prefix.is_not_null() & (clock_reading.is_null() | clock_reading.is_in(unusual))
    prefixes = cut.lazy().filter(odd).select(prefix.unique()).collect().to_series().to_list()
    if not prefixes:
        return day + time
    whole = {p: clock.at(p) for p in prefixes}
    return (
        pl.when(odd)
        .then(prefix.replace_strict(whole, default=None, return_dtype=pl.Datetime("us")))
        .otherwise(day + time)
    )


def _gather(
    cut: pl.DataFrame, clock: _Clock, bodies: _Bodies
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """From the cut lines, in one parallel pass: the messages (time, line number, ``raw``: the
    text before ": " or null, ``sender``: the name ``raw`` is or null, ``body``: the first
    line's text, ``marked``: may be a marker or system line); the continuation lines joined
    per message (``msg``, ``more``); the lines before the first message; and the lines that
    look like message starts but whose date or time is impossible."""
    v = bodies.v
    prefix, head, tail = pl.col("prefix"), pl.col("head"), pl.col("tail")
    raws = cut.lazy().filter(prefix.is_not_null() & tail.is_not_null()).select(head.unique())
    senders = {raw: bodies.sender(raw) for raw in raws.collect().to_series().to_list()}
    at = pl.col("at")
    lines = cut.lazy().with_columns(
        _times(cut, clock).alias("at"),
        pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("number"),
    )
    lines = lines.with_columns(at.is_not_null().cum_sum().alias("msg"))
    sender = pl.col("raw").replace_strict(senders, default=None, return_dtype=pl.String)
    messages = (
        lines.filter(at.is_not_null())
        .select(
            "at",
            "number",
            pl.when(tail.is_not_null()).then(head).alias("raw"),
            pl.coalesce(tail, head).alias("body"),
        )
        .with_columns(sender.alias("sender"))
        .with_columns(
            (pl.col("sender").is_null() | pl.col("body").str.contains(_gate(v))).alias("marked")
        )
    )
    more = (
        lines.filter(at.is_null() & (pl.col("msg") > 0))
        .group_by("msg", maintain_order=True)
        .agg(pl.col("line").str.join("\n").alias("more"))
    )
    before = lines.filter(pl.col("msg") == 0).select("line")
    bad = lines.filter(prefix.is_not_null() & at.is_null()).select("number", "prefix", "msg")
    found = pl.collect_all([messages, more, before, bad])
    return found[0], found[1], found[2], found[3]


def _classify(rows: pl.DataFrame, bodies: _Bodies) -> pl.DataFrame:
    """``_Bodies.special`` for many bodies at once: columns ``raw`` (the text before ": ", or
    null), ``sender`` (the name it is, or null) and ``body`` become ``sender``, ``text``,
    ``kind`` and ``attached`` (a file name, or null); ``i`` is kept, row order is not.

    The steps of ``special``/``classify`` in their order; each step sees only the rows no
    earlier step decided, so few rows meet the costly ones. Only a poll's question is cut out
    in Python (polls are rare).
    """
    v = bodies.v
    body, raw, sender = pl.col("body"), pl.col("raw"), pl.col("sender")
    system = sender.is_null()
    # special(): a line without a sender is a system notice (or a call), whole.
    whole = pl.when(raw.is_not_null()).then(pl.concat_str(raw, pl.lit(": "), body)).otherwise(body)
    # classify(): an edit note at the end is cut off, with the marks and one space before it
    # (as one pattern: the leftmost match ending the body is the very cut ``classify`` makes).
    notes = "|".join(pl.escape_regex(m) for m in v.edited)
    note = f" ?{_MARK}*(?:{notes})\\z"
    edited = ~system & body.str.contains(note)
    shortened = body.str.replace(note, "")
    rows = rows.select(
        "i",
        "sender",
        system.alias("system"),
        edited.alias("edited"),
        pl.when(system).then(whole).when(edited).then(shortened).otherwise(body).alias("body"),
    )
    body, system, edited = pl.col("body"), pl.col("system"), pl.col("edited")
    led = body.str.contains(f"^{_MARK}")
    text = pl.when(system | led).then(body.str.strip_chars_start(_MARKS)).otherwise(body)
    rows = rows.with_columns(
        led.alias("led"),
        text.alias("text"),
        text.str.splitn("\n", 2).struct.rename_fields(["first", "rest"]).alias("parts"),
    ).unnest("parts")
    # exact_kind(): the first line, without trailing spaces and marks, is a marker, or a call
    # notice with a suffix when it is the only line.
    first, rest, text, led = pl.col("first"), pl.col("rest"), pl.col("text"), pl.col("led")
    line = first.str.strip_chars_end(_TRAILING)
    exact = line.replace_strict(
        {k: kind.value for k, kind in v.exact.items()}, default=None, return_dtype=pl.String
    )
    calls = "|".join(pl.escape_regex(c) for c in v.calls)
    suffixed_call = rest.is_null() & line.str.contains(f"^(?:{calls})[,.] [^\\n]*\\z")
    call = pl.lit(Kind.CALL.value)
    rows = rows.with_columns(
        pl.when((exact == call) | (exact.is_null() & suffixed_call))
        .then(call)
        .otherwise(exact)
        .alias("kind"),
        rest.fill_null(""),
    )
    kind = pl.col("kind")

    decided: list[pl.DataFrame] = []

    def decide(
        chosen: pl.DataFrame, text: pl.Expr, kind: pl.Expr, attached: pl.Expr | None = None
    ) -> None:
        nobody = system | (kind == Kind.SYSTEM.value)
        sender_out = pl.when(nobody).then(pl.lit("")).otherwise(sender)
        decided.append(
            chosen.select(
                "i",
                sender_out.alias("sender"),
                text.alias("text"),
                kind.alias("kind"),
                (pl.lit(None, dtype=pl.String) if attached is None else attached).alias("attached"),
            )
        )

    # A line without a sender is a call notice or a system notice, whole.
    decide(
        rows.filter(system),
        text,
        pl.when(kind == Kind.CALL.value).then(kind).otherwise(pl.lit(Kind.SYSTEM.value)),
    )
    # A call notice keeps its text (without LRMs); any other marker gives way to its caption.
    decide(
        rows.filter(~system & kind.is_not_null()),
        pl.when(kind == Kind.CALL.value)
        .then(text.str.replace_all(_LRM, "", literal=True))
        .otherwise(rest),
        kind,
    )
    rows = rows.filter(~system & kind.is_null())
    files = _attachments(rows.filter(first.str.ends_with(")") | first.str.ends_with(">")), bodies)
    caption, name = pl.col("caption"), pl.col("name")
    upper = name.str.to_uppercase()
    sticker = (
        upper.str.starts_with("STK-")
        | upper.str.contains("-STICKER-", literal=True)
        | upper.str.ends_with(".WEBP")
    )
    decide(
        files,
        pl.when((caption != "") & (rest != ""))
        .then(pl.concat_str(caption, rest, separator="\n"))
        .when(caption != "")
        .then(caption)
        .otherwise(rest),
        pl.when(sticker).then(pl.lit(Kind.STICKER.value)).otherwise(pl.lit(Kind.MEDIA.value)),
        name,
    )
    rows = rows.join(files.select("i"), on="i", how="anti")

    polls = rows.filter(first.str.strip_chars(_MARKS).is_in(sorted(v.polls)))
    questions = [bodies.poll(r) for r in polls.get_column("rest").to_list()]
    polls = polls.with_columns(pl.Series("question", questions, dtype=pl.String))
    decide(polls, pl.col("question"), pl.lit(Kind.POLL.value))
    rows = rows.join(polls.select("i"), on="i", how="anti")
    located: pl.Expr = pl.lit(None, dtype=pl.String)
    for prefix in reversed(v.location):
        located = (
            pl.when(text.str.starts_with(prefix))
            .then(text.str.slice(len(prefix)))
            .otherwise(located)
        )
    notice = pl.any_horizontal(text.str.starts_with(n) for n in v.notices)
    rows = rows.with_columns(located.alias("located"))
    located = pl.col("located")
    decide(
        rows,
        pl.when(located.is_not_null())
        .then(located)
        .when(notice | (led & ~edited))
        .then(text)
        .otherwise(body),
        pl.when(located.is_not_null())
        .then(pl.lit(Kind.LOCATION.value))
        .when(notice | (led & ~edited))
        .then(pl.lit(Kind.SYSTEM.value))
        .when(edited)
        .then(pl.lit(Kind.EDITED.value))
        .otherwise(pl.lit(Kind.TEXT.value)),
    )
    return pl.concat(decided)


def _attachments(rows: pl.DataFrame, bodies: _Bodies) -> pl.DataFrame:
    """``_Bodies.attachment`` for first lines ending in ")" or ">": the rows that name a file,
    with columns ``name`` and ``caption`` added (marks removed from both)."""
    v = bodies.v
    bare = pl.col("first").str.replace_all(_MARK, "")
    named: pl.Expr = pl.lit(None, dtype=pl.String)
    for suffix in reversed(v.file_attached):
        named = (
            pl.when(bare.str.ends_with(suffix)).then(bare.str.head(-len(suffix))).otherwise(named)
        )
    rows = rows.with_columns(bare.alias("bare"), named.str.strip_chars(" ").alias("name"))
    bare, name = pl.col("bare"), pl.col("name")
    columns = [*rows.drop("bare", "name").columns, "name", "caption"]
    # "NAME (file attached)"; a name with " • " that is no file in the zip is cut there.
    suffixed = rows.filter(name.is_not_null()).with_columns(
        pl.when(~name.is_in(sorted(bodies.names)) & name.str.contains(" • ", literal=True))
        .then(name.str.splitn(" • ", 2).struct.field("field_0").str.strip_chars(" "))
        .otherwise(name)
        .alias("name"),
        pl.lit("").alias("caption"),
    )
    found = [suffixed.select(columns)]
    # "CAPTION <attached: NAME>": the first language's opener that occurs, where it last does.
    untagged = rows.filter(name.is_null() & bare.str.ends_with(">"))
    for opener in v.attached:
        has = bare.str.contains(opener, literal=True)
        tag = bare.str.extract_groups(f"(?s)^(.*){pl.escape_regex(opener)}(.*)>\\z")
        found.append(
            untagged.filter(has)
            .with_columns(tag.struct.rename_fields(["caption", "name"]).alias("tag"))
            .drop("name")
            .unnest("tag")
            .with_columns(name.str.strip_chars(" "), pl.col("caption").str.strip_chars_end(" "))
            .select(columns)
        )
        untagged = untagged.filter(~has)
    return pl.concat(found).filter(name != "")


def _frame_issues(bad: pl.DataFrame, cut: pl.DataFrame, final_newline: bool) -> list[ParseIssue]:
    """Issues for lines that look like a message start but whose date or time is impossible
    (with the text up to the next such line, as ``_rows`` reports them)."""
    if bad.height == 0:
        return []
    looks = cut.get_column("prefix").is_not_null().arg_true().to_list()
    lines = cut.get_column("line")
    issues = []
    for number, prefix, msg in bad.iter_rows():
        index = number - 1
        at = bisect.bisect_right(looks, index)
        after = looks[at] if at < len(looks) else len(lines)
        raw = "\n".join(lines.slice(index, after - index).to_list())
        if after == len(lines) and final_newline:
            raw += "\n"
        issues.append(_impossible(number, prefix, raw, msg > 0))
    return issues
