"""Compiled lexicons kept on disk, so a start does not re-parse every pattern.

An entry is JSON (regex sources, nothing executable) named after its language, and holds the
key it was built for: a hash of the lexicon file and of the code that compiles it. Any entry
that is missing, unreadable or built for another key is ignored and rebuilt; a cache folder
that cannot be written is simply not used.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path
from types import MappingProxyType
from typing import Any

from pushpull.config import cache_home
from pushpull.signals import _lexicon, _normalise
from pushpull.signals._lexicon import Cues, FamilyRules, Lexicon, Mask, stopwords

__all__ = ["key", "read", "write"]

#: Bumped when the entry's layout changes.
_FORMAT = b"pushpull-lexicon-1"


@functools.cache
def _compiler_bytes() -> bytes:
    parts = []
    for module in (_lexicon, _normalise):
        source = getattr(module, "__file__", None)
        parts.append(Path(source).read_bytes() if source else module.__name__.encode())
    return b"\0".join(parts)


def key(file_bytes: bytes) -> str:
    """The key of a lexicon file's compiled form under this version of the compiler."""
    digest = hashlib.sha256(_FORMAT)
    digest.update(_compiler_bytes())
    digest.update(b"\0")
    digest.update(file_bytes)
    return digest.hexdigest()


def _path(language: str) -> Path:
    return cache_home() / "lexicons" / f"{language}.json"


def _mask(mask: Mask | None) -> dict[str, Any] | None:
    if mask is None:
        return None
    return {"rust": mask.rust, "python": mask.python_source, "keep": list(mask.keep)}


def _cues(cues: Cues | None) -> dict[str, Any] | None:
    return None if cues is None else {"rust": cues.rust, "python": cues.python_source}


def _to_json(lexicon: Lexicon, entry_key: str) -> dict[str, Any]:
    return {
        "key": entry_key,
        "language": lexicon.language,
        "name": lexicon.name,
        "masks": [_mask(m) for m in lexicon.masks],
        "unreported": len(lexicon.unreported_masks),
        "negation": _mask(lexicon.negation),
        "negation_cue": lexicon.negation_cue_source,
        "negation_window": lexicon.negation_window,
        "families": [
            {
                "family": f.family,
                "fixed": _cues(f.fixed),
                "negatable": _cues(f.negatable),
                "exclude": _mask(f.exclude),
                "reported": f.reported,
            }
            for f in lexicon.families
        ],
        "valence": dict(lexicon.valence),
    }


def _read_mask(raw: dict[str, Any]) -> Mask:
    return Mask(rust=raw["rust"], python_source=raw["python"], keep=tuple(raw["keep"]))


def _read_optional_mask(raw: dict[str, Any] | None) -> Mask | None:
    return None if raw is None else _read_mask(raw)


def _read_cues(raw: dict[str, Any] | None) -> Cues | None:
    return None if raw is None else Cues(rust=raw["rust"], python_source=raw["python"])


def _from_json(raw: dict[str, Any]) -> Lexicon:
    masks = tuple(_read_mask(r) for r in raw["masks"])  # a null one is damage: rebuilt
    return Lexicon(
        language=raw["language"],
        name=raw["name"],
        masks=masks,
        unreported_masks=masks[: raw["unreported"]],
        negation=_read_optional_mask(raw["negation"]),
        negation_cue_source=raw["negation_cue"],
        negation_window=int(raw["negation_window"]),
        families=tuple(
            FamilyRules(
                family=f["family"],
                fixed=_read_cues(f["fixed"]),
                negatable=_read_cues(f["negatable"]),
                exclude=_read_optional_mask(f["exclude"]),
                reported=bool(f["reported"]),
            )
            for f in raw["families"]
        ),
        stopwords=stopwords(raw["language"]),
        valence=MappingProxyType({str(k): float(v) for k, v in raw["valence"].items()}),
    )


def read(language: str, entry_key: str) -> Lexicon | None:
    """The cached lexicon of ``language`` if its entry was built for ``entry_key``."""
    try:
        raw = json.loads(_path(language).read_text("utf-8"))
        if raw.get("key") != entry_key or raw.get("language") != language:
            return None
        return _from_json(raw)
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def write(lexicon: Lexicon, entry_key: str) -> None:
    """Keep ``lexicon`` for ``entry_key`` (atomically; silently skipped when not writable)."""
    path = _path(lexicon.language)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".lexicon-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(_to_json(lexicon, entry_key), out, ensure_ascii=False)
            Path(temporary).replace(path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:
        return
