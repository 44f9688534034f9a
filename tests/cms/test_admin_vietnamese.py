"""The Wagtail admin in Vietnamese for editors and officers: a crawl of every screen they open.

The crawl logs in as an editor and as an officer, follows every admin link they are shown
(plus the choosers and add forms that scripts open) and fails on any visible English word
outside a short list of proper names (tests/cms/admin_crawl.py). ADMIN_CRAWL_REPORT=<file>
writes what it saw (strings, the English ones, URLs) as JSON.
"""

import json
import os

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale

from cms.models import ArticleIndexPage, ArticlePage
from core import roles
from producers.media_collections import PRODUCER_PHOTOS
from tests.cms import admin_crawl
from tests.factories.catalog import CategoryFactory, ImageFactory, ProductFactory, ProductImageFactory
from tests.factories.cms import home_page, promotion, promotion_index
from tests.factories.producers import CommuneFactory, OfficerFactory, StallFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def site_content():
    """A small site with something on every screen: pages in a workflow, pictures, documents, a stall."""
    from django.core.files.base import ContentFile

    home = home_page(title="Chợ OCOP", slug="cho-ocop")
    index = promotion_index(home)
    author = UserFactory(username="tac-gia", groups=[roles.EDITOR])
    product = ProductFactory(name="Bánh pía Sóc Trăng")
    live = promotion(index, title="Tuần lễ đặc sản", slug="tuan-le-dac-san", products=[product])
    live.save_revision(user=author)
    draft = promotion(index, title="Mừng Xuân", slug="mung-xuan", products=[product], live=False, owner=author)
    draft.save_revision(user=author)
    from wagtail.models import Workflow

    Workflow.objects.get(name="Duyệt khuyến mãi").start(draft, author)
    articles = home.add_child(instance=ArticleIndexPage(title="Tin tức", slug="tin-tuc"))
    article = articles.add_child(
        instance=ArticlePage(title="Hội chợ OCOP", slug="hoi-cho-ocop", date=timezone.localdate(), author="Minh Thư")
    )
    article.save_revision(user=author).publish()
    photos = Collection.objects.get(name="Khuyến mãi")
    ImageFactory(title="Băng rôn Tết", collection=photos, uploaded_by_user=author)
    get_document_model().objects.create(
        title="Thể lệ chương trình", file=ContentFile(b"the le", name="the-le.txt"), collection=photos
    )
    CategoryFactory(name="Thực phẩm")
    home.copy_for_translation(Locale.objects.get(language_code="en")).save_revision().publish()
    return {"home": home, "index": index, "draft": draft, "article": article, "articles": articles}


@pytest.fixture
def officer_content(site_content):
    commune = CommuneFactory()
    officer = OfficerFactory(communes=[commune]).user
    stall = StallFactory(commune=commune, province=commune.province)
    product = ProductFactory(producer=stall.producer, name="Mật ong U Minh")
    ProductImageFactory(
        product=product,
        image=ImageFactory(
            title="Mật ong", collection=Collection.objects.get(name=PRODUCER_PHOTOS), uploaded_by_user=officer
        ),
    )
    return officer, stall, product


