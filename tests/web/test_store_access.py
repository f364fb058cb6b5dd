"""The app's one way into its store: the passphrase held in memory, and a change of encryption
that runs only when nothing else has the store open."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from pushpull.errors import PassphraseNeededError, StoreBusyError, WrongPassphraseError
from pushpull.store import Store, is_encrypted
from pushpull.web._store_access import StoreAccess

PASSPHRASE = "eleven characters"


def test_a_change_refuses_while_the_store_stays_open(tmp_path: Path) -> None:
    access = StoreAccess(tmp_path, wait_s=0.2)
    with access.open(), pytest.raises(StoreBusyError):
        access.encrypt(PASSPHRASE, repeated=PASSPHRASE)
    assert not is_encrypted(tmp_path)


def test_a_change_waits_for_a_short_request_to_end(tmp_path: Path) -> None:
    access = StoreAccess(tmp_path, wait_s=10)
    opened, release = threading.Event(), threading.Event()

    def request() -> None:
        with access.open():
            opened.set()
            release.wait(5)

    reader = threading.Thread(target=request)
    reader.start()
    opened.wait(5)
    threading.Timer(0.3, release.set).start()
    access.encrypt(PASSPHRASE, repeated=PASSPHRASE)  # returns once the request has let go
    reader.join(5)
    assert is_encrypted(tmp_path)
    with access.open() as store:
        assert store.encrypted


def test_requests_wait_while_the_store_is_converted(tmp_path: Path) -> None:
    access = StoreAccess(tmp_path, wait_s=1)
    seen: list[bool] = []

    def request() -> None:
        with access.open() as store:
            seen.append(store.encrypted)

    with access._alone():
        reader = threading.Thread(target=request)
        reader.start()
        reader.join(0.3)
        assert reader.is_alive() and not seen  # held off until the change is over
    reader.join(5)
    assert seen == [False]


def test_lock_and_unlock(tmp_path: Path) -> None:
    Store(tmp_path, passphrase=PASSPHRASE).close()
    access = StoreAccess(tmp_path, wait_s=1)
    assert access.encrypted and not access.unlocked
    with pytest.raises(PassphraseNeededError), access.open():
        pass
    with pytest.raises(WrongPassphraseError):
        access.unlock("eleven characterz")
    access.unlock(PASSPHRASE)
    with access.open() as store:
        assert store.encrypted
    access.lock()
    assert not access.unlocked
    with pytest.raises(PassphraseNeededError), access.open():
        pass


def test_an_unused_store_locks_itself(tmp_path: Path) -> None:
    Store(tmp_path, passphrase=PASSPHRASE).close()
    now = [0.0]
    locked: list[float] = []
    access = StoreAccess(
        tmp_path,
        passphrase=PASSPHRASE,
        wait_s=1,
        idle_lock_s=60,
        on_lock=lambda: locked.append(now[0]),
        clock=lambda: now[0],
    )
    for at in (50.0, 100.0, 159.0):  # each use within a minute of the one before
        now[0] = at
        with access.open():
            pass
    assert access.unlocked and locked == []
    now[0] = 220.0
    with pytest.raises(PassphraseNeededError), access.open():
        pass
    assert not access.unlocked and locked == [220.0]
