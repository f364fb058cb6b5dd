"""Receiving an upload: the multipart body is streamed straight into a file in the import's
private folder (never spooled to the system's temporary folder), its CSRF field checked before a
byte of the file is written, and its size counted as it arrives."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.exceptions import HTTPException
from starlette.requests import Request

from pushpull.errors import InputError, UsageError
from pushpull.web._imports import safe_file_name

__all__ = ["receive_upload"]

#: The form field that carries the file.
FILE_FIELD = b"file"


@dataclass(slots=True, kw_only=True)
class _Reading:
    """What the parser has seen so far."""

    folder: Path
    csrf: str
    csrf_ok: bool
    field_limit: int
    file_limit: int
    header_field: bytearray = field(default_factory=bytearray)
    header_value: bytearray = field(default_factory=bytearray)
    headers: dict[bytes, bytes] = field(default_factory=dict)
    part_name: bytes = b""
    part_value: bytearray = field(default_factory=bytearray)
    out: IO[bytes] | None = None
    target: Path | None = None
    n_file_bytes: int = 0

    def part_begin(self) -> None:
        self.headers = {}
        self.part_name = b""
        self.part_value = bytearray()

    def header_field_data(self, data: bytes, start: int, end: int) -> None:
        self.header_field += data[start:end]

    def header_value_data(self, data: bytes, start: int, end: int) -> None:
        self.header_value += data[start:end]

    def header_end(self) -> None:
        self.headers[bytes(self.header_field).lower()] = bytes(self.header_value)
        self.header_field = bytearray()
        self.header_value = bytearray()

    def headers_finished(self) -> None:
        _, options = parse_options_header(self.headers.get(b"content-disposition", b""))
        self.part_name = options.get(b"name", b"")
        filename = options.get(b"filename")
        if filename is None or self.part_name != FILE_FIELD:
            return
        if not self.csrf_ok:
            raise HTTPException(403, "The page's security token was missing; reload the page.")
        if self.target is not None:
            raise UsageError("Send one file at a time.", hint="Drop a single export file.")
        self.target = self.folder / safe_file_name(filename.decode("utf-8", "replace"))
        self.out = self.target.open("xb")

    def part_data(self, data: bytes, start: int, end: int) -> None:
        if self.out is not None:
            self.n_file_bytes += end - start
            if self.n_file_bytes > self.file_limit:
                raise HTTPException(
                    413,
                    f"The file is larger than pushpull accepts through the page "
                    f"({self.file_limit // 1024**2:,} MiB). Export the chat without media, or "
                    "import it with `pushpull import` in a terminal.",
                )
            self.out.write(data[start:end])
            return
        self.part_value += data[start:end]
        if len(self.part_value) > self.field_limit:
            raise HTTPException(413, "A form field was larger than pushpull accepts.")

    def part_end(self) -> None:
        if self.out is not None:
            self.out.close()
            self.out = None
        elif self.part_name == b"csrf":
            offered = bytes(self.part_value)
            self.csrf_ok = self.csrf_ok or secrets.compare_digest(offered, self.csrf.encode())


async def receive_upload(
    request: Request, folder: Path, *, csrf: str, max_file_bytes: int, max_field_bytes: int
) -> Path:
    """Write the uploaded file into ``folder`` and return its path. The CSRF token may come as
    the header (checked before) or as the ``csrf`` field that precedes the file in the form."""
    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if not boundary:
        raise UsageError("The page sent no file.", hint="Choose an export file and try again.")
    header = request.headers.get("X-CSRF-Token", "")
    reading = _Reading(
        folder=folder,
        csrf=csrf,
        csrf_ok=secrets.compare_digest(header.encode(), csrf.encode()),
        field_limit=max_field_bytes,
        file_limit=max_file_bytes,
    )
    parser = MultipartParser(
        boundary,
        {
            "on_part_begin": reading.part_begin,
            "on_header_field": reading.header_field_data,
            "on_header_value": reading.header_value_data,
            "on_header_end": reading.header_end,
            "on_headers_finished": reading.headers_finished,
            "on_part_data": reading.part_data,
            "on_part_end": reading.part_end,
        },
    )
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    finally:
        if reading.out is not None:
            reading.out.close()
    if reading.target is None:
        if not reading.csrf_ok:
            raise HTTPException(403, "The page's security token was missing; reload the page.")
        raise InputError("The page sent no file.", hint="Choose an export file and try again.")
    return reading.target
