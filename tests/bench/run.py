"""Storefront benchmark: the seeded site under gunicorn, against a minimal Django view.

    make bench                      # or: .venv/bin/python tests/bench/run.py

Builds its own database (tests/bench/.bench.sqlite3, or DATABASE_URL when set), serves
it with gunicorn (2 workers, DEBUG off) on 127.0.0.1, loads each page for a fixed time
with wrk (or a Python load generator when wrk is missing) and prints requests per
second, median and p99 latency, the share of the minimal view's throughput, and the SQL
query count and HTML size of each page. Exits 1 when a target is missed.

Environment: BENCH_SECONDS (5 per URL), BENCH_CONNECTIONS (8), BENCH_REUSE_DB=1 (keep
the SQLite file and media of the last run), BENCH_RESULTS (JSON output path),
BENCH_PROFILE=1 (also write a pyinstrument profile of each page next to the results).
"""

# ruff: noqa: T201  (a command-line report: printing is its output)

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / "tests" / "bench"
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "8"))
WORKERS = 2
RESULTS = Path(os.environ.get("BENCH_RESULTS", ROOT / "artifacts" / "bench" / "results.json"))

# (label, share of the minimal view's throughput it must reach)
THROUGHPUT_TARGETS = {"/products/": 4.0, "product": 6.0, "trace": 6.0}
MAX_QUERIES = 15  # every storefront page: fewer than this
MAX_KB = 80  # every storefront page: smaller than this

sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "tests.bench.settings"
SQLITE_FILE = BENCH_DIR / ".bench.sqlite3"
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"


# --- the database -----------------------------------------------------------------------


def build_site():
    """Migrate, load the administrative units, seed the demo and collect static files."""
    from django.conf import settings
    from django.core.management import call_command

    if os.environ["DATABASE_URL"] == f"sqlite:///{SQLITE_FILE}" and os.environ.get("BENCH_REUSE_DB") != "1":
        for path in (SQLITE_FILE, Path(f"{SQLITE_FILE}-journal"), Path(f"{SQLITE_FILE}-wal")):
            path.unlink(missing_ok=True)
        shutil.rmtree(settings.MEDIA_ROOT, ignore_errors=True)
    steps = [
        ("migrate", lambda: call_command("migrate", interactive=False, verbosity=0)),
        ("load_admin_units", lambda: call_command("load_admin_units", stdout=_devnull())),
    ]
    steps.append(("seed_demo", lambda: call_command("seed_demo", allow_production=True, stdout=_devnull())))
    steps.append(("collectstatic", lambda: call_command("collectstatic", interactive=False, verbosity=0)))
    for name, step in steps:
        started = time.perf_counter()
        step()
        print(f"  {name}: {time.perf_counter() - started:.1f} s", flush=True)


def _devnull():
    return open(os.devnull, "w")


def pick_urls():
    """The pages to measure, with slugs taken from the seeded database."""
    from django.db.models import Count, Q

    from catalog.models import Category, Product
    from producers.models import Stall

    published = Q(products__status=Product.Status.PUBLISHED)
    product = (
        Product.objects.published()
        .annotate(n_images=Count("images"))
        .filter(n_images__gt=0)
        .order_by("-n_images", "pk")
        .first()
    )
    stall = (
        Stall.objects.published()
        .annotate(n=Count("producer__products", filter=Q(producer__products__status=Product.Status.PUBLISHED)))
        .order_by("-n", "pk")
        .first()
    )
    top = (
        Category.objects.filter(parent=None)
        .annotate(
            n=Count("products", filter=published)
            + Count("children__products", filter=Q(children__products__status=Product.Status.PUBLISHED))
        )
        .order_by("-n", "sort_order", "pk")
        .first()
    )
    if product is None or stall is None or top is None:
        raise SystemExit("The seeded database has no published product, stall or category.")
    from cms.promotions import live_promotions

    promotion = live_promotions().first()
    pages = [
        ("home", "/"),
        ("/products/", "/products/"),
        ("filtered", f"/products/?category={top.slug}&stars=4&sort=price_asc"),
        ("search", "/products/?q=banh+pia"),
        ("product", product.get_absolute_url()),
        ("stall", stall.get_absolute_url()),
        ("/stalls/", "/stalls/"),
    ]
    if promotion is not None:  # seed_demo makes one live campaign
        pages.append(("promotion", promotion.url))
    from traceability.models import Batch

    # The public trace page a stamp's QR opens (seed_demo makes batches for several stalls).
    batch = Batch.objects.published().filter(product__in=Product.objects.published()).order_by("pk").first()
    if batch is None:
        raise SystemExit("The seeded database has no published production batch.")
    pages.append(("trace", batch.get_absolute_url()))
    pages.extend(order_pages(product))
    return pages


