"""Import benchmark per format: the same conversation written by every renderer, imported by
pushpull into a new store, each in a fresh process (so peak memory is the import's own).

    make bench                                    # 1,000,000 messages per format
    .venv/bin/python bench/bench_formats.py --messages 100000 --formats telegram,sms

Exports are cached in bench/.cache. Targets (issue 14): every format at 1M messages in under
3 s and 500 MB peak.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import peak_mib, report_checks, run_child
from bench_import import CACHE, compile_pushpull


def make_export(fmt: str, n_messages: int) -> Path:
    """``n_messages`` messages over about five years per million, written as ``fmt``."""
    from pushpull.synth import generate, render, write

    folder = CACHE / f"format-{fmt}-{n_messages}"
    done = folder / "done.json"
    if done.exists():
        return folder / json.loads(done.read_text())["main"]
    days = max(30, round(1825 * n_messages / 1_000_000))
    per_day = n_messages / days * 1.3
    chat = generate("stable", seed=2026, days=days, messages_per_day=per_day)
    while len(chat.messages) < n_messages:
        per_day *= 1.3
        chat = generate("stable", seed=2026, days=days, messages_per_day=per_day)
    chat = dataclasses.replace(chat, messages=chat.messages[:n_messages])
    export = render(chat, fmt)
    shutil.rmtree(folder, ignore_errors=True)
    path = write(export, folder)
    done.write_text(json.dumps({"main": export.main}))
    return path


def child(path: Path, home: Path) -> dict[str, float]:
    started = time.perf_counter()
    from pushpull.store import Store, import_file

    with Store(home) as store:
        result = import_file(store, path)
    return {
        "seconds": time.perf_counter() - started,
        "peak_mib": peak_mib(),
        "messages": result.n_read,
    }


def main() -> int:
    from pushpull.synth import FORMATS

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--child", nargs=2, metavar=("FILE", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(Path(args.child[0]), Path(args.child[1]))))
        return 0
    compile_pushpull()
    checks = []
    print(f"{'format':<12}{'messages':>12}{'file MB':>10}{'seconds':>10}{'peak MiB':>10}")
    for fmt in args.formats.split(","):
        path = make_export(fmt, args.messages)
        size = sum(p.stat().st_size for p in path.parent.rglob("*") if p.is_file()) / 1e6
        with tempfile.TemporaryDirectory() as tmp:
            f = run_child(__file__, str(path), str(Path(tmp) / "home"))
        print(
            f"{fmt:<12}{int(f['messages']):>12,}{size:>10.0f}{f['seconds']:>10.2f}"
            f"{f['peak_mib']:>10.0f}"
        )
        if args.messages >= 1_000_000:
            ok = f["seconds"] < 3 and f["peak_mib"] < 500
            checks.append((f"{fmt} 1M under 3 s and 500 MB", ok))
    return report_checks(checks)


if __name__ == "__main__":
    sys.exit(main())
