"""Turn what a researcher or the store hands in into the analysis frame.

Accepted: a Polars or pandas frame with ``ts`` (or the store's ``sent_at``), ``sender``,
``text`` and optionally ``kind``, ``from_me`` and ``seq``. System notices and reactions are
set aside (they are not someone writing); everything else is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from pushpull.errors import ParticipantError, UsageError

__all__ = ["Prepared", "parse_day", "prepare"]

#: Kinds that are not a person writing to the other (a draft was never sent).
SET_ASIDE = ("system", "reaction", "draft")


@dataclass(frozen=True, slots=True, kw_only=True)
class Prepared:
    frame: pl.DataFrame  # ts, person, sender, text, kind, ref
    me: str
    partner: str
    first: date
    last: date


def parse_day(value: str | None, *, label: str, hint: str) -> date | None:
    """The day ``value`` names (YYYY-MM-DD), None when empty; UsageError (naming ``label``,
    the flag or box it came from) when it is not a date."""
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise UsageError(f"{label} {value!r} is not a date.", hint=hint) from err


def _as_polars(messages: Any) -> pl.DataFrame:
    if isinstance(messages, pl.DataFrame):
        return messages
    if isinstance(messages, pl.LazyFrame):
        return messages.collect()
    if type(messages).__module__.startswith("pandas"):
        return pl.from_pandas(messages)
    raise UsageError(
        f"pushpull.analyze needs a Polars or pandas DataFrame, not {type(messages).__name__}.",
        hint="Build one with columns ts, sender, text (and optionally kind).",
    )


def prepare(
    messages: Any,
    *,
    me: str | None = None,
    partner: str | None = None,
    since: date | None = None,
    until: date | None = None,
) -> Prepared:
    """The two-person analysis frame, in time order, with ``person`` 0 (me) / 1 (partner)."""
    df = _as_polars(messages)
    if "ts" not in df.columns and "sent_at" in df.columns:
        df = df.rename({"sent_at": "ts"})
    missing = [c for c in ("ts", "sender", "text") if c not in df.columns]
    if missing:
        raise UsageError(
            f"The messages lack the column{'s' if len(missing) > 1 else ''} {', '.join(missing)}.",
            hint="pushpull.analyze needs ts (a datetime), sender and text; kind is optional.",
        )
    ts = df["ts"]
    if isinstance(ts.dtype, pl.Datetime) and ts.dtype.time_zone is not None:
        df = df.with_columns(pl.col("ts").dt.replace_time_zone(None))
    elif not isinstance(ts.dtype, pl.Datetime):
        try:
            df = df.with_columns(pl.col("ts").str.to_datetime())
        except (pl.exceptions.PolarsError, AttributeError) as err:
            raise UsageError(
                "The ts column does not hold dates and times.",
                hint="Give datetimes (or ISO 8601 strings such as 2025-03-01T20:15:00).",
            ) from err
    columns = [
        pl.col("ts").cast(pl.Datetime("us")),
        pl.col("sender").cast(pl.String).fill_null(""),
        pl.col("text").cast(pl.String).fill_null(""),
        (pl.col("kind").cast(pl.String) if "kind" in df.columns else pl.lit("text")).alias("kind"),
        (pl.col("seq").cast(pl.Int64) if "seq" in df.columns else pl.int_range(pl.len())).alias(
            "ref"
        ),
    ]
    if "from_me" in df.columns:
        columns.append(pl.col("from_me").cast(pl.Boolean))
    df = df.select(columns).filter(
        (pl.col("sender") != "") & ~pl.col("kind").is_in(SET_ASIDE) & pl.col("ts").is_not_null()
    )
    df = df.sort("ts", "ref", maintain_order=True)
    if since is not None:
        df = df.filter(pl.col("ts").dt.date() >= since)
    if until is not None:
        df = df.filter(pl.col("ts").dt.date() <= until)
    counts = (
        df.group_by("sender")
        .agg(n=pl.len(), first=pl.col("ts").min())
        .sort(["n", "first"], descending=[True, False])
    )
    senders: list[str] = counts["sender"].to_list()
    if me is None and "from_me" in df.columns:
        mine = df.filter(pl.col("from_me").fill_null(False))["sender"].unique().to_list()
        me = mine[0] if len(mine) == 1 else None
    if me is None and senders:
        me = df["sender"][0]
    if me is None or not senders:
        raise UsageError(
            "There are no messages to analyse in this period.",
            hint="Check --since/--until, or import a conversation with messages in it.",
        )
    if me not in senders:
        raise ParticipantError(me, "these messages", senders)
    others = [s for s in senders if s != me]
    if partner is None:
        if len(others) > 1:
            raise UsageError(
                f"This conversation has {len(senders)} people; pushpull looks at two.",
                hint=f"Name the partner (one of: {', '.join(others[:10])}).",
            )
        partner = others[0] if others else ""
    elif partner not in others:
        raise ParticipantError(partner, "these messages", others)
    frame = df.filter(pl.col("sender").is_in([me, partner])).with_columns(
        person=pl.when(pl.col("sender") == me).then(0).otherwise(1).cast(pl.Int8)
    )
    first: date = frame["ts"].min().date()  # type: ignore[union-attr]
    last: date = frame["ts"].max().date()  # type: ignore[union-attr]
    return Prepared(
        frame=frame.select("ts", "person", "sender", "text", "kind", "ref"),
        me=me,
        partner=partner,
        first=since if since is not None and since < first else first,
        last=until if until is not None and until > last and until <= date.today() else last,
    )
