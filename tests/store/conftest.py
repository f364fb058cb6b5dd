"""Fixtures for the store's tests."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest


def file_mode(path: Path) -> int:
    """The permission bits of ``path`` (0o600 for owner-only)."""
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask(tmp_path: Path) -> None:
    """Skip unless a new file is readable by others (as under the usual umask 022): when the
    umask already makes every file owner-only, a test of owner-only files cannot fail."""
    probe = tmp_path / "umask-probe"
    probe.touch()
    loose = file_mode(probe) & 0o077
    probe.unlink()
    if not loose:
        pytest.skip("this process's umask already makes new files owner-only")
