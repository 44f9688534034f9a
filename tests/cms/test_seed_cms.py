"""``seed_demo``'s CMS content: three promotions (live, scheduled, expired), six articles, a home body."""

import re
from io import StringIO

import pytest
from django.core.management import call_command

from cms.models import ArticleIndexPage, ArticlePage, HomePage, PromotionIndexPage, PromotionPage, SiteSettings


def snapshot():
    return {
        "promotions": sorted(PromotionPage.objects.values_list("slug", flat=True)),
        "articles": sorted(ArticlePage.objects.values_list("slug", flat=True)),
        "indexes": PromotionIndexPage.objects.count() + ArticleIndexPage.objects.count(),
        "revisions": sorted(
            (p.slug, p.revisions.count()) for p in [*PromotionPage.objects.all(), *ArticlePage.objects.all()]
        ),
    }


@pytest.mark.django_db
def test_seed_creates_the_cms_content_once_with_a_live_a_scheduled_and_an_expired_promotion(client):
    call_command("seed_demo", image_size=200, allow_production=True, stdout=StringIO())
    first = snapshot()
    second_out = StringIO()
    call_command("seed_demo", image_size=200, allow_production=True, stdout=second_out)
    assert snapshot() == first
    assert "cms: pages created" not in second_out.getvalue()

    vi = {"locale__language_code": "vi"}
    assert PromotionPage.objects.filter(**vi).count() == 3 and ArticlePage.objects.filter(**vi).count() == 6
    assert first["indexes"] == 4  # each in Vietnamese and English
    promotions = {p.slug: p for p in PromotionPage.objects.filter(**vi)}
    live = promotions["tuan-le-dac-san-dong-bang-song-cuu-long"]
    assert live.live and live.is_on_sale()
    assert live.promoted_products.exists()
    scheduled = promotions["mung-xuan-2027"]
    assert not scheduled.live and not scheduled.expired
    assert scheduled.revisions.filter(approved_go_live_at=scheduled.go_live_at).exists()
    expired = promotions["le-hoi-trai-cay-nam-bo"]
    assert not expired.live and expired.expired and expired.has_ended()

    articles = ArticlePage.objects.live().filter(**vi)
    assert articles.count() == 6
    for article in articles:
        assert article.cover_id and article.tags.exists() and article.body.raw_data, article.slug
    assert ArticlePage.objects.filter(related_products__isnull=False, **vi).distinct().count() >= 4

    home = HomePage.objects.get(**vi)
    assert [block.block_type for block in home.body] == ["heading", "paragraph", "product_carousel", "call_to_action"]
    assert len(home.body[2].value.product_ids()) == 6
    assert PromotionIndexPage.objects.get(**vi).show_in_menus and ArticleIndexPage.objects.get(**vi).show_in_menus
    assert SiteSettings.objects.get().footer_text

    content = client.get("/").content.decode()
    assert live.title in content and scheduled.title not in content and expired.title not in content
    assert "Tin tức" in content and "Khuyến mãi" in content

    # The English site: every seeded page translated (the expired promotion as a draft), the
    # menus, hero, footer and home sections in English, no Vietnamese words in the chrome.
    en = {"locale__language_code": "en"}
    assert PromotionPage.objects.filter(**en).count() == 3 and ArticlePage.objects.live().filter(**en).count() == 6
    english_live = PromotionPage.objects.get(translation_key=live.translation_key, **en)
    assert english_live.live and english_live.title == "Mekong Delta Specialty Week"
    assert not PromotionPage.objects.get(translation_key=expired.translation_key, **en).live
    # A translation is the same campaign: prices count it once.
    from catalog.pricing import live_offers

    assert [o.promotion_id for o in live_offers()] == [live.pk]

    html = client.get("/en/").content.decode()
    assert "OCOP specialties from Vietnamese farming households" in html
    assert ">Promotions</a>" in html and ">News</a>" in html
    assert "Mekong Delta Specialty Week" in html and "OCOP-certified gifts from the countryside" in html
    assert "bought straight from Vietnamese farming households and cooperatives." in html
    assert_no_vietnamese_chrome(html)
    news = client.get("/en/tin-tuc/").content.decode()
    assert "Cần Thơ OCOP fair" in news
    assert_no_vietnamese_chrome(news)
    assert "Mekong Delta Specialty Week" in client.get("/en/khuyen-mai/").content.decode()


VIETNAMESE = re.compile(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", re.I)


def assert_no_vietnamese_chrome(html):
    """The header and footer (but for the postal address, a proper name) have no Vietnamese words."""
    # The language switcher names each language in its own script ("Tiếng Việt").
    header = re.sub(r'<a [^>]*lang="vi"[^>]*>[^<]*</a>', "", html[html.index("<header") : html.index("</header>")])
    footer = re.sub(r"<address.*?</address>", "", html[html.index("<footer") : html.index("</footer>")], flags=re.S)
    for part in (header, footer):
        assert not VIETNAMESE.search(part), VIETNAMESE.findall(part)
