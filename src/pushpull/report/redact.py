"""Redaction for a report that will be shared: the people's names become "You" and "Partner",
and phone numbers, e-mail addresses, links and street addresses are masked.

    redactor = analysis_redactor(analysis)
    shared = redact_analysis(analysis, redactor)      # every text, label, key and quote
    redactor.text("Sam: call me on +44 7700 900123")  # "Partner: call me on [phone number]"

Names are matched whole and case-blind, both as written and word by word ("Sam Taylor" also
hides "sam" and "Taylor"), so a name that is also a common word is hidden wherever that word
appears: a shared report errs on the side of hiding. Names of other people mentioned in the
messages are not known to pushpull and are not hidden. The word lists (street words, web
domain endings) are data: ``report/data/redaction.json``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pushpull.analysis import Analysis

__all__ = [
    "MASKS",
    "OTHER",
    "PARTNER",
    "YOU",
    "RedactionRules",
    "Redactor",
    "analysis_redactor",
    "load_rules",
    "redact_analysis",
]

YOU = "You"
PARTNER = "Partner"
#: What anyone else who wrote in the conversation is called.
OTHER = "Someone else"
#: What a name shared by both people (a surname) becomes.
SHARED_NAME = "[name]"
MASKS: Mapping[str, str] = {
    "email": "[e-mail]",
    "url": "[link]",
    "phone": "[phone number]",
    "address": "[address]",
}
#: Phone numbers have 7 to 15 digits (E.164 allows at most 15).
PHONE_DIGITS = (7, 15)
#: Name parts shorter than this are not hidden on their own (initials would hide every "a").
MIN_NAME_PART = 2
#: Keys whose strings are identifiers, not text: never rewritten.
_IDENTIFIER_KEYS = frozenset({"id", "kind", "level", "state", "to_state", "family", "unit"})
_CAPITAL = "A-ZÀ-ÖØ-Þ"


@dataclass(frozen=True, slots=True, kw_only=True)
class RedactionRules:
    """The word lists that recognise street addresses and bare web addresses."""

    street_words_after: tuple[str, ...]
    street_words_before: tuple[str, ...]
    address_connectors: tuple[str, ...]
    domain_endings: tuple[str, ...]


@functools.cache
def load_rules() -> RedactionRules:
    """The bundled rules (``report/data/redaction.json``)."""
    text = resources.files("pushpull.report").joinpath("data/redaction.json").read_text("utf-8")
    data = json.loads(text)
    return RedactionRules(
        street_words_after=tuple(data["street_words_after"]),
        street_words_before=tuple(data["street_words_before"]),
        address_connectors=tuple(data["address_connectors"]),
        domain_endings=tuple(data["domain_endings"]),
    )


def _alternation(words: Sequence[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.cache
def _mask_patterns(rules: RedactionRules) -> tuple[tuple[str, re.Pattern[str]], ...]:
    after = _alternation(rules.street_words_after)
    before = _alternation(rules.street_words_before)
    joins = _alternation(rules.address_connectors)
    endings = _alternation(rules.domain_endings)
    capital_word = rf"[{_CAPITAL}][\w'’.-]*"
    number = r"\d{1,5}[A-Za-z]?"
    return (
        ("email", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
        ("url", re.compile(r"(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]]")),
        (
            "url",
            re.compile(
                rf"(?<![\w@.-])[\w-]+(?:\.[\w-]+)*\.(?:{endings})(?:/[^\s<>\"']*[^\s<>\"'.,;:!?)])?"
                r"(?![\w-])",
                re.IGNORECASE,
            ),
        ),
        (
            "phone",
            re.compile(
                r"(?<![\w+])(?:\+|00)?(?:\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?)?"
                r"\d(?:[ ./-]?\d){5,16}(?!\w)"
            ),
        ),
        # "12 Baker Street", "221B Baker St."
        (
            "address",
            re.compile(
                rf"(?<!\w){number},?\s+(?:{capital_word}\s+){{1,3}}(?i:{after})\b\.?",
            ),
        ),
        # "Calle Mayor 5", "via Roma, 10"
        (
            "address",
            re.compile(
                rf"(?<!\w)(?i:{before})\s+{capital_word}(?:\s+(?:{capital_word}|(?i:{joins})))"
                rf"{{0,3}}?,?\s+{number}(?!\w)"
            ),
        ),
        # "12 rue de la Paix"
        (
            "address",
            re.compile(
                rf"(?<!\w){number},?\s+(?i:{before})(?:\s+(?i:{joins}))*\s+{capital_word}"
                rf"(?:\s+{capital_word})*"
            ),
        ),
    )


_DATE = re.compile(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}")


def _is_phone(found: str) -> bool:
    digits = sum(c.isdigit() for c in found)
    low, high = PHONE_DIGITS
    return low <= digits <= high and not _DATE.fullmatch(found)


@dataclass(frozen=True, slots=True)
class _Cut:
    start: int
    end: int
    replacement: str


class Redactor:
    """Rewrites text so it names nobody and gives away no contact details.

    ``names`` maps each real name to what it becomes (``{"Alex": "You", "Sam": "Partner"}``).
    """

    def __init__(self, names: Mapping[str, str], *, rules: RedactionRules | None = None) -> None:
        self.names = dict(names)
        self.rules = rules or load_rules()
        parts: dict[str, str] = {}
        for name, replacement in self.names.items():
            for part in [name, *re.split(r"[^\w'’-]+", name)]:
                part = part.strip()
                if len(part) < MIN_NAME_PART and part != name:
                    continue
                if not part:
                    continue
                key = part.casefold()
                if key in parts and parts[key] != replacement:
                    parts[key] = SHARED_NAME
                else:
                    parts.setdefault(key, replacement)
        self._name_parts = parts
        alternatives = sorted(parts, key=len, reverse=True)
        self._name_pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(p) for p in alternatives) + r")(?!\w)",
                re.IGNORECASE,
            )
            if alternatives
            else None
        )

    def name(self, name: str) -> str:
        """What a sender's name (or a key holding one) becomes."""
        if name in self.names:
            return self.names[name]
        return self.text(name)

    def _cuts(self, text: str) -> list[_Cut]:
        found: list[_Cut] = []
        for kind, pattern in _mask_patterns(self.rules):
            for match in pattern.finditer(text):
                if kind == "phone" and not _is_phone(match.group()):
                    continue
                found.append(_Cut(match.start(), match.end(), MASKS[kind]))
        if self._name_pattern is not None:
            for match in self._name_pattern.finditer(text):
                replacement = self._name_parts[match.group().casefold()]
                found.append(_Cut(match.start(), match.end(), replacement))
        found.sort(key=lambda c: (c.start, -(c.end - c.start)))
        chosen: list[_Cut] = []
        for cut in found:
            if chosen and cut.start < chosen[-1].end:
                continue
            chosen.append(cut)
        return chosen

    def text(self, text: str) -> str:
        """``text`` with names replaced and contact details masked."""
        return self.text_and_spans(text, ())[0]

    def text_and_spans(
        self, text: str, spans: Sequence[tuple[int, int]]
    ) -> tuple[str, list[tuple[int, int]]]:
        """Redact ``text`` and move the character ranges ``spans`` along with it.

        A range that overlaps a replaced stretch grows to cover the whole replacement.
        """
        cuts = self._cuts(text)
        if not cuts:
            return text, [(s, e) for s, e in spans]
        pieces: list[str] = []
        position = 0
        # (old start, old end, new start, new end) of each replaced stretch
        moved: list[tuple[int, int, int, int]] = []
        length = 0
        for cut in cuts:
            kept = text[position : cut.start]
            pieces.append(kept)
            length += len(kept)
            pieces.append(cut.replacement)
            moved.append((cut.start, cut.end, length, length + len(cut.replacement)))
            length += len(cut.replacement)
            position = cut.end
        pieces.append(text[position:])

        def where(old: int, *, is_end: bool) -> int:
            shift = 0
            for old_start, old_end, new_start, new_end in moved:
                if old <= old_start:
                    break
                if old < old_end:
                    return new_end if is_end else new_start
                shift = new_end - old_end
            return old + shift

        new_spans = [(where(s, is_end=False), where(e, is_end=True)) for s, e in spans]
        return "".join(pieces), new_spans