def _start(content):
    home, index, draft, article, articles = (
        content["home"],
        content["index"],
        content["draft"],
        content["article"],
        content["articles"],
    )
    urls = [
        "/admin/",
        "/admin/pages/",
        f"/admin/pages/{home.pk}/",
        f"/admin/pages/{index.pk}/",
        f"/admin/pages/{home.pk}/edit/",
        f"/admin/pages/{index.pk}/edit/",
        f"/admin/pages/{draft.pk}/edit/",
        f"/admin/pages/{article.pk}/edit/",
        f"/admin/pages/{draft.pk}/history/",
        f"/admin/pages/{draft.pk}/workflow_history/",
        reverse("wagtailadmin_pages:add", args=["cms", "promotionpage", index.pk]),
        reverse("wagtailadmin_pages:add", args=["cms", "articlepage", articles.pk]),
        reverse("wagtailadmin_pages:add_subpage", args=[home.pk]),
        reverse("wagtailadmin_pages:search"),
        reverse("wagtailadmin_choose_page"),
        reverse("wagtailadmin_choose_page_child", args=[home.pk]),
        reverse("wagtailadmin_choose_page_search"),
        reverse("wagtailadmin_choose_page_external_link"),
        reverse("wagtailadmin_choose_page_email_link"),
        reverse("wagtailadmin_choose_page_phone_link"),
        reverse("wagtailadmin_choose_page_anchor_link"),
        reverse("wagtailimages:index"),
        reverse("wagtailimages:add"),
        reverse("wagtailimages:add_multiple"),
        reverse("wagtailimages_chooser:choose"),
        reverse("wagtaildocs:index"),
        reverse("wagtaildocs:add"),
        reverse("wagtaildocs:add_multiple"),
        reverse("wagtaildocs_chooser:choose"),
        reverse("wagtailadmin_account"),
        reverse("wagtailadmin_reports:locked_pages"),
        reverse("wagtailadmin_reports:workflow"),
        reverse("wagtailadmin_reports:workflow_tasks"),
        reverse("wagtailadmin_reports:aging_pages"),
        reverse("wagtailadmin_reports:site_history"),
        reverse("wagtailadmin_reports:page_types_usage"),
        reverse("simple_translation:submit_page_translation", args=[index.pk]),
        "/admin/snippets/",
    ]
    return urls


def _report(name, result, found):
    path = os.environ.get("ADMIN_CRAWL_REPORT")
    if not path:
        return
    path = path.replace(".json", f"-{name}.json")
    with open(path, "w", encoding="utf-8") as out:
        json.dump(
            {
                "visited": result.visited,
                "errors": result.errors,
                "strings": len(result.strings),
                "english": len(found),
                "english_strings": {s: {"words": w, "url": result.where[s]} for s, w in sorted(found.items())},
            },
            out,
            ensure_ascii=False,
            indent=1,
        )


def _check(client, user, start, name):
    client.force_login(user)
    result = admin_crawl.crawl(client, start)
    # The catalogue's English names of the OCOP groups are data shown in their own column.
    from catalog.models import Category

    found = admin_crawl.english(
        result.strings, ignore=Category.objects.exclude(name_en="").values_list("name_en", flat=True)
    )
    _report(name, result, found)
    assert len(result.visited) > 40
    assert not found, f"{len(found)} of {len(result.strings)} strings are English:\n" + "\n".join(
        f"{s!r} ({result.where[s]})" for s in sorted(found)[:200]
    )


def test_editor_sees_the_admin_in_vietnamese(client, editor, site_content):
    _check(client, editor, _start(site_content), "editor")


def test_officer_sees_the_admin_in_vietnamese(client, officer_content, site_content):
    officer, stall, product = officer_content
    start = [
        "/admin/",
        reverse("wagtailimages:index"),
        reverse("wagtailimages:add"),
        reverse("wagtailimages_chooser:choose"),
        reverse("wagtailadmin_account"),
        "/admin/snippets/",
    ]
    _check(client, officer, start, "officer")


def test_the_sidebar_says_trang_for_pages_not_pagination(client, editor, site_content):
    client.force_login(editor)
    html = client.get("/admin/").content.decode()
    props = html[html.index('id="wagtail-sidebar-props"') :]
    assert '"Trang"' in props
    assert "Phân trang" not in props


def test_time_spans_are_vietnamese_however_long_the_page_took():
    """Wagtail's lists say "2 phút trước": Django's own catalogue leaves "2 minutes" in English,
    which the crawl above only meets when a slow run lets two minutes pass."""
    import datetime

    from django.utils import timezone, translation
    from django.utils.timesince import timesince

    now = timezone.now()
    with translation.override("vi"):
        spans = [
            timesince(now - delta, now)
            for delta in (
                datetime.timedelta(minutes=2),
                datetime.timedelta(hours=3),
                datetime.timedelta(days=2),
                datetime.timedelta(days=14),
                datetime.timedelta(days=61),
                datetime.timedelta(days=731),
            )
        ]
    assert spans == ["2\xa0phút", "3\xa0giờ", "2\xa0ngày", "2\xa0tuần", "2\xa0tháng", "2\xa0năm"]
