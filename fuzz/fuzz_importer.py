"""atheris harness: mutated bytes into one importer; only pushpull's own errors may escape.

    FUZZ_FORMAT=telegram .venv/bin/python fuzz/fuzz_importer.py -max_total_time=60
    make fuzz                      # every format, FUZZ_SECONDS each (default 30)

The corpus starts from a small generated export of that format (kept in fuzz/.corpus/<format>,
which git ignores) so the fuzzer begins from valid input and mutates towards the edges. Any
other exception is a crash: atheris stops and writes the input that caused it.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path

import atheris

# Coverage comes from the Python code that reads the input: pushpull itself, zipfile and
# defusedxml. Polars, DuckDB and pyarrow parse in native code; worse, atheris 3.0 rewriting
# Polars' own Python wrappers makes some of them return None (seen with Polars 2.1 on
# Python 3.11), which shows up as crashes that plain Python never has.
with atheris.instrument_imports(include=["pushpull", "zipfile", "defusedxml"]):
    from pushpull.errors import PushPullError
    from pushpull.registry import ExportFile, detect, get_source, read_frame
    from pushpull.synth import FORMATS, generate, render
    from pushpull.testing import read_export

FORMAT = os.environ.get("FUZZ_FORMAT", "whatsapp")
CORPUS = Path(__file__).parent / ".corpus" / FORMAT
WORK = Path(tempfile.mkdtemp(prefix="pushpull-fuzz-"))


def seed_corpus() -> Path:
    """Write a few small exports of ``FORMAT`` as the starting corpus (once)."""
    if FORMAT not in FORMATS:
        raise SystemExit(f"FUZZ_FORMAT must be one of {', '.join(FORMATS)}")
    CORPUS.mkdir(parents=True, exist_ok=True)
    if not any(CORPUS.iterdir()):
        for seed in range(3):
            export = render(generate("hot_cold", seed=seed, days=6), FORMAT)
            (CORPUS / f"seed-{seed}").write_bytes(export.files[export.main])
    return CORPUS


#: The file name this format's own exports use (detection reads content, not names).
export_name = render(generate("stable", seed=0, days=2), FORMAT).main.rsplit("/", 1)[-1]


def test_one(data: bytes) -> None:
    path = WORK / export_name
    path.write_bytes(data)
    # The three ways an import reads a file: message by message, as a frame (the path the store
    # takes), and after detection by content.
    with contextlib.suppress(PushPullError):
        read_export(path, FORMAT)
    with contextlib.suppress(PushPullError):
        read_frame(get_source(FORMAT), ExportFile(path))
    with contextlib.suppress(PushPullError):
        file = ExportFile(path)
        read_frame(detect(file), file)


def main() -> None:
    args = [*sys.argv, str(seed_corpus())]
    atheris.Setup(args, test_one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