def analysis_redactor(analysis: Analysis, *, others: Sequence[str] = ()) -> Redactor:
    """A redactor for ``analysis``: the user is "You", the partner "Partner", and anyone in
    ``others`` (people who also wrote) "Someone else"."""
    names: dict[str, str] = dict.fromkeys(others, OTHER)
    if analysis.conversation:
        names[analysis.conversation] = PARTNER
    names[analysis.partner] = PARTNER
    names[analysis.me] = YOU
    return Redactor(names)


def _is_quote(value: Mapping[str, Any]) -> bool:
    return {"ref", "at", "sender", "text", "markers"} <= set(value)


def _walk(value: Any, key: str, redactor: Redactor) -> Any:
    if isinstance(value, Mapping):
        if _is_quote(value):
            return _quote(value, redactor)
        return {
            redactor.name(k) if isinstance(k, str) else k: _walk(v, str(k), redactor)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_walk(v, key, redactor) for v in value]
    if isinstance(value, str):
        if key in _IDENTIFIER_KEYS:
            return value
        if key in ("sender", "person", "name", "me", "partner", "pursuer", "withdrawer"):
            return redactor.name(value)
        return redactor.text(value)
    return value


def _quote(quote: Mapping[str, Any], redactor: Redactor) -> dict[str, Any]:
    markers = list(quote["markers"])
    text, spans = redactor.text_and_spans(
        quote["text"], [(int(m["start"]), int(m["end"])) for m in markers]
    )
    return {
        **quote,
        "sender": redactor.name(quote["sender"]),
        "text": text,
        "markers": [{**m, "start": s, "end": e} for m, (s, e) in zip(markers, spans, strict=True)],
    }


def redact_analysis(analysis: Analysis, redactor: Redactor | None = None) -> Analysis:
    """``analysis`` with every name replaced and contact details masked (the safety
    information, which holds no personal data, is kept as it is)."""
    redactor = redactor or analysis_redactor(analysis)
    data = analysis.model_dump(mode="python")
    safety = data.pop("safety")
    walked = _walk(data, "", redactor)
    walked["safety"] = safety
    walked["conversation"] = None if analysis.conversation is None else PARTNER
    return Analysis.model_validate(walked)
