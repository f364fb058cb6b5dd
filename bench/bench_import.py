"""Import benchmark: pushpull vs whatstk and chat-miner on one synthetic WhatsApp export.

    make bench                                   # 1,000,000 messages (about 5 years)
    .venv/bin/python bench/bench_import.py --messages 100000
    .venv/bin/python bench/bench_import.py --peers whatstk   # leave chat-miner out (40 s)

Each tool runs in its own fresh Python process (so peak memory is its own), on the same file, in
the same run; each figure includes importing the tool. pushpull's figure is the whole import
into a new store (detect, parse, write, commit); the peers' figure is parsing into their
DataFrame. Targets (issue 2): pushpull at least 5x faster than the faster peer, lower peak
memory than both, under 15 s; re-import under 2 s.

The peers run from site-packages, compiled to bytecode when they were installed; pushpull is
installed editable, so under PYTHONDONTWRITEBYTECODE it would compile its modules in every run
(about 0.04 s). The benchmark first writes pushpull's bytecode, as installing it would.
"""

from __future__ import annotations

import argparse
import compileall
import dataclasses
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from _common import peak_mib, report_checks, run_child

CACHE = Path(__file__).parent / ".cache"
VARIANT = "android-24h-dmy"
#: The header format of that variant, in whatstk's notation.
WHATSTK_HFORMAT = "%d/%m/%Y, %H:%M - %name:"
PEERS = ("whatstk", "chat-miner")


def make_export(n_messages: int) -> Path:
    """A WhatsApp Android export of about ``n_messages`` messages (cached between runs)."""
    from pushpull.synth import generate, render, write

    folder = CACHE / f"whatsapp-{VARIANT}-{n_messages}"
    done = folder / "done.json"
    if done.exists():
        return folder / json.loads(done.read_text())["main"]
    days = max(30, round(1825 * n_messages / 1_000_000))
    # The generator's volume is approximate: ask for plenty, then keep exactly n_messages.
    per_day = n_messages / days * 1.3
    chat = generate("stable", seed=2026, days=days, messages_per_day=per_day)
    while len(chat.messages) < n_messages:
        per_day *= 1.3
        chat = generate("stable", seed=2026, days=days, messages_per_day=per_day)
    chat = dataclasses.replace(chat, messages=chat.messages[:n_messages])
    export = render(chat, "whatsapp", VARIANT)
    shutil.rmtree(folder, ignore_errors=True)
    path = write(export, folder)
    done.write_text(json.dumps({"main": export.main, "messages": len(export.expected)}))
    return path


def compile_pushpull() -> None:
    """Write pushpull's bytecode next to its sources (ignored by git), as an install would."""
    import pushpull

    compileall.compile_dir(Path(pushpull.__file__).parent, quiet=2)


def child(tool: str, path: Path, home: Path) -> dict[str, float]:
    """Run one tool once in this process; return its figures."""
    started = time.perf_counter()
    if tool == "pushpull":
        from pushpull.store import Store, import_file

        with Store(home) as store:
            result = import_file(store, path)
        n = result.n_read
    elif tool == "whatstk":
        from whatstk import WhatsAppChat

        n = len(WhatsAppChat.from_source(filepath=str(path), hformat=WHATSTK_HFORMAT).df)
    elif tool == "chat-miner":
        from chatminer.chatparsers import WhatsAppParser

        parser = WhatsAppParser(str(path))
        parser.parse_file()
        n = len(parser.parsed_messages.get_df())
    else:
        raise SystemExit(f"unknown tool {tool}")
    return {"seconds": time.perf_counter() - started, "peak_mib": peak_mib(), "messages": n}


def measure(tool: str, path: Path, home: Path) -> dict[str, float]:
    return run_child(__file__, tool, str(path), str(home))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--skip-peers", action="store_true", help="measure pushpull only")
    parser.add_argument(
        "--peers",
        default=",".join(PEERS),
        help=f"comma-separated peers to measure (default: {','.join(PEERS)})",
    )
    parser.add_argument(
        "--child", nargs=3, metavar=("TOOL", "FILE", "HOME"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.child:
        tool, path, home = args.child
        print(json.dumps(child(tool, Path(path), Path(home))))
        return 0

    path = make_export(args.messages)
    compile_pushpull()
    size_mb = path.stat().st_size / 1e6
    print(f"File: {path.name}, {size_mb:.1f} MB ({args.messages:,} messages requested)")
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        ours = measure("pushpull", path, home)
        again = measure("pushpull", path, home)
    chosen = [] if args.skip_peers else [p for p in args.peers.split(",") if p]
    unknown = set(chosen) - set(PEERS)
    if unknown:
        raise SystemExit(f"unknown peers: {', '.join(sorted(unknown))}")
    peers = {name: measure(name, path, Path(tempfile.gettempdir())) for name in chosen}

    print(f"\n{'tool':<22}{'messages':>12}{'seconds':>10}{'peak MiB':>10}")
    rows = [("pushpull import", ours), ("pushpull re-import", again)]
    rows += [(f"{name} parse", figures) for name, figures in peers.items()]
    for label, f in rows:
        print(f"{label:<22}{int(f['messages']):>12,}{f['seconds']:>10.2f}{f['peak_mib']:>10.0f}")

    checks = [
        (f"import under 15 s ({ours['seconds']:.2f} s)", ours["seconds"] < 15),
        (f"re-import under 2 s ({again['seconds']:.2f} s)", again["seconds"] < 2),
    ]
    if peers:
        fastest = min(peers, key=lambda name: peers[name]["seconds"])
        speedup = peers[fastest]["seconds"] / ours["seconds"]
        print(f"\nSpeed-up over the faster peer ({fastest}): {speedup:.1f}x")
        for name, f in peers.items():
            print(
                f"  vs {name}: {f['seconds'] / ours['seconds']:.1f}x faster; "
                f"{name} peaks at {f['peak_mib'] / ours['peak_mib']:.2f}x our memory"
            )
        checks.append((f"at least 5x faster than {fastest} ({speedup:.1f}x)", speedup >= 5))
        lowest = min(f["peak_mib"] for f in peers.values())
        checks.append(
            (
                f"lower peak memory than both ({ours['peak_mib']:.0f} < {lowest:.0f} MiB)",
                ours["peak_mib"] < lowest,
            )
        )
    return report_checks(checks)


if __name__ == "__main__":
    sys.exit(main())
