"""Two pushpull processes on one store: both work, or the second is told that pushpull is open in
another window; the store is never damaged."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from pushpull.config import EncryptionConfig
from pushpull.errors import StoreBusyError
from pushpull.store import KEY_FILE, Store, backup_store, encrypt_store, restore_store

BUSY = "pushpull is open in another window"


def _pushpull(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pushpull", "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def _export(path: Path, sender: str, n: int) -> Path:
    start = datetime(2024, 1, 1)
    lines = [
        f"{start + timedelta(minutes=i):%d/%m/%Y, %H:%M} - {sender if i % 2 else 'Alex'}: hi {i}"
        for i in range(n)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@contextmanager
def _held_by_another_process(home: Path) -> Iterator[None]:
    """The store open in another process (as the web app holds it during a request)."""
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from pushpull.store import Store\n"
            f"store = Store(Path({str(home)!r})); print('open', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdin is not None and holder.stdout is not None
    try:
        assert holder.stdout.readline().strip() == "open"
        yield None
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()


def _count(home: Path) -> int:
    with Store(home) as store:
        [(n,)] = store.con.execute("SELECT count(*) FROM messages").fetchall()
    return int(n)


def test_a_second_process_is_told_the_store_is_busy(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _pushpull(home, "import", str(_export(tmp_path / "Sam.txt", "Sam", 500))).returncode == 0
    with _held_by_another_process(home):
        busy = _pushpull(home, "conversations")
        assert busy.returncode == StoreBusyError.exit_code
        assert BUSY in " ".join(busy.stderr.split())
        with pytest.raises(StoreBusyError, match=BUSY):
            Store(home)
    assert _pushpull(home, "conversations").returncode == 0
    assert _count(home) == 500


_READER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from pushpull.errors import StoreBusyError
    from pushpull.store import Store
    seen = []
    for _ in range(200):  # like the web app: a short open for each request
        try:
            with Store(Path(sys.argv[1])) as store:
                seen.append(store.con.execute("SELECT count(*) FROM messages").fetchone()[0])
        except StoreBusyError:
            seen.append(-1)
    print(*seen)
    """
)


@pytest.mark.slow
def test_imports_and_a_reader_at_once_never_damage_the_store(tmp_path: Path) -> None:
    home = tmp_path / "home"
    Store(home).close()
    sizes = {"Sam": 30_000, "Jo": 20_000}
    exports = [_export(tmp_path / f"{name}.txt", name, n) for name, n in sizes.items()]
    command = [sys.executable, "-m", "pushpull", "--home", str(home), "import"]
    imports = [
        subprocess.Popen([*command, str(p)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for p in exports
    ]
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, str(home)], stdout=subprocess.PIPE, text=True
    )
    pending = []
    for path, child in zip(exports, imports, strict=True):
        _, err = child.communicate(timeout=120)
        if child.returncode != 0:
            assert child.returncode == StoreBusyError.exit_code
            assert BUSY in " ".join(err.decode().split())
            pending.append(path)
    seen_text, _ = reader.communicate(timeout=120)
    assert reader.returncode == 0
    seen = [int(n) for n in seen_text.split()]
    assert set(seen) <= {-1, 0, sizes["Sam"], sizes["Jo"], sum(sizes.values())}
    for path in pending:  # what was refused works once the store is free
        assert _pushpull(home, "import", str(path)).returncode == 0
    assert _count(home) == sum(sizes.values())
    with Store(home) as store:
        per_import = store.con.execute(
            "SELECT i.n_added, (SELECT count(*) FROM messages m WHERE m.import_id = i.id) "
            "FROM imports i ORDER BY i.id"
        ).fetchall()
    assert sorted(per_import) == sorted((n, n) for n in sizes.values())


def test_conversion_and_restore_wait_for_the_other_window(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert _pushpull(home, "import", str(_export(tmp_path / "Sam.txt", "Sam", 500))).returncode == 0
    with Store(home) as store:
        backup_store(store, tmp_path / "backup.tar")
    with _held_by_another_process(home):
        with pytest.raises(StoreBusyError):
            encrypt_store(home, "pw", encryption=EncryptionConfig(scrypt_n=2**10))
        assert not (home / KEY_FILE).exists()
        with pytest.raises(StoreBusyError):
            restore_store(home, tmp_path / "backup.tar", replace=True)
    assert _count(home) == 500
