"""HTTP API speed: requests/s and p50/p99 latency under a bounded concurrent load on localhost.

    python benchmarks/api.py [--clients 20] [--seconds 20] [--quick] [--url http://host:port]

Same run, same server: the bundled samples are ingested into a fresh SQLite file, then
``rokhdad serve`` (uvicorn, one process) is started on a free port and each endpoint gets
CLIENTS concurrent keep-alive clients for SECONDS: ``GET /health`` (no database work: the
floor the server and this load generator allow, i.e. the baseline), ``GET /incidents``
(one page of 100, the list view), ``GET /incidents?limit=5000&all=true`` (every incident,
the map view), ``GET /incidents/{id}`` and ``POST /extract`` (a sample article coded per
request; CPU-bound). Server CPU ms/request (from /proc) is the figure least
moved by other load on the machine. The load generator (httpx, asyncio) runs in this process, so on a
2-core machine server and clients share the CPU: figures are wall-clock and swing with
other load. ``--quick``: 5 clients for 3 s per endpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def load(base: str, method: str, path: str, bodies: list[dict] | None, clients: int,
               seconds: float) -> tuple[int, int, list[float], float]:
    """CLIENTS tasks sending requests back to back for SECONDS: (ok, failed, latencies, elapsed)."""
    import httpx

    latencies: list[float] = []
    failed = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        await client.request(method, path, json=bodies[0] if bodies else None)  # warm-up
        deadline = time.perf_counter() + seconds

        async def worker(number: int) -> None:
            nonlocal failed
            sent = number
            while time.perf_counter() < deadline:
                body = bodies[sent % len(bodies)] if bodies else None
                sent += clients
                start = time.perf_counter()
                response = await client.request(method, path, json=body)
                await response.aread()
                if response.status_code == 200:
                    latencies.append(time.perf_counter() - start)
                else:
                    failed += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    return len(latencies), failed, latencies, elapsed


def cpu_seconds(pid: int | None) -> float:
    """User + system CPU time of a process (Linux /proc), or NaN when unknown."""
    if pid is None:
        return float("nan")
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(db: str) -> tuple[subprocess.Popen, str]:
    server = subprocess.Popen([sys.executable, "-m", "rokhdad", "serve", "--db", db, "--port", "0",
                               "--log-level", "warning"], stderr=subprocess.PIPE, text=True)
    line = server.stderr.readline()
    match = re.search(r"(http://\S+?)/ ", line)
    if not match:
        server.kill()
        raise SystemExit(f"server did not start: {line}{server.stderr.read()}")
    return server, match.group(1)


def wait_ready(base: str) -> None:
    import httpx

    for _ in range(200):
        try:
            if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.05)
    raise SystemExit("server did not answer /health")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients per endpoint")
    parser.add_argument("--seconds", type=float, default=20.0, help="load duration per endpoint")
    parser.add_argument("--quick", action="store_true", help="5 clients, 3 s per endpoint")
    parser.add_argument("--url", help="benchmark this running server instead (its data, not the samples)")
    args = parser.parse_args()
    if args.quick:
        args.clients, args.seconds = 5, 3.0

    from rokhdad.samples import sample_articles

    articles = sample_articles()
    bodies = [{"text": a.text, "published": a.published.isoformat() if a.published else None} for a in articles]
    server = None
    with tempfile.TemporaryDirectory() as folder:
        if args.url:
            base = args.url.rstrip("/")
        else:
            from rokhdad.store.database import open_store
            from rokhdad.store.ingest import ingest

            db = str(Path(folder) / "bench.db")
            with open_store(db) as store:
                summary = ingest(store, articles)
            print(f"{len(articles)} sample articles ingested: {summary.incidents} incidents; "
                  f"server: rokhdad serve (uvicorn, 1 process), {os.cpu_count()} cores shared with the clients")
            server, base = start_server(db)
        try:
            wait_ready(base)
            import httpx

            incident = httpx.get(f"{base}/incidents", params={"limit": 1, "sort": "-mentions"}).json()["items"][0]
            chars = sum(len(b["text"]) for b in bodies) / len(bodies)
            cases = [
                ("GET /health (baseline: no work)", "GET", "/health", None),
                ("GET /incidents (page of 100)", "GET", "/incidents", None),
                ("GET /incidents?limit=5000&all=true", "GET", "/incidents?limit=5000&all=true", None),
                ("GET /incidents/{id}", "GET", f"/incidents/{incident['id']}", None),
                (f"POST /extract ({chars:,.0f} chars/article)", "POST", "/extract", bodies),
            ]
            print(f"{args.clients} concurrent clients, {args.seconds:g} s per endpoint, keep-alive, wall clock")
            print(f"{'endpoint':<40} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'requests':>9} {'errors':>7}"
                  f" {'server CPU ms/req':>18}")
            rates = {}
            pid = server.pid if server is not None else None
            for name, method, path, payload in cases:
                cpu = cpu_seconds(pid)
                ok, failed, latencies, elapsed = asyncio.run(load(base, method, path, payload, args.clients,
                                                                  args.seconds))
                cpu = cpu_seconds(pid) - cpu
                rates[name] = ok / elapsed
                print(f"{name:<40} {ok / elapsed:>9.1f} {percentile(latencies, 0.5) * 1000:>9.1f} "
                      f"{percentile(latencies, 0.99) * 1000:>9.1f} {ok:>9} {failed:>7}"
                      f" {cpu * 1000 / max(1, ok + failed):>18.2f}")
            floor = rates[cases[0][0]]
            for name, *_ in cases[1:]:
                print(f"  {name}: {100 * rates[name] / floor:.1f}% of the /health rate")
            if latencies:
                print(f"  /extract mean latency {statistics.mean(latencies) * 1000:.0f} ms")
        finally:
            if server is not None:
                server.send_signal(signal.SIGINT)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    server.kill()


if __name__ == "__main__":
    main()
