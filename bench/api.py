"""REST API benchmark: the events list endpoint against a minimal Django view (PostgreSQL).

Usage (PostgreSQL on 127.0.0.1, role postgres; the script creates and drops its own scratch
database ``bench_api``, whatever DATABASE_URL says; wrk must be installed):

    python bench/api.py

Environment: BENCH_EVENTS (100000: the size of the generated edition), BENCH_SECONDS (10 per wrk
run), BENCH_SAMPLES (100 per latency kind), BENCH_KEEP=1 to keep the database.

1. Server time, in-process (Django's test client, below the page cache: every request runs its
   queries and serialises): the first page of ``/api/editions/<slug>/events`` (50 events with
   their slots, formats, themes, audiences, co-organisers, venue), the same with three filters,
   a page deep in the list reached by its cursor, the changes since a time; p50/p95/max.
2. Throughput: the semaine application and ``bench/minimal_app.py`` both under gunicorn
   (2 sync workers) on this machine, loaded by wrk (2 threads, 8 connections) in the same run:
   baseline, the events list served warm from the anonymous page cache, the events list with a
   session cookie (which bypasses the page cache: every request runs the view), baseline again.
"""

import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

import scratch

HERE = Path(__file__).resolve().parent
DB = "bench_api"
BASE_PORT, APP_PORT = 8122, 8121


def build(events: int) -> dict:
    from semaine.seed.generate import generate_edition

    start = time.perf_counter()
    result = generate_edition(events=events, edition_slug="bench-api")
    return {**result, "seconds": time.perf_counter() - start}


def latency(samples: int) -> dict:
    from django.test import Client

    from semaine.agenda.models import Edition

    edition = Edition.objects.get(slug="bench-api")
    client = Client()
    url = f"/api/editions/{edition.slug}/events"
    deep = None
    cursor = None
    for _ in range(40):  # 40 pages of 50: the 2,001st event onwards
        body = client.get(url, {"cursor": cursor} if cursor else {}).json()
        cursor = body["next_cursor"]
    deep = cursor
    since = edition.events.order_by("updated_at").values_list("updated_at", flat=True)[
        edition.events.count() // 2]
    kinds = {
        "first page (50 events)": {},
        "3 filters (département + theme + format)": {"departement": "44", "theme": "data",
                                                      "format": "atelier"},
        "page 41, by its cursor": {"cursor": deep},
        "changes since a time (updated_since)": {"updated_since": since.isoformat()},
    }
    results = {}
    for label, params in kinds.items():
        for _ in range(3):
            client.get(url, params)
        timings = []
        for _ in range(samples):
            start = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (label, response.content[:300])
        timings.sort()
        results[label] = {"p50": statistics.median(timings),
                          "p95": timings[int(len(timings) * 0.95) - 1], "max": timings[-1]}
    return results


def _serve(app: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"], env=env, cwd=HERE,
    )
    for _ in range(100):
        if subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}/"],
                          check=False).returncode == 0:
            return process
        time.sleep(0.2)
    raise RuntimeError(f"{app} did not start")


def _wrk(url: str, seconds: int, *headers: str) -> float:
    import re

    args = ["wrk", "-t2", "-c8", f"-d{seconds}s"]
    for header in headers:
        args += ["-H", header]
    out = subprocess.run([*args, url], capture_output=True, text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} errors\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def throughput(seconds: int) -> dict:
    env = {**os.environ, "SEMAINE_AXES": "0", "PYTHONPATH": str(HERE)}
    servers = [_serve("minimal_app:application", BASE_PORT, env),
               _serve("semaine.wsgi:application", APP_PORT, env)]
    url = f"http://127.0.0.1:{APP_PORT}/api/editions/bench-api/events"
    try:
        subprocess.run(["curl", "-sf", "-o", "/dev/null", url], check=True)  # warm the cache
        results = {"baseline_runs": [_wrk(f"http://127.0.0.1:{BASE_PORT}/", seconds)]}
        results["warm"] = _wrk(url, seconds)
        results["uncached"] = _wrk(url, seconds, "Cookie: sessionid=bench-no-page-cache")
        results["baseline_runs"].append(_wrk(f"http://127.0.0.1:{BASE_PORT}/", seconds))
    finally:
        for process in servers:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=20)
    results["baseline"] = statistics.mean(results["baseline_runs"])
    return results


def main() -> None:
    events = int(os.environ.get("BENCH_EVENTS", "100000"))
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    samples = int(os.environ.get("BENCH_SAMPLES", "100"))
    scratch.configure(DB)
    scratch.create_database(DB)
    try:
        built = build(events)
        print(f"{platform.node()}, {os.cpu_count()} cores; edition of {built['events']:,} events "
              f"({built['slots']:,} slots) generated in {built['seconds']:.0f} s")
        rows = latency(samples)
        print(f"\n| events list, server time in-process, {samples} requests each | p50 (ms) "
              "| p95 (ms) | max (ms) |\n|---|---|---|---|")
        for label, row in rows.items():
            print(f"| {label} | {row['p50']:.1f} | {row['p95']:.1f} | {row['max']:.1f} |")
        rates = throughput(seconds)
        base = rates["baseline"]
        runs = ", ".join(f"{r:.0f}" for r in rates["baseline_runs"])
        print("\n| gunicorn, 2 sync workers, wrk -t2 -c8 | requests/s | ratio to baseline |")
        print("|---|---|---|")
        print(f"| minimal Django view, no middleware (mean of the runs before and after: {runs}) "
              f"| {base:.0f} | 100 % |")
        print(f"| events list, first page, warm (anonymous page cache) | {rates['warm']:.0f} | "
              f"{rates['warm'] / base:.0%} |")
        print(f"| events list, first page, every request through the view | "
              f"{rates['uncached']:.0f} | {rates['uncached'] / base:.0%} |")
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            scratch.drop_database(DB)


if __name__ == "__main__":
    main()
