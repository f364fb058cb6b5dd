"""Load benchmark: many browsers at once on the dashboard of a 100,000-message conversation.

    .venv/bin/python bench/bench_load.py                      # 50 clients, 30 s
    .venv/bin/python bench/bench_load.py --clients 10 --seconds 5 --messages 20000

The export (cached in bench/.cache, shared with bench_dashboard.py) is imported into a new store;
``pushpull``'s server then runs in a child process on a loopback port, as ``pushpull serve``
runs it, and its first dashboard view is made (so the analysis is cached). Then ``--clients``
clients, each with the launch cookie, ask for the dashboard again and again for ``--seconds``
(and at most ``--max-requests`` requests in all). Targets (issue 5): no errors; the p50 and p99
latency are reported.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import report_checks
from bench_dashboard import make_export

#: The child: start the server, say where it is (one JSON line), run until stdin closes.
SERVER = """
import json, sys
from pathlib import Path
from pushpull.web import start_server
running = start_server(Path(sys.argv[1]))
print(json.dumps({"base_url": running.base_url, "token": running.token}), flush=True)
sys.stdin.read()
running.stop()
"""
#: The longest one request may take before it counts as an error.
REQUEST_TIMEOUT_S = 30.0


async def load(
    base_url: str, token: str, *, n_clients: int, seconds: float, max_requests: int
) -> tuple[list[float], list[str]]:
    """Latencies (seconds) of the dashboard requests that succeeded, and what went wrong."""
    import httpx

    from pushpull.web import cookie_name

    latencies: list[float] = []
    errors: list[str] = []
    stop_at = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=n_clients, max_keepalive_connections=n_clients)

    async with httpx.AsyncClient(
        base_url=base_url,
        cookies={cookie_name(token): token},
        timeout=REQUEST_TIMEOUT_S,
        limits=limits,
    ) as shared:

        async def client() -> None:
            while time.monotonic() < stop_at and len(latencies) + len(errors) < max_requests:
                started = time.perf_counter()
                try:
                    response = await shared.get("/c/1")
                except httpx.HTTPError as error:
                    errors.append(type(error).__name__)
                    continue
                if response.status_code != 200 or "hot-and-cold" not in response.text:
                    errors.append(f"status {response.status_code}")
                    continue
                latencies.append(time.perf_counter() - started)

        await asyncio.gather(*(client() for _ in range(n_clients)))
    return latencies, errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--max-requests", type=int, default=200_000)
    args = parser.parse_args()

    import httpx

    from pushpull.store import Store, import_file

    export, me = make_export(args.messages)
    with tempfile.TemporaryDirectory(prefix="pushpull-bench-") as tmp:
        home = Path(tmp) / "home"
        with Store(home) as store:
            (conv,) = import_file(store, export, me=me).conversations
        server = subprocess.Popen(
            [sys.executable, "-c", SERVER, str(home)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert server.stdout is not None and server.stdin is not None
            where = json.loads(server.stdout.readline())
            base_url, token = where["base_url"], where["token"]
            started = time.perf_counter()
            with httpx.Client(base_url=base_url, timeout=120) as first:
                first.get(f"/?token={token}")
                assert first.get("/c/1").status_code == 200
            first_s = time.perf_counter() - started
            started = time.perf_counter()
            latencies, errors = asyncio.run(
                load(
                    base_url,
                    token,
                    n_clients=args.clients,
                    seconds=args.seconds,
                    max_requests=args.max_requests,
                )
            )
            elapsed_s = time.perf_counter() - started
        finally:
            if server.stdin is not None:
                server.stdin.close()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()

    n_done = len(latencies)
    ordered = sorted(latencies) or [float("nan")]
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(f"conversation        {conv.n_read:,} messages")
    print(f"first view          {first_s:8.2f} s (analysis computed, then cached)")
    print(f"clients             {args.clients} for {elapsed_s:.1f} s")
    print(f"requests            {n_done:,} answered ({n_done / elapsed_s:.1f} per second)")
    print(f"errors              {len(errors)} {sorted(set(errors))[:5]}")
    print(f"latency p50         {p50 * 1000:8.0f} ms")
    print(f"latency p99         {p99 * 1000:8.0f} ms")
    print(f"latency slowest     {ordered[-1] * 1000:8.0f} ms")
    checks = [
        (f"no errors ({len(errors)})", not errors),
        (f"every client was answered ({n_done:,} requests)", n_done >= args.clients),
    ]
    return report_checks(checks)


if __name__ == "__main__":
    sys.exit(main())
