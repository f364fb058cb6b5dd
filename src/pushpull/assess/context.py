"""What every detector sees: the dynamics, the names, the data sufficiency, and helpers to
measure the partner's distant stretches against the rest and to pick quotes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from pushpull.assess.findings import Quote, Span
from pushpull.assess.sufficiency import DataSufficiency
from pushpull.dynamics import Dynamics, Phase
from pushpull.signals import find_markers

__all__ = ["Context", "Contrast"]

ME, PARTNER = 0, 1


@dataclass(frozen=True, slots=True, kw_only=True)
class Contrast:
    """A quantity during the partner's distant stretches against the other days."""

    distant: float | None
    other: float | None

    @property
    def drop(self) -> float | None:
        """1 - distant / other (0.6 = 60% lower while distant); None when not measurable."""
        if self.distant is None or not self.other:
            return None
        return 1.0 - self.distant / self.other

    @property
    def ratio(self) -> float | None:
        if self.distant is None or not self.other:
            return None
        return self.distant / self.other


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """The inputs of every sign and red flag."""

    dynamics: Dynamics
    me: str
    partner: str
    sufficiency: DataSufficiency
    lang: str = "en"

    # -- the partner's distant stretches -------------------------------------------------

    @property
    def distant_phases(self) -> list[Phase]:
        return [p for p in self.dynamics.phases[PARTNER] if p.state == "distant"]

    def distant_mask(self, person: int = PARTNER) -> pl.Expr:
        """True on the dates inside the partner's distant phases."""
        ranges = [(p.start, p.end) for p in self.distant_phases]
        if not ranges:
            return pl.lit(False)
        return pl.any_horizontal([pl.col("date").is_between(a, b) for a, b in ranges])

    @property
    def distant_share(self) -> float:
        days = (self.dynamics.last - self.dynamics.first).days + 1
        return sum(p.days for p in self.distant_phases) / days if days > 0 else 0.0

    def per_day(self, column: str, person: int = PARTNER) -> Contrast:
        """Mean of a daily column while the partner was distant vs the rest."""
        rows = self.dynamics.series(person).with_columns(_d=self.distant_mask())
        return self._contrast(rows, pl.col(column).cast(pl.Float64).mean())

    def per_message(self, columns: Sequence[str], person: int = PARTNER) -> Contrast:
        """Sum of daily columns per message while the partner was distant vs the rest."""
        rows = self.dynamics.series(person).with_columns(_d=self.distant_mask())
        hits = pl.sum_horizontal([pl.col(c) for c in columns]).sum().cast(pl.Float64)
        rate = hits / pl.col("messages").sum()
        return self._contrast(rows, rate)

    def _contrast(self, rows: pl.DataFrame, expr: pl.Expr) -> Contrast:
        got = rows.group_by("_d").agg(v=expr)
        values: dict[bool, float | None] = {}
        for flag, value in got.iter_rows():
            values[bool(flag)] = None if value is None or np.isnan(value) else float(value)
        return Contrast(distant=values.get(True), other=values.get(False))

    def median_reply(self, person: int = PARTNER) -> Contrast:
        """Median reply delay (seconds) while the partner was distant vs the rest."""
        msgs = self.dynamics.messages.filter(pl.col("person") == person).with_columns(
            date=pl.col("ts").dt.date()
        )
        rows = msgs.with_columns(_d=self.distant_mask())
        return self._contrast(rows, pl.col("reply_s").median())

    # -- counts of marker families -------------------------------------------------------

    def total(self, families: Sequence[str], person: int = PARTNER) -> int:
        rows = self.dynamics.series(person)
        return int(sum(rows[f].sum() for f in families))

    def total_distant(self, families: Sequence[str], person: int = PARTNER) -> int:
        """Hits of ``families`` by ``person`` on the partner's distant days."""
        rows = self.dynamics.series(person).filter(self.distant_mask())
        return int(sum(rows[f].sum() for f in families))

    def more_than_me(self, families: Sequence[str]) -> float:
        """p-value that the partner uses ``families`` more than the user, per message written.

        A one-sided binomial test of the partner's share of all hits against their share of
        all messages: small counts that differ by chance stay unremarkable.
        """
        from scipy.stats import binomtest  # lazily: scipy.stats takes ~0.9 s to import

        theirs, mine = self.total(families), self.total(families, ME)
        n_theirs, n_mine = self.messages(), self.messages(ME)
        if theirs == 0 or n_theirs + n_mine == 0:
            return 1.0
        share = n_theirs / (n_theirs + n_mine)
        return float(binomtest(theirs, theirs + mine, share, alternative="greater").pvalue)

    def more_when_distant(self, families: Sequence[str]) -> float:
        """p-value that the partner uses ``families`` more in distant stretches than otherwise."""
        from scipy.stats import binomtest  # lazily: scipy.stats takes ~0.9 s to import

        rows = self.dynamics.series(PARTNER).with_columns(_d=self.distant_mask())
        hits = rows.select(
            pl.sum_horizontal([pl.col(f) for f in families]).alias("h"), "_d", "messages"
        )
        inside = int(hits.filter(pl.col("_d"))["h"].sum())
        total = int(hits["h"].sum())
        n_inside = int(hits.filter(pl.col("_d"))["messages"].sum())
        n_total = int(hits["messages"].sum())
        if inside == 0 or n_total == 0 or n_inside == n_total:
            return 1.0
        return float(binomtest(inside, total, n_inside / n_total, alternative="greater").pvalue)

    def messages(self, person: int = PARTNER) -> int:
        return int(self.dynamics.series(person)["messages"].sum())

    def rate(self, families: Sequence[str], person: int = PARTNER) -> float:
        """Hits of ``families`` per 100 messages of ``person``."""
        n = self.messages(person)
        return 100.0 * self.total(families, person) / n if n else 0.0

    # -- quotes ---------------------------------------------------------------------------

    def quotes(
        self,
        families: Sequence[str],
        *,
        person: int = PARTNER,
        within: list[Phase] | None = None,
        limit: int = 5,
    ) -> list[Quote]:
        """Up to ``limit`` messages of ``person`` with a hit in ``families``, spread in time."""
        msgs = self.dynamics.messages
        hit = pl.sum_horizontal([pl.col(f"m_{f}") for f in families]) > 0
        rows = msgs.filter((pl.col("person") == person) & hit)
        if within:
            day = pl.col("ts").dt.date()
            rows = rows.filter(pl.any_horizontal([day.is_between(p.start, p.end) for p in within]))
        if rows.height == 0:
            return []
        picks = np.unique(np.linspace(0, rows.height - 1, num=min(limit, rows.height)).round())
        chosen = rows[[int(i) for i in picks]]
        return [self._quote(row, families) for row in chosen.iter_rows(named=True)]

    def _quote(self, row: dict[str, Any], families: Sequence[str]) -> Quote:
        """A message row as a quote, with the spans of its hits in ``families``."""
        text = row["text"] or ""
        spans = [
            Span(family=h.family, start=h.start, end=h.end)
            for h in find_markers(text, self.lang, families)
        ]
        return Quote(
            ref=int(row["ref"]),
            at=row["ts"],
            sender=self.me if row["person"] == ME else self.partner,
            text=text,
            markers=spans,
        )

    def _hurt_rows(self, person: int) -> pl.DataFrame:
        """Messages of ``person`` with hurt, each directly after a message of the other."""
        msgs = self.dynamics.messages
        after_other = pl.col("person").shift(1) == 1 - person
        return msgs.filter((pl.col("person") == person) & (pl.col("m_hurt") > 0) & after_other)

    def hurt_replies(self, person: int) -> int:
        """Times ``person`` answered the other with hurt ("that's not funny", "eso me dolió")."""
        return self._hurt_rows(person).height

    def hurt_quotes(self, limit: int = 3) -> list[Quote]:
        """The partner's message that the user answered with hurt, then the answer."""
        msgs = self.dynamics.messages.with_row_index("_i")
        hurt = self._hurt_rows(ME).join(msgs.select("ref", "_i"), on="ref")["_i"].to_list()
        return [
            self._quote(row, ("hurt",) if row["person"] == ME else ())
            for i in hurt[:limit]
            for row in msgs[int(i) - 1 : int(i) + 1].iter_rows(named=True)
        ]

    def span_of(self, phases: list[Phase]) -> tuple[date | None, date | None]:
        if not phases:
            return None, None
        return min(p.start for p in phases), max(p.end for p in phases)
