"""Layout and accessibility audit of a served storefront (``make demo`` or tests/lighthouse.py's server).

    .venv/bin/python tests/audit_storefront.py http://127.0.0.1:8000 [--json out.json]

Walks the buyer's pages (home, listing, a product, a stall, the cart with one product, the
checkout, an order placed with cash on delivery, the order lookup) in Debian's Chromium at
360 and 1,280 css px and prints, for each: how far the page is wider than the window, the
serious and critical axe-core violations by rule, and the tap targets under 48 × 48 px
(tests/e2e/a11y.py). It places one real order on the site it audits: run it against a demo.
"""

# ruff: noqa: T201  (a command-line report: printing is its output)

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.e2e import a11y  # noqa: E402
from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, DESKTOP, MOBILE  # noqa: E402


def first_link(page, pattern):
    for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))"):
        if re.fullmatch(pattern, href):
            return href
    raise SystemExit(f"no link matching {pattern} on {page.url}")


def place_order(page, base):
    """Cart with one product, checkout, an order with cash on delivery: the pages' paths."""
    page.goto(base + "/products/")
    product = first_link(page, r"/products/[^/]+/")
    page.goto(base + product)
    page.locator("form.add-cart button[type=submit]").first.click()
    page.wait_for_load_state("load")
    page.goto(base + "/thanh-toan/")
    page.fill("input[name=buyer_name]", "Trần Thị Bình")
    page.fill("input[name=buyer_phone]", "0912345678")
    province = page.eval_on_selector("select[name=province]", "s => s.options[s.options.length - 1].value")
    page.select_option("select[name=province]", province)
    page.click("button[name=refresh]")
    page.wait_for_load_state("load")
    commune = page.eval_on_selector("select[name=commune]", "s => s.options[s.options.length - 1].value")
    page.select_option("select[name=commune]", commune)
    page.fill("input[name=street_address]", "12 Lê Lợi")
    page.check("input[name=payment_method][value=cod]")
    page.click("button.ord-submit")
    page.wait_for_load_state("load")
    match = re.search(r"/don-hang/[^/]+/", page.url)
    if not match:
        raise SystemExit(f"checkout did not reach an order page: {page.url}")
    return product, match.group(0)


def audit(base):
    from playwright.sync_api import sync_playwright

    results = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport=MOBILE, locale="vi-VN")
        page = context.new_page()
        page.goto(base + "/")
        stall = first_link(page, r"/stalls/[^/]+/") if page.locator("main a[href^='/stalls/']").count() else None
        if stall is None:
            page.goto(base + "/stalls/")
            stall = first_link(page, r"/stalls/[^/]+/")
        product, order = place_order(page, base)
        # The cart is empty after the order: put the product back for the cart page.
        page.goto(base + product)
        page.locator("form.add-cart button[type=submit]").first.click()
        page.wait_for_load_state("load")
        pages = {
            "home": "/",
            "listing": "/products/",
            "product": product,
            "stall": stall,
            "cart": "/gio-hang/",
            "checkout": "/thanh-toan/",
            "order": order,
            "lookup": "/tra-cuu-don-hang/",
        }
        for viewport in (MOBILE, DESKTOP):
            page.set_viewport_size(viewport)
            for name, path in pages.items():
                page.goto(base + path, wait_until="load")
                row = {
                    "page": name,
                    "path": path,
                    "width": viewport["width"],
                    "scroll_width": page.evaluate("document.documentElement.scrollWidth"),
                    "axe": a11y.axe_violations(page),
                }
                targets = a11y.tap_targets(page)
                row["small_targets"] = targets["small"]
                row["targets"] = targets["total"]
                results.append(row)
        browser.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("base", nargs="?", default="http://127.0.0.1:8000")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    results = audit(args.base.rstrip("/"))
    failed = False
    for row in results:
        wide = row["scroll_width"] > row["width"]
        failed |= wide or bool(row["axe"]) or bool(row["small_targets"])
        print(
            f"{row['page']:9} {row['width']:5}px  width {row['scroll_width']:5}{' WIDE' if wide else ''}  "
            f"axe {sum(len(v) for v in row['axe'].values())} {sorted(row['axe'])}  "
            f"small targets {len(row['small_targets'])}/{row['targets']}"
        )
        for rule, nodes in row["axe"].items():
            print(f"            {rule}: {nodes[:4]}")
        for target in row["small_targets"]:
            print(f"            small: {target}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
