"""sitemap.xml, robots.txt, the pages' search and sharing meta, and admin previews."""

import datetime
import re

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import querydict_from_html

from catalog.models import Product
from cms.models import ArticleIndexPage, ArticlePage
from core import roles
from tests.factories.catalog import ImageFactory, ProductFactory
from tests.factories.cms import home_page, promotion, promotion_index
from tests.factories.producers import StallFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _default_language():
    """A request to /en/ leaves English active in this thread: don't leak it to later tests."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


SITEMAP_URLS = ["/sitemap.xml", "/sitemap-pages.xml", "/sitemap-products-vi.xml", "/sitemap-stalls-en.xml"]


def locs(response) -> list[str]:
    return re.findall(r"<loc>([^<]+)</loc>", response.content.decode())


def article_index(home, **fields):
    fields.setdefault("title", "Tin tức")
    fields.setdefault("slug", "tin-tuc")
    return home.add_child(instance=ArticleIndexPage(**fields))


def article(index, *, live=True, **fields):
    fields.setdefault("title", "Câu chuyện nông hộ")
    fields.setdefault("slug", "cau-chuyen")
    fields.setdefault("date", datetime.date(2025, 3, 1))
    page = index.add_child(instance=ArticlePage(live=live, **fields))
    if live:
        page.save_revision().publish()
    return page


@pytest.fixture
def home():
    return home_page()


def section_locs(client, section) -> list[str]:
    response = client.get(f"/sitemap-{section}.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return locs(response)


def test_sitemap_index_lists_every_section(client, home):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    assert "<sitemapindex" in response.content.decode()
    assert locs(response) == [
        "http://testserver/sitemap-pages.xml",
        "http://testserver/sitemap-products-vi.xml",
        "http://testserver/sitemap-products-km.xml",
        "http://testserver/sitemap-products-en.xml",
        "http://testserver/sitemap-stalls-vi.xml",
        "http://testserver/sitemap-stalls-km.xml",
        "http://testserver/sitemap-stalls-en.xml",
    ]


def test_sitemap_index_paginates_large_sections(client, home, monkeypatch):
    from catalog.sitemaps import CatalogSitemap

    monkeypatch.setattr(CatalogSitemap, "limit", 2)
    ProductFactory.create_batch(5)

    found = locs(client.get("/sitemap.xml"))

    assert "http://testserver/sitemap-products-vi.xml?p=3" in found
    assert "http://testserver/sitemap-products-vi.xml?p=4" not in found
    assert len(section_locs(client, "products-vi")) == 2
    assert client.get("/sitemap-products-vi.xml?p=3").status_code == 200
    assert client.get("/sitemap-products-vi.xml?p=9").status_code == 404


def test_sitemap_lists_live_public_pages_only(client, home):
    index = promotion_index(home)
    live = promotion(index, slug="dang-dien-ra")
    promotion(index, slug="ban-nhap", live=False)
    expired = promotion(index, slug="het-han")
    # Past its expiry but publish_scheduled has not run yet: still flagged live.
    type(expired).objects.filter(pk=expired.pk).update(expire_at=timezone.now() - datetime.timedelta(hours=1))
    news = article_index(home)
    private = article(news, slug="noi-bo")
    PageViewRestriction.objects.create(page=private, restriction_type=PageViewRestriction.LOGIN)

    found = section_locs(client, "pages")

    assert "http://testserver/" in found
    assert "http://testserver/khuyen-mai/" in found
    assert live.get_full_url().replace("http://localhost", "http://testserver") in found
    assert "http://testserver/khuyen-mai/dang-dien-ra/" in found
    assert "http://testserver/tin-tuc/" in found
    assert not [url for url in found if "ban-nhap" in url or "het-han" in url or "noi-bo" in url]


def test_sitemap_lists_published_products_with_absolute_urls_and_alternates(client, home):
    shown = ProductFactory(slug="banh-pia-soc-trang")
    ProductFactory(slug="ban-nhap", status=Product.Status.DRAFT)
    ProductFactory(slug="luu-tru", status=Product.Status.ARCHIVED)
    ProductFactory(slug="gian-an", producer=StallFactory(is_published=False).producer)

    vi = section_locs(client, "products-vi")
    en = section_locs(client, "products-en")
    body = client.get("/sitemap-products-vi.xml").content.decode()

    assert vi == ["http://testserver/products/banh-pia-soc-trang/"]
    assert en == ["http://testserver/en/products/banh-pia-soc-trang/"]
    assert 'hreflang="en" href="http://testserver/en/products/banh-pia-soc-trang/"' in body
    assert 'hreflang="x-default" href="http://testserver/products/banh-pia-soc-trang/"' in body
    assert f"<lastmod>{timezone.localtime(shown.updated_at):%Y-%m-%d}</lastmod>" in body


def test_sitemap_lists_published_stalls_only(client, home):
    StallFactory(slug="gian-hang-mo")
    StallFactory(slug="gian-hang-an", is_published=False)

    assert section_locs(client, "stalls-vi") == ["http://testserver/stalls/gian-hang-mo/"]
    assert section_locs(client, "stalls-en") == ["http://testserver/en/stalls/gian-hang-mo/"]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_sitemap_query_counts_do_not_grow_with_the_catalog(client, home):
    index = promotion_index(home)
    ProductFactory.create_batch(2)
    promotion(index)
    small = {url: count_queries(client, url) for url in SITEMAP_URLS}
    cache.clear()  # Wagtail caches the site root paths

    ProductFactory.create_batch(20)
    for _ in range(10):
        promotion(index)
    large = {url: count_queries(client, url) for url in SITEMAP_URLS}

    assert large == small
    assert large["/sitemap-products-vi.xml"] <= 2


def test_robots_txt_points_to_the_sitemap_and_keeps_crawlers_out_of_the_admin(client):
    response = client.get("/robots.txt")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Disallow: /admin/" in lines
    assert "Disallow: /django-admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_page_meta_uses_seo_fields_and_the_open_graph_image(client, home):
    news = article_index(home)
    article(
        news,
        seo_title="Bánh pía Sóc Trăng: câu chuyện",
        search_description="Nông hộ làm bánh pía ba đời.",
        og_image=ImageFactory(),
    )

    html = client.get("/tin-tuc/cau-chuyen/").content.decode()

    assert '<meta name="description" content="Nông hộ làm bánh pía ba đời.">' in html
    assert '<meta property="og:description" content="Nông hộ làm bánh pía ba đời.">' in html
    assert '<meta property="og:title" content="Bánh pía Sóc Trăng: câu chuyện">' in html
    assert '<link rel="canonical" href="http://testserver/tin-tuc/cau-chuyen/">' in html
    assert '<meta property="og:url" content="http://testserver/tin-tuc/cau-chuyen/">' in html
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html)
    assert image is not None
    assert image.group(1).startswith("http://testserver/")
    assert ".fill-1200x630" in image.group(1)
    assert html.count('property="og:title"') == 1


def test_page_meta_falls_back_to_the_cover_then_to_no_image(client, home):
    news = article_index(home)
    article(news, slug="co-anh-bia", cover=ImageFactory())
    article(news, slug="khong-anh")

    with_cover = client.get("/tin-tuc/co-anh-bia/").content.decode()
    without = client.get("/tin-tuc/khong-anh/").content.decode()

    assert re.search(r'<meta property="og:image" content="http://testserver/[^"]+fill-1200x630', with_cover)
    assert 'property="og:image"' not in without
    assert '<meta property="og:title" content="Câu chuyện nông hộ">' in without


def test_product_page_keeps_its_own_open_graph_tags(client, home):
    product = ProductFactory(name="Bánh pía Sóc Trăng", short_description="Nhân sầu riêng.")

    html = client.get(product.get_absolute_url()).content.decode()

    assert '<meta property="og:type" content="product">' in html
    assert '<meta property="og:title" content="Bánh pía Sóc Trăng">' in html
    assert '<meta property="og:description" content="Nhân sầu riêng.">' in html
    assert html.count('rel="canonical"') == 1


# --- Previews -------------------------------------------------------------------------


@pytest.fixture
def editor(client):
    user = UserFactory(groups=[roles.EDITOR])
    client.force_login(user)
    return user


def preview(client, page):
    """Post the edit form as it stands to the preview view, then render the preview."""
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert edit.status_code == 200
    data = querydict_from_html(edit.content.decode(), form_id="page-edit-form")
    # StreamFields are drawn by JavaScript: an empty body is posted as no blocks.
    data.setdefault("body-count", "0")
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[page.pk])
    posted = client.post(url, data)
    assert posted.json()["is_valid"], posted.json()
    return client.get(url)


def test_editor_previews_the_home_page(client, editor, home):
    response = preview(client, home)

    assert response.status_code == 200
    assert "cms/home_page.html" in [t.name for t in response.templates]


def test_editor_previews_a_promotion(client, editor, home):
    page = promotion(promotion_index(home), title="Tết sum vầy")

    response = preview(client, page)

    assert response.status_code == 200
    assert "cms/promotion_page.html" in [t.name for t in response.templates]
    assert "Tết sum vầy" in response.content.decode()


def test_editor_previews_an_article(client, editor, home):
    page = article(article_index(home), title="Mùa nước nổi")

    response = preview(client, page)

    assert response.status_code == 200
    assert "cms/article_page.html" in [t.name for t in response.templates]
    assert "Mùa nước nổi" in response.content.decode()