# Request headers of a page, by its URL: the cart and checkout are measured with a session
# holding a cart (the session lives in the database, which gunicorn's workers share).
HEADERS: dict[str, dict[str, str]] = {}


def order_pages(product):
    """The cart and checkout with two stalls' products in the cart, and a seeded order's page."""
    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.urls import NoReverseMatch, reverse

    from catalog.models import Product

    try:
        cart_url, checkout_url = reverse("orders:cart"), reverse("orders:checkout")
    except NoReverseMatch:  # the orders app has no pages yet
        return []
    from orders.cart import SESSION_KEY
    from orders.models import Order

    other = Product.objects.published().in_stock().exclude(producer_id=product.producer_id).order_by("pk").first()
    session = SessionStore()
    session[SESSION_KEY] = {str(p.pk): 1 for p in (product, other) if p is not None}
    session.create()
    cookie = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}"}
    HEADERS[cart_url] = HEADERS[checkout_url] = cookie
    pages = [("cart", cart_url), ("checkout", checkout_url)]
    order = Order.objects.order_by("pk").first()
    if order is not None:
        pages.append(("order", order.get_absolute_url()))
    return pages


# --- in-process: queries and size --------------------------------------------------------


def measure_in_process(urls):
    """Per page after a warm-up GET: SQL queries with a cold and a warm cache, HTML size,
    and the CPU time of one request in this process (the best of a few batches, which
    other processes on the machine disturb less than wall-clock throughput)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    out = {}
    for label, url in urls:
        client = Client(HTTP_HOST="127.0.0.1", headers=HEADERS.get(url))
        response = client.get(url)  # generates renditions
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code} in-process")
        # A cleared cache shows what Wagtail's rendition and site caches would hide.
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            client.get(url)
        cold_count = len(cold.captured_queries)  # read now: the next request clears the log
        with CaptureQueriesContext(connection) as warm:
            response = client.get(url)
        sql = [q["sql"] for q in warm.captured_queries]
        best = float("inf")
        for _ in range(5):
            started = time.thread_time()
            for _ in range(4):
                client.get(url)
            best = min(best, (time.thread_time() - started) / 4 * 1000)
        out[label] = {
            "queries": len(sql),
            "queries_cold_cache": cold_count,
            "kb": len(response.content) / 1024,
            "cpu_ms": best,
            "sql": sql,
        }
        if os.environ.get("BENCH_PROFILE") == "1":
            profile(client, label, url)
    return out


def profile(client, label, url):
    """Ten requests of one page under pyinstrument, as text and HTML beside the results."""
    try:
        from pyinstrument import Profiler
    except ImportError:
        print("BENCH_PROFILE=1 needs pyinstrument (pip install pyinstrument)")
        return
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(10):
            client.get(url)
    name = "".join(c if c.isalnum() else "_" for c in label).strip("_")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    (RESULTS.parent / f"profile-{name}.txt").write_text(profiler.output_text(unicode=True, color=False))
    (RESULTS.parent / f"profile-{name}.html").write_text(profiler.output_html())


# --- the server --------------------------------------------------------------------------


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port, extra_env=None):
    """gunicorn on 127.0.0.1:port with this process's environment plus ``extra_env`` (a None value unsets)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.bench.settings", "PYTHONPATH": str(ROOT)}
    env = {name: value for name, value in {**env, **(extra_env or {})}.items() if value is not None}
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "tests.bench.wsgi:application",  # the project, and the default stack's minimal view
        "--workers",
        str(WORKERS),
        "--bind",
        f"127.0.0.1:{port}",
        "--chdir",
        str(ROOT),
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        with contextlib.suppress(OSError):
            if get(port, "/bench/minimal/")[0] == 200:
                return server
        time.sleep(0.2)
    stop(server)
    raise SystemExit("gunicorn did not answer within 30 s")


