"""Discovery benchmarks (issue: search among 100,000 events).

Usage (PostgreSQL with a generated edition; see bench/RESULTS.md):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench semaine generate --events 100000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/discovery.py

1. Search latency, server time: the agenda list view handled in-process (Django's test client,
   which starts below the page cache, so every request runs its queries and renders), over
   random combinations of three filters drawn from the data; p50/p95/max.
2. Event page throughput vs. a minimal Django view: both served by gunicorn (2 sync workers) on
   this machine, loaded by wrk in the same run; the ratio is the figure to compare.
"""

import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "semaine.settings")


def search_latency(samples: int, seed: int = 1) -> dict:
    import django

    django.setup()
    from django.test import Client

    from semaine.agenda.models import Edition, Format, Theme
    from semaine.territory.models import Departement

    edition = Edition.objects.order_by("-pk").first()
    rng = random.Random(seed)
    themes = list(Theme.objects.values_list("slug", flat=True))
    formats = list(Format.objects.values_list("slug", flat=True))
    deps = list(Departement.objects.values_list("code", flat=True))
    days = [edition.starts_on.replace(day=edition.starts_on.day + i).isoformat() for i in range(5)]
    words = ["atelier", "donnees", "innovation", "design", "numerique", "usagers", "agents"]
    client = Client()
    url = f"/editions/{edition.slug}/agenda/"
    kinds = {
        "3 filters (département + theme + format)":
            lambda: {"departement": rng.choice(deps), "theme": rng.choice(themes),
                     "format": rng.choice(formats)},
        "3 filters (theme + format + day)":
            lambda: {"theme": rng.choice(themes), "format": rng.choice(formats),
                     "from": (d := rng.choice(days)), "to": d},
        "text + 2 filters (q + theme + département)":
            lambda: {"q": rng.choice(words), "theme": rng.choice(themes),
                     "departement": rng.choice(deps)},
        "text search alone, sorted by relevance":
            lambda: {"q": rng.choice(words), "sort": "relevance"},
        "no filter (first page)": lambda: {},
    }
    results = {}
    for label, make in kinds.items():
        for _ in range(5):  # warm-up
            client.get(url, make())
        timings = []
        for _ in range(samples):
            params = make()
            start = time.perf_counter()
            response = client.get(url, params)
            timings.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (params, response.status_code)
        timings.sort()
        results[label] = {
            "p50": statistics.median(timings),
            "p95": timings[int(len(timings) * 0.95) - 1],
            "max": timings[-1],
        }
    return {"edition": edition.slug, "events": edition.events.count(), "latency": results}


def _serve(app: str, port: int, env: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}", "--workers", "2",
         "--log-level", "warning"],
        env=env, cwd=HERE,
    )
    for _ in range(100):
        if subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}/"],
                          check=False).returncode == 0:
            return process
        time.sleep(0.1)
    raise RuntimeError(f"{app} did not start")


def _wrk(url: str, seconds: int) -> float:
    out = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", url], capture_output=True,
                         text=True, check=True).stdout
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} errors\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


def page_throughput(seconds: int, redis_url: str = "") -> dict:
    import django

    django.setup()
    from semaine.agenda.models import Edition, EventState

    edition = Edition.objects.order_by("-pk").first()
    event = edition.events.filter(state=EventState.PUBLISHED).order_by("pk").first()
    env = {**os.environ, "SEMAINE_AXES": "0", "PYTHONPATH": str(HERE)}
    servers = {"baseline": _serve("minimal_app:application", 8102, env),
               "db": _serve("semaine.wsgi:application", 8101, env)}
    if redis_url:
        servers["redis"] = _serve("semaine.wsgi:application", 8103,
                                  {**env, "SEMAINE_CACHE_URL": redis_url})
    try:
        path = event.get_absolute_url()
        results = {"baseline_runs": [_wrk("http://127.0.0.1:8102/", seconds)]}
        for name, port in (("db", 8101), ("redis", 8103)):
            if name in servers:
                subprocess.run(["curl", "-s", "-o", "/dev/null", f"http://127.0.0.1:{port}{path}"],
                               check=True)  # warm the cache
                results[name] = _wrk(f"http://127.0.0.1:{port}{path}", seconds)
        results["baseline_runs"].append(_wrk("http://127.0.0.1:8102/", seconds))
    finally:
        for process in servers.values():
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=10)
    results["baseline_rps"] = statistics.mean(results["baseline_runs"])
    return results


def main() -> None:
    # Latency is measured in-process, below the page cache (which wraps the WSGI application):
    # every request runs its queries and renders; the shared cache still holds reference lists.
    samples = int(os.environ.get("BENCH_SAMPLES", "200"))
    seconds = int(os.environ.get("BENCH_SECONDS", "10"))
    latency = search_latency(samples)
    print(f"Edition « {latency['edition']} », {latency['events']} events, {samples} requests each")
    print("| search | p50 (ms) | p95 (ms) | max (ms) |\n|---|---|---|---|")
    for label, row in latency["latency"].items():
        print(f"| {label} | {row['p50']:.1f} | {row['p95']:.1f} | {row['max']:.1f} |")
    pages = page_throughput(seconds, os.environ.get("BENCH_REDIS_URL", ""))
    base = pages["baseline_rps"]
    print()
    print("| served by gunicorn, 2 sync workers, wrk -t2 -c8 | requests/s | ratio to baseline |")
    print("|---|---|---|")
    runs = ", ".join(f"{r:.0f}" for r in pages["baseline_runs"])
    print(f"| minimal Django view, no middleware (mean of the runs before and after: {runs}) "
          f"| {base:.0f} | 100 % |")
    print(f"| event page, warm, page cache in the database | {pages['db']:.0f} | "
          f"{pages['db'] / base:.0%} |")
    if "redis" in pages:
        print(f"| event page, warm, page cache in Redis | {pages['redis']:.0f} | "
              f"{pages['redis'] / base:.0%} |")


if __name__ == "__main__":
    main()
