"""Realistic two-person conversations with known ground truth, written in every export format.

    chat = generate("hot_cold", seed=3, days=180, n_cycles=4)
    export = render(chat, "whatsapp", variant="ios-12h-us")
    export.files        # {relative path: bytes} to write and import
    export.expected     # the messages importing export.main must give back

Each format's renderer is ``pushpull/synth/render/<format>.py`` with ``VARIANTS`` (its layouts,
the first is the default) and ``render(chat, variant) -> Rendered``.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import polars as pl

# Import the renderers' package before ``render`` is defined below: importing a subpackage binds
# its name on the parent, which would otherwise replace the ``render`` function.
import pushpull.synth.render as _renderers  # noqa: F401
from pushpull.synth._chat import GroundTruth, Phase, Rendered, SynthChat
from pushpull.synth._generate import ENCRYPTION_NOTICE, SCENARIOS, Rhythm, generate

__all__ = [
    "ENCRYPTION_NOTICE",
    "FORMATS",
    "SCENARIOS",
    "GroundTruth",
    "Phase",
    "Rendered",
    "Rhythm",
    "SynthChat",
    "as_frame",
    "generate",
    "render",
    "variants",
    "write",
]

#: Formats with a renderer, by the registry name of their importer.
FORMATS = ("whatsapp", "telegram", "signal", "generic", "messenger", "imessage", "sms", "discord")


def _renderer(fmt: str):  # type: ignore[no-untyped-def]
    if fmt not in FORMATS:
        raise ValueError(f"no renderer for {fmt!r}; choose from {', '.join(FORMATS)}")
    return importlib.import_module(f"pushpull.synth.render.{fmt}")


def variants(fmt: str) -> tuple[str, ...]:
    """The layouts ``fmt`` can be rendered in; the first is the default."""
    return tuple(_renderer(fmt).VARIANTS)


def render(chat: SynthChat, fmt: str, variant: str | None = None) -> Rendered:
    """``chat`` written as an export of ``fmt``."""
    module = _renderer(fmt)
    result: Rendered = module.render(chat, variant or module.VARIANTS[0])
    return result


def as_frame(chat: SynthChat) -> pl.DataFrame:
    """The conversation as the frame ``pushpull.analyze`` takes: ts, sender, text, kind, from_me."""
    return pl.DataFrame(
        {
            "ts": [m.sent_at for m in chat.messages],
            "sender": [m.sender for m in chat.messages],
            "text": [m.text for m in chat.messages],
            "kind": [str(m.kind) for m in chat.messages],
            "from_me": [m.sender == chat.me for m in chat.messages],
        },
        schema={
            "ts": pl.Datetime("us"),
            "sender": pl.String,
            "text": pl.String,
            "kind": pl.String,
            "from_me": pl.Boolean,
        },
    )


def write(export: Rendered, folder: Path) -> Path:
    """Write an export's files under ``folder``; return the path of the file to import."""
    for rel, data in export.files.items():
        target = folder / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return folder / export.main
