"""The news index (pagination, tag filter) and an article page."""

import html

import pytest

from tests.cms.test_home import article, article_index
from tests.factories.catalog import ProductFactory
from tests.factories.cms import home_page
from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def index():
    return article_index(home_page())


def tagged(index, days_ago, *tags, **fields):
    page = article(index, days_ago=days_ago, **fields)
    if tags:
        page.tags.add(*tags)
        page.save_revision().publish()
    return page


def test_listing_shows_live_articles_newest_first(client, index):
    tagged(index, 3, intro="Hội chợ ở bến Ninh Kiều")
    tagged(index, 1)
    tagged(index, 2, live=False)
    response = client.get(index.url)
    assert response.status_code == 200
    assert [a.title for a in response.context["articles"]] == ["Bài viết 1", "Bài viết 3"]
    assert "Hội chợ ở bến Ninh Kiều" in response.content.decode()


def test_listing_is_paginated_twelve_per_page(client, index):
    for days in range(14):
        article(index, days_ago=days)
    first = client.get(index.url)
    assert len(first.context["articles"]) == 12
    assert 'rel="next"' in first.content.decode()
    second = client.get(index.url, {"page": 2})
    assert [a.title for a in second.context["articles"]] == ["Bài viết 12", "Bài viết 13"]


@pytest.mark.parametrize("page", ["abc", "99"])
def test_a_bad_page_shows_the_first_page_and_says_so(client, index, page):
    article(index, days_ago=1)
    response = client.get(index.url, {"page": page})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert response.context["page_error"]
    assert html.escape(response.context["page_error"]) in response.content.decode()


def test_the_tag_filter_keeps_the_tagged_articles(client, index):
    tagged(index, 1, "Cà phê", "Quảng Trị")
    tagged(index, 2, "Chè")
    response = client.get(index.url, {"tag": "ca-phe"})
    assert [a.title for a in response.context["articles"]] == ["Bài viết 1"]
    content = response.content.decode()
    assert "#Cà phê" in content and 'aria-current="page">#Cà phê' in content


def test_an_unknown_tag_shows_an_empty_list_and_a_message(client, index):
    tagged(index, 1, "Chè")
    response = client.get(index.url, {"tag": "khong-co"})
    assert response.status_code == 200
    assert list(response.context["articles"]) == []
    assert response.context["tag_error"]
    assert html.escape(response.context["tag_error"]) in response.content.decode()


def test_article_page_shows_its_tags_and_related_stall_and_product(client, index):
    stall = StallFactory(name="Gian hàng Mật ong U Minh")
    product = ProductFactory(name="Mật ong tràm 500ml")
    page = article(index, days_ago=1, author="Minh Thư", title="Mật ong rừng tràm")
    page.tags.add("Cà Mau")
    page.related_stalls = [stall]
    page.related_products = [product]
    page.save_revision().publish()
    response = client.get(page.url)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Minh Thư" in content
    assert f'href="{index.url}?tag=ca-mau"' in content
    assert response.context["related_stalls"] == [stall]
    assert response.context["related_products"] == [product]
    assert "Gian hàng Mật ong U Minh" in content and "Mật ong tràm 500ml" in content


def test_unpublished_related_product_is_not_shown(client, index):
    draft = ProductFactory(name="Bản nháp", status="draft")
    page = article(index, days_ago=1)
    page.related_products = [draft]
    page.save_revision().publish()
    response = client.get(page.url)
    assert "Bản nháp" not in response.content.decode()


def test_menu_lists_the_home_pages_children_shown_in_menus(client, index):
    index.show_in_menus = True
    index.save_revision().publish()
    content = client.get("/products/").content.decode()
    assert f'href="{index.url}">Tin tức</a>' in content
