"""Keys for an encrypted store: scrypt turns the passphrase into DuckDB's AES key.

The salt and scrypt's cost live in a small JSON file next to the database (``KEY_FILE``); they
are not secret, and neither the passphrase nor the key is ever written anywhere. DuckDB writes
encrypted files securely only with its OpenSSL-backed ``httpfs`` extension, which is installed
as a Python package and loaded from its file (nothing is downloaded).
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pushpull.config import EncryptionConfig
from pushpull.errors import EncryptionUnavailableError, StoreError, UsageError

__all__ = [
    "KEY_FILE",
    "KeyHeader",
    "check_new_passphrase",
    "derive_key",
    "forget_keys",
    "is_encrypted",
    "load_encryption_extension",
    "new_header",
    "read_header",
    "write_header",
]

KEY_FILE = "pushpull.encryption.json"
_FORMAT = "pushpull-store-encryption"


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyHeader:
    """What turns a passphrase into the store's key: scrypt's salt and cost."""

    salt: bytes
    scrypt_n: int
    scrypt_r: int
    scrypt_p: int
    key_bytes: int

    def to_json(self) -> dict[str, object]:
        return {
            "format": _FORMAT,
            "version": 1,
            "cipher": "duckdb-aes-256",
            "kdf": "scrypt",
            "salt": self.salt.hex(),
            "n": self.scrypt_n,
            "r": self.scrypt_r,
            "p": self.scrypt_p,
            "key_bytes": self.key_bytes,
        }


def new_header(config: EncryptionConfig | None = None) -> KeyHeader:
    """A header with a fresh random salt and ``config``'s cost."""
    config = config or EncryptionConfig()
    return KeyHeader(
        salt=secrets.token_bytes(config.salt_bytes),
        scrypt_n=config.scrypt_n,
        scrypt_r=config.scrypt_r,
        scrypt_p=config.scrypt_p,
        key_bytes=config.key_bytes,
    )


def is_encrypted(home: Path) -> bool:
    """Whether the store in data folder ``home`` is encrypted (its key file exists)."""
    return (Path(home) / KEY_FILE).exists()


#: What a key file may ask for: scrypt's cost is trusted only inside these bounds, so a damaged
#: or planted file cannot make unlocking take hours or all the memory (n * r * 128 bytes), nor
#: weaken the key with a tiny cost or salt.
SCRYPT_N_RANGE = (2**10, 2**22)
SCRYPT_R_RANGE = (1, 32)
SCRYPT_P_RANGE = (1, 16)
SCRYPT_MAX_MEMORY = 2 * 1024**3
SALT_BYTES_RANGE = (16, 64)
KEY_BYTES_RANGE = (16, 64)


def _check_header(h: KeyHeader) -> None:
    """Raise ValueError when ``h`` asks for settings outside the bounds above."""
    n_lo, n_hi = SCRYPT_N_RANGE
    if not n_lo <= h.scrypt_n <= n_hi or h.scrypt_n & (h.scrypt_n - 1):
        raise ValueError(f"scrypt n = {h.scrypt_n} is not a power of two in {n_lo}..{n_hi}")
    for name, value, (lo, hi) in (
        ("scrypt r", h.scrypt_r, SCRYPT_R_RANGE),
        ("scrypt p", h.scrypt_p, SCRYPT_P_RANGE),
        ("salt length", len(h.salt), SALT_BYTES_RANGE),
        ("key length", h.key_bytes, KEY_BYTES_RANGE),
    ):
        if not lo <= value <= hi:
            raise ValueError(f"{name} = {value} is outside {lo}..{hi}")
    if h.scrypt_n * h.scrypt_r * 128 > SCRYPT_MAX_MEMORY:
        raise ValueError("scrypt's memory cost is above 2 GiB")


def read_header(path: Path) -> KeyHeader:
    """The header in the key file at ``path``."""
    try:
        data = json.loads(path.read_text("utf-8"))
        if data.get("format") != _FORMAT or data.get("kdf") != "scrypt":
            raise ValueError("not a pushpull key file")
        header = KeyHeader(
            salt=bytes.fromhex(data["salt"]),
            scrypt_n=int(data["n"]),
            scrypt_r=int(data["r"]),
            scrypt_p=int(data["p"]),
            key_bytes=int(data["key_bytes"]),
        )
        _check_header(header)
        return header
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise StoreError(
            f"pushpull cannot read {path}, which an encrypted store needs ({exc}).",
            hint="Without it the data cannot be unlocked; restore it from a backup.",
        ) from exc


def write_header(path: Path, header: KeyHeader) -> None:
    """Write the key file atomically, readable only by this user."""
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(header.to_json(), f, indent=2)
        f.write("\n")
        f.flush()
        os.fsync(f.fileno())
    partial.replace(path)


def check_new_passphrase(
    passphrase: str, *, repeated: str | None = None, config: EncryptionConfig | None = None
) -> None:
    """Raise UsageError unless ``passphrase`` may protect a store (and equals ``repeated``, the
    second typing of it, when given)."""
    config = config or EncryptionConfig()
    if repeated is not None and not hmac.compare_digest(
        passphrase.encode("utf-8"), repeated.encode("utf-8")
    ):
        raise UsageError(
            "The two passphrases differ.", hint="Type the same passphrase in both boxes."
        )
    if len(passphrase) < config.min_passphrase_chars:
        raise UsageError(
            f"A passphrase needs at least {config.min_passphrase_chars} characters.",
            hint="A few ordinary words with spaces between them are long and easy to remember.",
        )


def derive_key(passphrase: str, header: KeyHeader) -> str:
    """The store's key, as the hex text DuckDB's ``ENCRYPTION_KEY`` takes."""
    return _derive(
        passphrase, header.salt, header.scrypt_n, header.scrypt_r, header.scrypt_p, header.key_bytes
    )


# A few recent keys, so that the web app's many short Store openings derive once.
@functools.lru_cache(maxsize=4)
def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int, key_bytes: int) -> str:
    key = hashlib.scrypt(
        passphrase.encode("utf-8"),
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=256 * r * n * p + (1 << 20),
        dklen=key_bytes,
    )
    return key.hex()


def forget_keys() -> None:
    """Drop the keys kept for quick reopening (when the app is locked or a store decrypted)."""
    _derive.cache_clear()


def _extension_file() -> Path | None:
    try:
        import duckdb_extension_httpfs  # type: ignore[import-untyped, unused-ignore]
    except ImportError:
        return None
    folder = Path(duckdb_extension_httpfs.__file__).parent / "extensions"
    wanted = folder / f"v{duckdb.__version__}" / "httpfs.duckdb_extension"
    if wanted.is_file():
        return wanted
    return next(iter(sorted(folder.glob("*/httpfs.duckdb_extension"))), None)


def load_encryption_extension(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckDB's OpenSSL-backed extension from its installed file, or raise."""
    path = _extension_file()
    if path is None:
        raise EncryptionUnavailableError()
    try:
        con.execute(f"LOAD '{str(path).replace(chr(39), chr(39) * 2)}'")
    except duckdb.Error as exc:
        raise EncryptionUnavailableError() from exc
