"""Feeds benchmark: export 10,000 and 100,000 products in each format, one process per run.

    make bench                      # after the storefront benchmark
    .venv/bin/python tests/bench/feeds.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ocop_bench .venv/bin/python tests/bench/feeds.py

Builds its catalog with ``manage.py bench_catalog`` (bulk-created products over 200
bench stalls; on ``DATABASE_URL`` when set, else ``tests/bench/.bench_feeds.sqlite3``), then
two partners taking every format: ``bench-10k`` (the producers of the first 20 stalls:
10,000 products) and ``bench-100k`` (all 200). Each export is ``manage.py export_feed
<partner> --format F --output /dev/null`` in its own process, so the peak memory (the
child's own high-water RSS, ``VmHWM``) is that run's alone. Prints items per second (over
the run's own duration, as logged in its FeedRun), wall seconds including start-up,
bytes and peak RSS, writes ``artifacts/bench/feeds.json``, and exits 1 when a target
is missed:

- Google XML, 100,000 products: under 20 s (on PostgreSQL) and peak RSS under 250 MB;
- every format: peak RSS at 100,000 at most 25 MB above the peak at 10,000 (flat memory).

Environment: BENCH_FEEDS_SIZES ("10000,100000"), BENCH_FEEDS_FORMATS ("google,csv,json").
"""

# ruff: noqa: T201  (a command-line report: printing is its output)

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "tests" / "bench"
RESULTS = Path(os.environ.get("BENCH_FEEDS_RESULTS", ROOT / "artifacts" / "bench" / "feeds.json"))
SIZES = [int(s) for s in os.environ.get("BENCH_FEEDS_SIZES", "10000,100000").split(",")]
FORMATS = os.environ.get("BENCH_FEEDS_FORMATS", "google,csv,json").split(",")
STALLS = 200
MAX_SECONDS_GOOGLE = 20.0
MAX_RSS_MB = 250.0
MAX_GROWTH_MB = 25.0

sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{BENCH_DIR / '.bench_feeds.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist yet."""
    import dj_database_url
    import psycopg

    cfg = dj_database_url.parse(url)
    conninfo = {k: v for k, v in {"host": cfg["HOST"], "port": cfg["PORT"], "user": cfg["USER"]}.items() if v}
    if cfg.get("PASSWORD"):
        conninfo["password"] = cfg["PASSWORD"]
    with psycopg.connect(dbname="postgres", autocommit=True, **conninfo) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [cfg["NAME"]]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{cfg["NAME"]}"')


def build_catalog(total: int):
    from django.core.management import call_command

    if os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        ensure_postgres_database(os.environ["DATABASE_URL"])

    from producers.models import Province

    started = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    if not Province.objects.exists():
        call_command("load_admin_units", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("bench_catalog", count=total, stalls=STALLS, prefix="bench-")
    print(f"  catalog ready: {time.perf_counter() - started:.1f} s", flush=True)


def bench_partner(size: int, total: int):
    """A partner taking every format, opted in by the producers of exactly ``size`` bench products."""
    from feeds.models import Partner, ProducerOptIn
    from producers.models import Stall

    stalls_needed = STALLS * size // total
    if stalls_needed * total != STALLS * size:
        raise SystemExit(f"{size} is not a multiple of {total // STALLS} products per stall.")
    partner, _ = Partner.objects.update_or_create(
        slug=f"bench-{size // 1000}k",
        defaults={
            "name": f"Bench {size}",
            "active": True,
            "format_google": True,
            "format_csv": True,
            "format_json": True,
        },
    )
    producers = (
        Stall.objects.filter(slug__startswith="bench-stall-").order_by("slug").values_list("producer_id", flat=True)
    )
    wanted = set(producers[:stalls_needed])
    partner.opt_ins.exclude(producer_id__in=wanted).delete()
    have = set(partner.opt_ins.values_list("producer_id", flat=True))
    ProducerOptIn.objects.bulk_create(ProducerOptIn(partner=partner, producer_id=p) for p in wanted - have)
    return partner


def export(partner, fmt: str) -> dict:
    """One export in a child process (this script with ``--child``), which reports its own peak RSS."""
    command = [sys.executable, __file__, "--child", partner.slug, fmt]
    started = time.perf_counter()
    child = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if child.returncode != 0:
        raise SystemExit(f"export_feed {partner.slug} {fmt} failed:\n{child.stderr}")
    result = json.loads(child.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(wall, 2)
    return result


def peak_rss_mb() -> float:
    """This process's own high-water RSS (VmHWM).

    Not ``ru_maxrss``: Linux carries the parent's high-water mark across fork and exec
    into the child's, so a child of a big parent would report the parent's size.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
    import resource

    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def child(slug: str, fmt: str):
    """``manage.py export_feed <slug> --format <fmt> --output /dev/null``, in this process, then report."""
    import django

    django.setup()
    from django.core.management import call_command

    from feeds.models import FeedRun

    started = time.perf_counter()
    call_command("export_feed", slug, fmt=fmt, output=os.devnull, stderr=open(os.devnull, "w"))  # noqa: SIM115
    elapsed = time.perf_counter() - started
    run = FeedRun.objects.filter(partner__slug=slug, format=fmt).order_by("-started_at", "-pk").first()
    seconds = run.duration.total_seconds() if run.duration else elapsed
    result = {
        "partner": slug,
        "format": fmt,
        "status": run.status,
        "items": run.items,
        "excluded": run.excluded,
        "bytes": run.bytes,
        "seconds": round(seconds, 2),
        "items_per_second": round(run.items / seconds) if seconds else None,
        "peak_rss_mb": peak_rss_mb(),
    }
    print(json.dumps(result))


def check(results, vendor: str) -> list[str]:
    missed = []
    by_key = {(r["format"], r["items"]): r for r in results}
    biggest = max(SIZES)
    google = by_key.get(("google", biggest))
    if google and biggest >= 100_000:
        if vendor == "postgresql" and google["seconds"] >= MAX_SECONDS_GOOGLE:
            missed.append(f"Google XML {biggest}: {google['seconds']} s (target < {MAX_SECONDS_GOOGLE} s)")
        if google["peak_rss_mb"] >= MAX_RSS_MB:
            missed.append(f"Google XML {biggest}: peak {google['peak_rss_mb']} MB (target < {MAX_RSS_MB} MB)")
    smallest = min(SIZES)
    for fmt in FORMATS:
        small, big = by_key.get((fmt, smallest)), by_key.get((fmt, biggest))
        if small and big and big is not small and big["peak_rss_mb"] - small["peak_rss_mb"] > MAX_GROWTH_MB:
            missed.append(
                f"{fmt}: peak RSS grew from {small['peak_rss_mb']} MB ({smallest}) "
                f"to {big['peak_rss_mb']} MB ({biggest})"
            )
    return missed


def main():
    import django

    django.setup()
    from django.db import connection

    total = max(SIZES)
    vendor = connection.vendor
    print(f"Feeds benchmark on {vendor} ({connection.settings_dict['NAME']}), {total} bench products", flush=True)
    build_catalog(total)
    partners = {size: bench_partner(size, total) for size in SIZES}
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics for the rows just bulk-created
    connection.close()  # the children use their own connections

    results = []
    print(f"{'format':<8}{'items':>9}{'excl.':>7}{'MB out':>9}{'s':>8}{'wall s':>8}{'items/s':>10}{'peak MB':>9}")
    for fmt in FORMATS:
        for size in SIZES:
            r = export(partners[size], fmt)
            results.append(r)
            print(
                f"{fmt:<8}{r['items']:>9}{r['excluded']:>7}{r['bytes'] / 1e6:>9.1f}{r['seconds']:>8.2f}"
                f"{r['wall_seconds']:>8.2f}{r['items_per_second']:>10}{r['peak_rss_mb']:>9.1f}",
                flush=True,
            )
    missed = check(results, vendor)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"database": vendor, "results": results, "missed": missed}, indent=2))
    print(f"Results written to {RESULTS.relative_to(ROOT)}")
    for line in missed:
        print(f"TARGET MISSED: {line}")
    return 1 if missed else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
