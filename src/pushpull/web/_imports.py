"""Imports started from the page: the upload is saved in a private temporary folder, imported
in a background thread whose progress the page polls, and removed afterwards."""

from __future__ import annotations

import re
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pushpull.errors import PushPullError
from pushpull.store import ImportResult, Store, import_file

__all__ = ["UPLOADS_FOLDER", "ImportJob", "ImportJobs", "safe_file_name"]

#: The folder under the data home that uploads stream into while they are imported.
UPLOADS_FOLDER = "uploads"
JobState = Literal["running", "done", "failed"]
_UNSAFE = re.compile(r"[^\w .,()+&'@-]+")
#: Longest file name kept (most file systems allow 255 bytes).
_MAX_NAME = 120


def safe_file_name(name: str | None) -> str:
    """The last part of an uploaded file's name, with anything odd replaced: the name matters
    (WhatsApp exports carry the chat's title in it), the folders it claims do not."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    if not base:
        return "export"
    if len(base) > _MAX_NAME:
        stem, dot, suffix = base.rpartition(".")
        base = (stem[: _MAX_NAME - len(suffix) - 1] + dot + suffix) if dot else base[:_MAX_NAME]
    return base


@dataclass(slots=True, kw_only=True)
class ImportJob:
    """One import: how far it got, and what came of it."""

    id: str
    file_name: str
    total_bytes: int
    done_bytes: int = 0
    state: JobState = "running"
    result: ImportResult | None = None
    error: PushPullError | None = None
    finished: threading.Event = field(default_factory=threading.Event)

    def advance(self, n: int) -> None:
        self.done_bytes = min(self.total_bytes, self.done_bytes + n)

    @property
    def share_done(self) -> float:
        return self.done_bytes / self.total_bytes if self.total_bytes else 0.0


class ImportJobs:
    """Imports into the store opened by ``open_store`` (in data folder ``home``), each in its
    own thread."""

    def __init__(
        self, home: Path, *, keep: int, open_store: Callable[[], AbstractContextManager[Store]]
    ) -> None:
        self.home = home
        self._open_store = open_store
        self.keep = keep
        self._jobs: OrderedDict[str, ImportJob] = OrderedDict()
        self._lock = threading.Lock()

    def private_folder(self) -> Path:
        """A new folder for one upload, only this user can read (``mkdtemp`` makes it 0700),
        under the data home (``uploads/``, 0700 too), not in the shared system temp folder."""
        root = self.home / UPLOADS_FOLDER
        root.mkdir(mode=0o700, parents=True, exist_ok=True)
        root.chmod(0o700)
        return Path(tempfile.mkdtemp(prefix="pushpull-upload-", dir=root))

    def start(self, folder: Path, path: Path) -> ImportJob:
        """Import ``path`` (inside ``folder``, which is removed when the import ends)."""
        job = ImportJob(
            id=secrets.token_urlsafe(12), file_name=path.name, total_bytes=path.stat().st_size
        )
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                oldest = next(iter(self._jobs))
                if not self._jobs[oldest].finished.is_set():
                    break
                del self._jobs[oldest]
        thread = threading.Thread(
            target=self._run, args=(job, folder, path), name=f"import-{job.id}", daemon=True
        )
        thread.start()
        return job

    def get(self, job_id: str) -> ImportJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def running(self) -> bool:
        """Whether an import has not finished yet."""
        with self._lock:
            return any(not job.finished.is_set() for job in self._jobs.values())

    def _run(self, job: ImportJob, folder: Path, path: Path) -> None:
        try:
            with self._open_store() as store:
                job.result = import_file(store, path, on_bytes=job.advance)
            job.done_bytes = job.total_bytes
            job.state = "done"
        except PushPullError as error:
            job.error = error
            job.state = "failed"
        except Exception as error:  # an importer's bug must not take the server down
            job.error = PushPullError(
                f"Something unexpected went wrong while reading {job.file_name} "
                f"({type(error).__name__}).",
                hint="Nothing was imported. If it happens again, please report it.",
            )
            job.state = "failed"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
            job.finished.set()
