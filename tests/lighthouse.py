"""Lighthouse's four mobile scores of the storefront (home, listing, a product, a stall) and of
the screens a household opens before it has an account (registration, login) in Vietnamese,
Khmer and English.

    make lighthouse                 # or: .venv/bin/python tests/lighthouse.py [BASE_URL]

Without BASE_URL it builds the seeded demo in its own SQLite file (tests/.lighthouse.sqlite3)
and serves it with gunicorn, DEBUG off, as tests/bench/run.py does; with one it audits that
server. Lighthouse comes from npm (``npx lighthouse``, fetched on first use: this is not part
of the test suite) and drives Debian's Chromium (CHROME_PATH, /usr/bin/chromium by default).
LIGHTHOUSE_PAGES (e.g. ``stall,register-km``) audits some of the pages only.
Prints performance, accessibility, best practices and SEO for each page with every audit that
cost points, writes the reports to artifacts/lighthouse/, and exits 1 when a score is under
LIGHTHOUSE_MIN (1.0).
"""

# ruff: noqa: T201  (a command-line report: printing is its output)

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "artifacts" / "lighthouse"
LIGHTHOUSE = os.environ.get("LIGHTHOUSE", "npx --yes lighthouse@12")
MINIMUM = float(os.environ.get("LIGHTHOUSE_MIN", "1.0"))
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-sync"
SQLITE_FILE = ROOT / "tests" / ".lighthouse.sqlite3"
MEDIA = ROOT / "tests" / ".lighthouse_media"


def fetch(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read().decode("utf-8")


def first_link(base, path, pattern):
    for href in re.findall(r'href="([^"]+)"', fetch(base + path)):
        if re.fullmatch(pattern, href):
            return href
    raise SystemExit(f"no link matching {pattern} on {path}")


def pages(base):
    storefront = {
        "home": "/",
        "listing": "/products/",
        "product": first_link(base, "/products/", r"/products/[^/?]+/"),
        "stall": first_link(base, "/stalls/", r"/stalls/[^/?]+/"),
    }
    household = {
        f"{screen}-{language or 'vi'}": f"{'/' + language if language else ''}/{path}/"
        for screen, path in (("register", "dang-ky"), ("login", "dang-nhap"))
        for language in ("", "km", "en")
    }
    return storefront | household


def lighthouse(url, name):
    OUT.mkdir(parents=True, exist_ok=True)
    report = OUT / f"{name}.json"
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    cmd = [
        *LIGHTHOUSE.split(),
        url,
        "--quiet",
        "--only-categories=" + ",".join(CATEGORIES),
        "--output=json",
        f"--output-path={report}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    # Lighthouse itself asks to be run again after a failed trace (NO_NAVSTART on a loaded
    # machine): one more try before giving up.
    for attempt in (1, 2):
        done = subprocess.run(cmd, check=attempt == 2, env=env)
        if done.returncode == 0:
            break
    return json.loads(report.read_text(encoding="utf-8"))


def lost_points(result, category):
    """The audits of a category that did not score 1, as 'id (score)'."""
    audits = result["audits"]
    lost = []
    for ref in result["categories"][category]["auditRefs"]:
        audit = audits[ref["id"]]
        if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
            lost.append(f"{ref['id']} ({audit['score']:.2f})")
    return lost


def audit(base):
    rows = []
    wanted = {name for name in os.environ.get("LIGHTHOUSE_PAGES", "").split(",") if name}
    for name, path in pages(base).items():
        if wanted and name not in wanted:
            continue
        result = lighthouse(base + path, name)
        scores = {c: result["categories"][c]["score"] for c in CATEGORIES}
        rows.append((name, path, scores))
        print(f"{name:8} " + "  ".join(f"{c} {s:.2f}" for c, s in scores.items()) + f"  {path}", flush=True)
        for category in CATEGORIES:
            for item in lost_points(result, category):
                print(f"           {category}: {item}")
    return rows


def serve_demo():
    """Build the seeded demo in its own SQLite file and serve it with gunicorn: (base, server)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{SQLITE_FILE}"
    os.environ["BENCH_MEDIA_ROOT"] = str(MEDIA)
    for path in (SQLITE_FILE, Path(f"{SQLITE_FILE}-journal"), Path(f"{SQLITE_FILE}-wal")):
        path.unlink(missing_ok=True)
    shutil.rmtree(MEDIA, ignore_errors=True)
    sys.path.insert(0, str(ROOT))
    from tests.bench import run as bench

    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.lighthouse_settings"

    import django

    django.setup()
    bench.build_site()
    port = bench.free_port()
    server = bench.start_gunicorn(port, {"DJANGO_SETTINGS_MODULE": "tests.lighthouse_settings"})
    return f"http://127.0.0.1:{port}", server, bench.stop


def main():
    if len(sys.argv) > 1:
        rows = audit(sys.argv[1].rstrip("/"))
    else:
        base, server, stop = serve_demo()
        try:
            rows = audit(base)
        finally:
            stop(server)
    # Registration and login are kept out of search engines on purpose (noindex), which
    # Lighthouse's SEO score counts against them: their SEO is reported, not required.
    low = [
        (name, c, s)
        for name, _, scores in rows
        for c, s in scores.items()
        if s < MINIMUM and not (c == "seo" and name.startswith(("register-", "login-")))
    ]
    for name, category, score in low:
        print(f"below {MINIMUM:.2f}: {name} {category} {score:.2f}")
    sys.exit(1 if low else 0)


if __name__ == "__main__":
    main()
