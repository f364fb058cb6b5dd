"""Layouts: the date style a file uses (or that it mixes several), the day/month order, the
prefix patterns both reading paths use, and the clock that turns a prefix into a time."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

import polars as pl

from pushpull.model import ParseIssue
from pushpull.sources.whatsapp._words import (
    _DATE_TIME,
    _GAP,
    _MARK,
    _PREFIX_EDGES,
    _UNSEEN,
    _YEAR_END,
    _token,
    _vocabulary,
)


@cache
def _general() -> re.Pattern[str]:
    """Any WhatsApp message prefix (either layout), for sniffing and reading the layout."""
    return re.compile(
        rf"^{_MARK}*(\[)?(\d{{1,4}})([./-]) ?(\d{{1,2}})\3 ?(\d{{2,4}}|\d(?!\d)){_YEAR_END}"
        rf"({_DATE_TIME})(?:{_vocabulary().before_pattern})?"
        rf"(\d{{1,2}})[:.](\d{{2}})(?:[:.](\d{{2}}))?(?:{_GAP}?({_vocabulary().ampm_pattern}))?"
        # Android: " - "; old Android exports: ": " straight after the seconds
        r"\.?(?(1)\] |(?: [-–] |(?<=\d[:.]\d\d[:.]\d\d): ))",
        re.MULTILINE,
    )


@dataclass(frozen=True, slots=True)
class _Layout:
    ios: bool
    sep: str
    #: "dmy", "mdy" or "ymd".
    order: str
    #: True when the clock shows upper-case AM/PM somewhere in the sample (the US layout).
    us_clock: bool
    #: What stands between date and time on most lines (", ", " ", " à ").
    date_time: str = ", "
    #: Digits of the year on most lines (2 or 4; None: either): a phone writes every date of
    #: an export alike, so a line with the other width is text someone pasted or typed.
    year_digits: int | None = None
    #: No style covers most lines (chats exported on different phones joined in one file):
    #: every line in any style starts a message (``_mixed_rows``).
    mixed: bool = False
    #: Spaces inside the date ("4. 1. 2023", "2023. 01. 04."): date and clock are then cut
    #: apart by pattern, not at the first joiner.
    spaced: bool = False
    #: Old Android exports end the prefix with ": " after the seconds ("19:00:07: Name: …").
    colon_end: bool = False


#: The share of message lines the commonest style must cover for the rest to count as text.
_DOMINANT_SHARE = 0.75


#: A style: bracketed (iOS), date separator, year first, year digits. (What stands between
#: date and time varies within one export, and is not part of it.)
_StyleKey = tuple[bool, str, bool, int]


def _style_of(m: re.Match[str]) -> _StyleKey:
    first, last = m.group(2), m.group(5)
    # Korean phones write a two-digit year first, with a dot after each field: "23. 1. 4."
    short_year_first = (
        len(first) == 2 and len(last) <= 2 and m.string[m.end(5) : m.end(5) + 1] == "."
    )
    year_first = len(first) == 4 or short_year_first
    digits = len(first) if year_first else len(last)
    return (m.group(1) is not None, m.group(3), year_first, digits)


def _layout_for(
    key: _StyleKey,
    us_clock: bool,
    *,
    date_time: str = ", ",
    mixed: bool = False,
    spaced: bool = False,
    colon_end: bool = False,
) -> _Layout:
    ios, sep, year_first, digits = key
    return _Layout(
        ios=ios,
        sep=sep,
        order="ymd" if year_first else "",
        us_clock=us_clock,
        date_time=date_time,
        year_digits=digits,
        mixed=mixed,
        spaced=spaced,
        colon_end=colon_end,
    )


def _read_layout(sample: str) -> _Layout | None:
    """The layout most message prefixes in ``sample`` use, or None when none is there."""
    votes: dict[_StyleKey, int] = {}
    joins: dict[tuple[_StyleKey, str], int] = {}
    spaced: set[_StyleKey] = set()
    colons: dict[_StyleKey, int] = {}
    us_clock = False
    for n, m in enumerate(_general().finditer(sample)):
        key = _style_of(m)
        votes[key] = votes.get(key, 0) + 1
        if m.group(3) + " " in m.group(0):
            spaced.add(key)
        if m.group(1) is None and m.group(0).endswith(": "):
            colons[key] = colons.get(key, 0) + 1
        joins[key, m.group(6)] = joins.get((key, m.group(6)), 0) + 1
        ampm = m.group(10)
        if ampm and ampm[0] in "AP":
            us_clock = True
        if n >= 2000:
            break
    if not votes:
        return None
    top = max(votes, key=lambda k: votes[k])
    date_time = max((j for j in joins if j[0] == top), key=lambda j: joins[j])[1]
    total = sum(votes.values())
    mixed = total >= 3 and votes[top] < _DOMINANT_SHARE * total
    return _layout_for(
        top,
        us_clock,
        date_time=date_time,
        mixed=mixed,
        spaced=top in spaced,
        colon_end=2 * colons.get(top, 0) > votes[top],
    )


#: The year and the clock up to its minutes, as the date order is decided on them (ASCII
#: digits: a line counts before any of it is parsed).
_ORDER_YEAR = "[0-9]{2,4}"


_ORDER_CLOCK = _YEAR_END + _DATE_TIME + "[^0-9]{0,3}[0-9]{1,2}[:.][0-9][0-9]"


#: A day (never a month): 13 to 31.
_BIG = "(?:1[3-9]|2[0-9]|3[01])"


def _decide_order(lines: pl.Series, layout: _Layout) -> tuple[str, bool]:
    """Day-first ("dmy") or month-first ("mdy") for the whole file (see the module docstring),
    and whether the file itself says so (a day above 12 somewhere).

    Both counts run at once over the line column; only a file whose every date field is 12 or
    less goes on to the (rarer, slower) check of which order keeps the dates from running
    backwards.
    """
    s = pl.escape_regex(layout.sep)
    lead = f"^{_MARK}*" + (r"\[" if layout.ios else "")
    s += " ?"  # "4. 1. 2023"
    day = f"{lead}{_BIG}{s}[0-9]{{1,2}}{s}{_ORDER_YEAR}{_ORDER_CLOCK}"
    month = f"{lead}[0-9]{{1,2}}{s}{_BIG}{s}{_ORDER_YEAR}{_ORDER_CLOCK}"
    line = pl.col("line")
    counts = (
        lines.to_frame("line")
        .select(line.str.contains(day).sum(), line.str.contains(month).sum().alias("month"))
        .row(0)
    )
    n_dmy, n_mdy = int(counts[0] or 0), int(counts[1] or 0)
    if n_dmy or n_mdy:
        return ("dmy" if n_dmy >= n_mdy else "mdy"), True
    found = (
        lines.str.extract_groups(
            f"{lead}([0-9]{{1,2}}){s}([0-9]{{1,2}}){s}({_ORDER_YEAR}){_ORDER_CLOCK}"
        )
        .struct.rename_fields(["a", "b", "y"])
        .struct.unnest()
        .drop_nulls()
    )
    # Each change of date (as written) counts as running backwards under an order when the
    # new date sorts before the previous one under it.
    ints = [pl.col(c).cast(pl.Int64) for c in ("a", "b", "y")]
    a1, b1, y1 = ints
    a0, b0, y0 = (c.shift(1) for c in ints)
    changed = pl.any_horizontal(pl.col(c) != pl.col(c).shift(1) for c in ("a", "b", "y"))

    def earlier(x1: pl.Expr, x0: pl.Expr, z1: pl.Expr, z0: pl.Expr) -> pl.Expr:
        """(y1, x1, z1) < (y0, x0, z0)."""
        return (y1 < y0) | ((y1 == y0) & ((x1 < x0) | ((x1 == x0) & (z1 < z0))))

    back = found.select(
        (changed & earlier(b1, b0, a1, a0)).sum().alias("dmy"),
        (changed & earlier(a1, a0, b1, b0)).sum().alias("mdy"),
    ).row(0)
    back_dmy, back_mdy = int(back[0] or 0), int(back[1] or 0)
    if back_dmy != back_mdy:
        return ("dmy" if back_dmy < back_mdy else "mdy"), False
    return ("mdy" if layout.us_clock else "dmy"), False


_ORDER_WORDS = {"dmy": "day/month", "mdy": "month/day"}


def _order_of(
    lines: pl.Series, layout: _Layout, chosen: str | None
) -> tuple[str, list[ParseIssue]]:
    """The date order (``chosen``, from the ``date_order`` option, wins) and, when the file
    itself cannot tell day from month (no day above 12 anywhere), a warning saying which
    order was assumed and how to choose the other."""
    if layout.order:
        return layout.order, []
    if chosen in _ORDER_WORDS:
        return chosen, []
    order, certain = _decide_order(lines, layout)
    if certain:
        return order, []
    other = "mdy" if order == "dmy" else "dmy"
    return order, [
        ParseIssue(
            line=None,
            reason="no date in the file has a day above 12, so day and month cannot be told "
            f"apart; pushpull read the dates as {_ORDER_WORDS[order]}",
            action=f"read as {_ORDER_WORDS[order]}; if the dates look wrong, import it again "
            f"with the option date_order={other} (pushpull import --date-order {other})",
        )
    ]


def _stamp_pattern(layout: _Layout, *, capture: bool = True) -> str:
    """Date, separator and clock of this layout, as groups (date) and (clock) if ``capture``."""
    s = re.escape(layout.sep)
    s += " ?"  # "4. 1. 2023", "2023. 01. 04."
    if layout.order == "ymd":
        date = rf"\d{{{layout.year_digits or 4}}}{s}\d{{1,2}}{s}\d{{1,2}}{_YEAR_END}"
    else:
        year = f"{{{layout.year_digits}}}" if layout.year_digits else "{2,4}"
        date = rf"\d{{1,2}}{s}\d{{1,2}}{s}\d{year}{_YEAR_END}"
    # The lookahead makes a 24 h clock (no AM/PM) fail fast instead of trying every token.
    ampm = rf"(?:{_GAP}?(?=[{_vocabulary().ampm_initials}]){_vocabulary().ampm_pattern})?"
    # some phones put a dot after the time ("13:34. - Name: ...")
    before = f"(?:{_vocabulary().before_pattern})?"
    clock = rf"{before}\d{{1,2}}[:.]\d{{2}}(?:[:.]\d{{2}})?{ampm}\.?"
    group = "(" if capture else "(?:"
    return rf"{group}{date}){_DATE_TIME}{group}{clock})"


def _line_pattern(layout: _Layout) -> re.Pattern[str]:
    """A newline and the prefix of the message after it: groups (prefix) and (sender).

    Splitting a chunk (that starts with "\\n") on this gives the text before the first message,
    then prefix, sender (None for a system line) and body of each message in turn.
    """
    stamp = _stamp_pattern(layout, capture=False)
    stamp = rf"\[{stamp}\] " if layout.ios else stamp + _end(layout)
    # "Name: text", or "Name:" ending the line when the text starts on the next one
    return re.compile(rf"\n({_MARK}*{stamp})(?:([^\n]*?):(?: |(?=\n|\Z)))?")


_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(.*)", re.DOTALL)


#: A prefix whose date has spaces, cut at the joiner that the clock follows.
_SPACED_CUT = re.compile(rf"(.+?)({_DATE_TIME})(\D{{0,3}}\d{{1,2}}[:.]\d{{2}}.*)", re.DOTALL)


class _Clock:
    """Timestamp parsing with caches per distinct date and clock reading."""

    def __init__(self, layout: _Layout, order: str) -> None:
        self.sep = layout.sep
        self.date_time = layout.date_time
        self.spaced = layout.spaced
        self.order = order
        self.days: dict[str, datetime | None] = {}
        self.times: dict[str, timedelta | None] = {}
        self.ampm = _vocabulary().ampm
        self.before = _vocabulary().before
        self.before_initials = frozenset(w[0] for w in self.before)

    def day(self, text: str) -> datetime | None:
        text = text.removesuffix("г.").rstrip(" .\u00a0\u202f")  # "4. 1. 2023.", "4.01.23 г."
        try:
            a, b, c = (int(p) for p in text.split(self.sep))
            if self.order == "ymd":
                y, mo, d = a, b, c
            elif self.order == "mdy":
                mo, d, y = a, b, c
            else:
                d, mo, y = a, b, c
            if y < 100:
                y += 2000
            return datetime(y, mo, d)
        except ValueError:
            return None

    def time(self, text: str) -> timedelta | None:
        ahead = None  # an AM/PM word before the clock ("下午7:00", "오후 7:00")
        if text[:1] in self.before_initials:
            word = next((w for w in self.before if text.startswith(w)), None)
            if word is not None:
                ahead, text = self.before[word], text[len(word) :].lstrip(" ")
        m = _CLOCK.match(text)
        if m is None:
            return None
        h, mi, s = int(m.group(1)), int(m.group(2)), int(m.group(3) or 0)
        token = _token(m.group(4))
        if ahead is not None:
            if token.strip("."):
                return None
            token = "pm" if ahead else "am"
        if token.endswith(".") and token not in self.ampm:  # "13:34." or "1:34 p.m.."
            token = token[:-1]
        if token:
            pm = self.ampm.get(token)
            # Some phones write midnight as "00:08 a. m." rather than "12:08 a. m.".
            if pm is None or not 0 <= h <= 12 or (h == 0 and pm):
                return None
            h = h % 12 + (12 if pm else 0)
        if h > 23 or mi > 59 or s > 59:
            return None
        return timedelta(hours=h, minutes=mi, seconds=s)

    def at(self, prefix: str) -> datetime | None:
        """The time a message prefix shows, or None when its date or time is impossible.

        Called once per distinct prefix (a million times for a large export), so it cuts the
        prefix with string methods and looks the date and the clock reading up in caches.
        """
        core = prefix.strip(_PREFIX_EDGES)
        if self.spaced:  # the joiner may also stand inside the date: cut before the clock
            parts = _SPACED_CUT.match(core)
            date, found, clock = (parts[1], parts[2], parts[3]) if parts else ("", "", "")
        else:
            date, found, clock = core.partition(self.date_time)
        if not found:  # a line with another separator than most
            cut = core.find(" ")
            comma = core.find(",", 0, cut)
            if comma >= 0:
                cut = comma
            if cut < 0:
                return None
            date, clock = core[:cut], core[cut:].lstrip(", à")
        d = self.days.get(date, _UNSEEN)
        if d is _UNSEEN:
            d = self.days[date] = self.day(date)
        t = self.times.get(clock, _UNSEEN)
        if t is _UNSEEN:
            t = self.times[clock] = self.time(clock)
        if isinstance(d, datetime) and isinstance(t, timedelta):
            return d + t
        return None


def _polars_prefix(layout: _Layout) -> str:
    """``_line_pattern``'s prefix for one line in Polars, without groups: the regex engine finds
    a match without captures several times faster (and Rust's regex has no lookaround)."""
    ampm = f"(?=[{_vocabulary().ampm_initials}])"
    stamp = _stamp_pattern(layout, capture=False).replace(ampm, "")
    stamp = rf"\[{stamp}\] " if layout.ios else stamp + _end(layout)
    return rf"^{_MARK}*{stamp}"


def _end(layout: _Layout) -> str:
    """What ends an Android prefix: " - " (or an en dash), or ": " in old exports."""
    return ": " if layout.colon_end else " [-–] "
