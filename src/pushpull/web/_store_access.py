"""How the app reaches its store: every request and import opens it through one
:class:`StoreAccess`, which holds an encrypted store's passphrase in memory (given on the
unlock page or at launch, dropped by "Lock") and lets encrypting or decrypting run alone."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pushpull.errors import StoreBusyError
from pushpull.store import (
    Store,
    check_new_passphrase,
    decrypt_store,
    encrypt_store,
    forget_keys,
    is_encrypted,
)

__all__ = ["StoreAccess"]


class StoreAccess:
    """Opens the store in ``home``: many at a time, or one change of encryption alone.

    The passphrase is dropped after ``idle_lock_s`` seconds (by ``clock``) in which nothing
    opened the store; ``on_lock`` then runs, as it does on :meth:`lock`, so that whatever was
    read from the store can be dropped too.
    """

    def __init__(
        self,
        home: Path,
        *,
        passphrase: str | None = None,
        wait_s: float,
        idle_lock_s: float | None = None,
        on_lock: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.home = home
        self._passphrase = passphrase
        self._wait_s = wait_s
        self._idle_lock_s = idle_lock_s
        self._on_lock = on_lock
        self._clock = clock
        self._last_open = clock()
        self._changed = threading.Condition()
        self._n_open = 0
        self._changing = False

    @property
    def encrypted(self) -> bool:
        return is_encrypted(self.home)

    @property
    def unlocked(self) -> bool:
        """Whether the passphrase is held (so the page can offer to lock it away)."""
        return self._passphrase is not None

    @contextmanager
    def open(self) -> Iterator[Store]:
        """The store, unlocked when the passphrase is held; it raises PassphraseNeededError
        when the store is encrypted and locked."""
        with self._changed:
            self._changed.wait_for(lambda: not self._changing)
            self._n_open += 1
            idle = self._clock() - self._last_open
            self._last_open = self._clock()
        if self._idle_lock_s is not None and idle > self._idle_lock_s and self.unlocked:
            self.lock()
        try:
            with Store(self.home, passphrase=self._passphrase if self.encrypted else None) as store:
                yield store
        finally:
            with self._changed:
                self._n_open -= 1
                self._changed.notify_all()

    def unlock(self, passphrase: str) -> None:
        """Keep ``passphrase`` once it has opened the store (WrongPassphraseError if not)."""
        with Store(self.home, passphrase=passphrase):
            pass
        self._passphrase = passphrase

    def lock(self) -> None:
        """Drop the passphrase and the keys made from it; the next request asks again."""
        self._passphrase = None
        forget_keys()
        self._on_lock()

    def encrypt(self, passphrase: str, *, repeated: str) -> int:
        """Encrypt the store with a new ``passphrase`` (typed twice); return its message count."""
        check_new_passphrase(passphrase, repeated=repeated)
        with self._alone():
            n = encrypt_store(self.home, passphrase)
            self._passphrase = passphrase
        return n

    def decrypt(self, passphrase: str) -> int:
        """Turn the store back into a plain one, given its passphrase once more."""
        with self._alone():
            n = decrypt_store(self.home, passphrase)
            self._passphrase = None
            forget_keys()
        return n

    @contextmanager
    def _alone(self) -> Iterator[None]:
        """Wait (a little) until nothing has the store open and hold others off meanwhile: a
        conversion replaces the file under them. A long import makes it refuse instead."""
        with self._changed:
            if not self._changed.wait_for(
                lambda: self._n_open == 0 and not self._changing, timeout=self._wait_s
            ):
                raise StoreBusyError(self.home)
            self._changing = True
        try:
            yield
        finally:
            with self._changed:
                self._changing = False
                self._changed.notify_all()
