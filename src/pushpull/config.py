"""Where pushpull keeps its data (``--home``, else ``PUSHPULL_HOME``, else the user data dir)
and its cache, and how an encrypted store turns a passphrase into its key."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

__all__ = ["CACHE_ENV", "HOME_ENV", "PASSPHRASE_ENV", "EncryptionConfig", "cache_home", "data_home"]

HOME_ENV = "PUSHPULL_HOME"
#: Where compiled lexicons are kept (nothing of the user's: it can be deleted at any time).
CACHE_ENV = "PUSHPULL_CACHE"
#: For scripts and tests only: a passphrase in the environment is visible to this user's
#: processes, so people are asked by a hidden prompt instead.
PASSPHRASE_ENV = "PUSHPULL_PASSPHRASE"


@dataclass(frozen=True, slots=True, kw_only=True)
class EncryptionConfig:
    """scrypt's cost for new encrypted stores (an existing store keeps the cost it was made with,
    recorded next to it)."""

    #: CPU/memory cost: 2**17 with r=8 needs 128 MiB and about half a second per guess.
    scrypt_n: int = 2**17
    #: Block size: scrypt's standard 8.
    scrypt_r: int = 8
    #: Parallelism: 1, since one unlock at a time is the normal case.
    scrypt_p: int = 1
    #: Salt length: 16 random bytes make precomputed tables useless.
    salt_bytes: int = 16
    #: Key length: DuckDB encrypts with AES-256, which takes a 32-byte key.
    key_bytes: int = 32
    #: Shortest new passphrase: under 8 characters, guessing stays cheap even at scrypt's cost.
    min_passphrase_chars: int = 8


def data_home(explicit: Path | None = None) -> Path:
    """The data folder to use, by the precedence in the module docstring."""
    if explicit is not None:
        return explicit.expanduser()
    from_env = os.environ.get(HOME_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_data_dir("pushpull", appauthor=False))


def cache_home() -> Path:
    """The cache folder: ``PUSHPULL_CACHE``, else the user cache dir."""
    from_env = os.environ.get(CACHE_ENV)
    if from_env:
        return Path(from_env).expanduser()
    return Path(platformdirs.user_cache_dir("pushpull", appauthor=False))
