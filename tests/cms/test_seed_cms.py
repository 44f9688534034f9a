"""``seed_demo``'s CMS content: three promotions (live, scheduled, expired), six articles, a home body."""

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

    assert len(first["promotions"]) == 3 and len(first["articles"]) == 6 and first["indexes"] == 2
    promotions = {p.slug: p for p in PromotionPage.objects.all()}
    live = promotions["tuan-le-dac-san-dong-bang-song-cuu-long"]
    assert live.live and live.is_on_sale()
    assert live.promoted_products.exists()
    scheduled = promotions["mung-xuan-2027"]
    assert not scheduled.live and not scheduled.expired
    assert scheduled.revisions.filter(approved_go_live_at=scheduled.go_live_at).exists()
    expired = promotions["le-hoi-trai-cay-nam-bo"]
    assert not expired.live and expired.expired and expired.has_ended()

    articles = ArticlePage.objects.live()
    assert articles.count() == 6
    for article in articles:
        assert article.cover_id and article.tags.exists() and article.body.raw_data, article.slug
    assert ArticlePage.objects.filter(related_products__isnull=False).distinct().count() >= 4

    home = HomePage.objects.get()
    assert [block.block_type for block in home.body] == ["heading", "paragraph", "product_carousel", "call_to_action"]
    assert len(home.body[2].value.product_ids()) == 6
    assert PromotionIndexPage.objects.get().show_in_menus and ArticleIndexPage.objects.get().show_in_menus
    assert SiteSettings.objects.get().footer_text

    content = client.get("/").content.decode()
    assert live.title in content and scheduled.title not in content and expired.title not in content
    assert "Tin tức" in content and "Khuyến mãi" in content