def stop(server):
    if server.poll() is None:
        server.terminate()  # the master stops its workers
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def workers_cpu_seconds(server):
    """User + system CPU time used so far by the gunicorn workers (children of the master)."""
    pids = []
    with contextlib.suppress(OSError):
        pids = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def get(port, url):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", url, headers=HEADERS.get(url, {}))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def warm_up(port, urls):
    """Each page several times over two connections, so every worker has rendered it."""

    def hit(url):
        for _ in range(3):
            status, _body = get(port, url)
            if status != 200:
                raise SystemExit(f"{url} answered {status} from gunicorn")

    for _label, url in urls:
        threads = [threading.Thread(target=hit, args=(url,)) for _ in range(WORKERS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


# --- load --------------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"socket_errors": %d, "status_errors": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def run_wrk(port, url, script, seconds=None, threads=None, connections=None):
    """wrk with a Lua script whose done() prints a ``BENCH {json}`` line; returns that JSON."""
    connections = connections or CONNECTIONS
    threads = threads or min(2, connections)
    duration = max(1, round(SECONDS if seconds is None else seconds))
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s", "-s", script]
    for name, value in HEADERS.get(url, {}).items():
        cmd += ["-H", f"{name}: {value}"]
    output = subprocess.run([*cmd, f"http://127.0.0.1:{port}{url}"], capture_output=True, text=True, check=True).stdout
    lines = output.splitlines()
    data = json.loads(next(line for line in lines if line.startswith("BENCH "))[6:])
    kinds = next((line for line in lines if line.startswith("KINDS ")), None)
    if kinds is not None:  # a script that times its requests by kind (tests/bench/national.py)
        data["kinds"] = json.loads(kinds[6:])
    return data


def load_wrk(port, url, script):
    data = run_wrk(port, url, script)
    return {
        "rps": data["requests"] / (data["duration_us"] / 1e6),
        "p50_ms": data["p50_us"] / 1000,
        "p99_ms": data["p99_us"] / 1000,
        "requests": data["requests"],
        "errors": data["socket_errors"] + data["status_errors"],
    }


def measure_load(server, port, url, script, load_fn=load_wrk):
    """Load one URL; the result also has the workers' CPU time per request (server_cpu_ms)."""
    cpu_before = workers_cpu_seconds(server)
    result = load_fn(port, url, script)
    cpu = workers_cpu_seconds(server) - cpu_before
    result["server_cpu_ms"] = 1000 * cpu / result["requests"] if result["requests"] and cpu else None
    return result


def load_python(port, url, _script):
    """Keep-alive connections in threads; slower than wrk, so ratios come out flatter."""
    latencies = [[] for _ in range(CONNECTIONS)]
    errors = [0] * CONNECTIONS
    deadline = time.perf_counter() + SECONDS

    def worker(n):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                conn.request("GET", url, headers=HEADERS.get(url, {}))
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    errors[n] += 1
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                errors[n] += 1
                conn.close()
                continue
            latencies[n].append(time.perf_counter() - started)
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    flat = sorted(x for per in latencies for x in per)
    cuts = statistics.quantiles(flat, n=100, method="inclusive") if len(flat) > 1 else [flat[0]] * 99
    return {
        "rps": len(flat) / elapsed,
        "p50_ms": cuts[49] * 1000,
        "p99_ms": cuts[98] * 1000,
        "requests": len(flat),
        "errors": sum(errors),
    }


# --- report ------------------------------------------------------------------------------


def report(urls, load, baseline, in_process, tool):
    minimal = load["minimal"]
    print()
    print(f"gunicorn -w {WORKERS}, {CONNECTIONS} connections, {SECONDS:g} s per URL, load by {tool}")
    header = (
        f"{'page':<10} {'url':<44} {'req/s':>7} {'median ms':>9} {'p99 ms':>7} {'% minimal':>9} "
        f"{'cpu ms':>7} {'% by cpu':>8} {'queries':>7} {'cold':>4} {'KB':>5}"
    )
    print(header)
    print("-" * len(header))
    print(
        f"{'minimal':<10} {'/bench/minimal/':<44} {baseline:>7.0f} {minimal['p50_ms']:>9.1f} "
        f"{minimal['p99_ms']:>7.1f} {100.0:>8.1f}% {_fmt(minimal['server_cpu_ms'], '.2f'):>7} {100.0:>7.1f}% "
        f"{'-':>7} {'-':>4} {'-':>5}"
    )
    rows = {}
    for label, url in urls:
        result, page = load[label], in_process[label]
        share = 100 * result["rps"] / baseline
        cpu_share = None
        if result["server_cpu_ms"] and minimal["server_cpu_ms"]:
            cpu_share = 100 * minimal["server_cpu_ms"] / result["server_cpu_ms"]
        rows[label] = {
            "url": url,
            **result,
            "share_pct": share,
            "share_by_cpu_pct": cpu_share,
            **{k: v for k, v in page.items() if k != "sql"},
        }
        shown = url if len(url) <= 44 else url[:41] + "..."
        print(
            f"{label:<10} {shown:<44} {result['rps']:>7.1f} {result['p50_ms']:>9.1f} {result['p99_ms']:>7.1f} "
            f"{share:>8.2f}% {_fmt(result['server_cpu_ms'], '.1f'):>7} {_fmt(cpu_share, '.2f'):>7}% "
            f"{page['queries']:>7} {page['queries_cold_cache']:>4} {page['kb']:>5.1f}"
        )
    print(
        "cpu ms: CPU time of the gunicorn workers per request; % by cpu: the minimal view's CPU per request over "
        "the page's,\nsteadier than req/s when other processes share the machine. queries: one request with a "
        "warm cache; cold: after cache.clear()."
    )
    print()
    checks = []
    for label, target in THROUGHPUT_TARGETS.items():
        share = rows[label]["share_pct"]
        checks.append((share >= target, f"{label} throughput {share:.2f}% of minimal (target >= {target:g}%)"))
    for label, row in rows.items():
        # The target is the steady state: reference data (offers, menu, settings, site root
        # paths) is cached until content changes; the cold figure is printed in the table.
        count = row["queries"]
        checks.append((count < MAX_QUERIES, f"{label} {count} queries (target < {MAX_QUERIES})"))
        checks.append((row["kb"] < MAX_KB, f"{label} {row['kb']:.1f} KB of HTML (target < {MAX_KB})"))
    for label, row in rows.items():
        if row["errors"]:
            checks.append((False, f"{label} had {row['errors']} failed requests under load"))
    for ok, text in checks:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    return rows, checks


def _fmt(value, spec):
    return "-" if value is None else format(value, spec)


def _mean(*values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def baseline_of(first, last):
    """The minimal view, measured before and after the pages: their mean evens out drift."""
    return {
        "rps": (first["rps"] + last["rps"]) / 2,
        "p50_ms": (first["p50_ms"] + last["p50_ms"]) / 2,
        "p99_ms": max(first["p99_ms"], last["p99_ms"]),
        "requests": first["requests"] + last["requests"],
        "errors": first["errors"] + last["errors"],
        "runs_rps": [first["rps"], last["rps"]],
        "server_cpu_ms": _mean(first["server_cpu_ms"], last["server_cpu_ms"]),
    }


def main():
    import django

    started = time.perf_counter()
    load1 = os.getloadavg()[0]
    if load1 > 0.5:
        print(f"Warning: load average {load1:.1f} before the run; other processes skew the numbers.")
    print("Building the bench site ...", flush=True)
    django.setup()
    build_site()
    urls = pick_urls()
    in_process = measure_in_process([("minimal", "/bench/minimal/"), *urls])
    from django.db import connections

    connections.close_all()

    tool = "wrk" if shutil.which("wrk") else "python threads"
    if tool != "wrk":
        print("wrk not found (apt-get install wrk): using a Python load generator, which flattens the ratios.")
    load_fn = load_wrk if tool == "wrk" else load_python
    port = free_port()
    server = start_gunicorn(port)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        warm_up(port, [("minimal", "/bench/minimal/"), *urls])
        load = {}
        print(f"Loading {len(urls) + 2} URLs for {SECONDS:g} s each ...", flush=True)

        def measure(url):
            return measure_load(server, port, url, script.name, load_fn)

        first = measure("/bench/minimal/")
        for label, url in urls:
            load[label] = measure(url)
        last = measure("/bench/minimal/")
        # The two stacks one right after the other, MIDDLEWARE_PAIRS times: each pair sees
        # the same machine, and the median of the pairs' ratios is steadier than one pair.
        pairs = [(measure("/bench/minimal/"), measure(DEFAULT_STACK_MINIMAL)) for _ in range(MIDDLEWARE_PAIRS)]
    finally:
        stop(server)
    load["minimal"] = baseline_of(first, last)
    baseline = load["minimal"]["rps"]
    rows, checks = report(urls, load, baseline, in_process, tool)
    printed = len(checks)  # report() printed these
    middleware = middleware_ratio(pairs, checks)
    try:
        cached = measure_cached(urls, script.name, load_fn, checks) if CACHED_REDIS_URL else None
    finally:
        os.unlink(script.name)
    print()
    for ok, text in checks[printed:]:
        print(f"{'PASS' if ok else 'FAIL'}  {text}")
    data = {
        "tool": tool,
        "workers": WORKERS,
        "connections": CONNECTIONS,
        "seconds": SECONDS,
        "database": os.environ["DATABASE_URL"].split("@")[-1],
        "load_average": {"before": load1, "after": os.getloadavg()[0]},
        "minimal": load["minimal"],
        "pages": rows,
        "middleware": middleware,
        "cached": cached,
    }
    return finish(RESULTS, data, checks, started)


# --- the middleware's own cost, and cached hits --------------------------------------------------

# The minimal view behind Django's default middleware stack (tests/bench/wsgi.py).
DEFAULT_STACK_MINIMAL = "/bench/default-stack/minimal/"
MIN_MIDDLEWARE_RATIO = 0.9  # the project's stack: within 10 % of Django's default one
MIDDLEWARE_PAIRS = 3
MIN_CACHED_HIT_PCT = 80.0  # a page from the page cache: % of the minimal view
# The cached phase's Redis (flushed first); empty: no cached phase.
CACHED_REDIS_URL = os.environ.get("STOREFRONT_BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def middleware_ratio(pairs, checks):
    """The minimal view through the project's middleware over the same view through Django's
    default stack, served by the same workers, measured in pairs one right after the other:
    the median of the pairs' ratios (by req/s, and by the workers' CPU per request)."""
    ratios = sorted(project["rps"] / default_stack["rps"] for project, default_stack in pairs)
    by_cpu = sorted(
        default_stack["server_cpu_ms"] / project["server_cpu_ms"]
        for project, default_stack in pairs
        if project["server_cpu_ms"] and default_stack["server_cpu_ms"]
    )
    ratio = statistics.median(ratios)
    median_by_cpu = statistics.median(by_cpu) if by_cpu else None
    project_rps = statistics.median(project["rps"] for project, _stack in pairs)
    stack_rps = statistics.median(default_stack["rps"] for _project, default_stack in pairs)
    print(
        f"Middleware: minimal view {project_rps:.0f} req/s through the project's stack, {stack_rps:.0f} through "
        f"Django's default stack: ratio {ratio:.2f}, the median of {len(pairs)} pairs "
        f"({', '.join(f'{r:.2f}' for r in ratios)}; by cpu {_fmt(median_by_cpu, '.2f')}; "
        f"target >= {MIN_MIDDLEWARE_RATIO:g})"
    )
    checks.append((ratio >= MIN_MIDDLEWARE_RATIO, f"middleware ratio {ratio:.2f} (target >= {MIN_MIDDLEWARE_RATIO:g})"))
    return {
        "pairs": [{"project": project, "default_stack": default_stack} for project, default_stack in pairs],
        "ratios": ratios,
        "ratio": ratio,
        "ratio_by_cpu": median_by_cpu,
    }


def measure_cached(urls, script, load_fn, checks):
    """The same pages from the page cache (Redis, STOREFRONT_BENCH_REDIS_URL), against the
    minimal view of the same server: the share of a hit."""
    import redis

    try:
        redis.Redis.from_url(CACHED_REDIS_URL).flushdb()
    except redis.exceptions.RedisError as error:
        print(f"No cached phase: {CACHED_REDIS_URL} does not answer ({error})")
        return None
    port = free_port()
    server = start_gunicorn(port, {"REDIS_URL": CACHED_REDIS_URL, "STOREFRONT_CACHE_SECONDS": "600"})
    try:
        warm_up(port, [("minimal", "/bench/minimal/"), *urls])

        def measure(url):
            return measure_load(server, port, url, script, load_fn)

        # Only the pages the cache answers (not the cart, the checkout, an order).
        cached_urls = [(label, url) for label, url in urls if _cache_header(port, url) == "hit"]
        first = measure("/bench/minimal/")
        pages = {label: {**measure(url), "header": _cache_header(port, url)} for label, url in cached_urls}
        last = measure("/bench/minimal/")
    finally:
        stop(server)
    minimal = baseline_of(first, last)
    print(f"\nPage cache on (Redis): minimal view {minimal['rps']:.0f} req/s")
    for label, row in pages.items():
        row["share_pct"] = 100 * row["rps"] / minimal["rps"]
        if row["server_cpu_ms"] and minimal["server_cpu_ms"]:
            row["share_by_cpu_pct"] = 100 * minimal["server_cpu_ms"] / row["server_cpu_ms"]
        print(
            f"{label:<10} {row['rps']:>7.0f} req/s {row['share_pct']:>5.1f}% of minimal"
            f" (by cpu {_fmt(row.get('share_by_cpu_pct'), '.1f')}%) p99 {row['p99_ms']:.1f} ms"
            f" X-Page-Cache: {row['header']}"
        )
        checks.append(
            (
                row["share_pct"] >= MIN_CACHED_HIT_PCT,
                f"{label} cached hit {row['share_pct']:.0f}% of minimal (target >= {MIN_CACHED_HIT_PCT:g}%)",
            )
        )
    return {"minimal": minimal, "pages": pages}


def _cache_header(port, url):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", url)
        response = connection.getresponse()
        response.read()
        return response.getheader("X-Page-Cache", "-")
    finally:
        connection.close()


def finish(path, data, checks, started, summary="") -> int:
    """Write the results (with the checks) as JSON, say where, and the exit status: 1 on a miss."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**data, "checks": [{"ok": ok, "check": text} for ok, text in checks]}
    path.write_text(json.dumps(data, indent=2, default=str))
    print(f"\nResults in {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", end="")
    print(f" ({time.perf_counter() - started:.0f} s in all{summary})")
    return 0 if all(ok for ok, _text in checks) else 1


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
