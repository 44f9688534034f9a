"""The pages the law requires (Decree 52/2013/NĐ-CP as amended by Decree 85/2021/NĐ-CP): policy
pages editors can change, in Vietnamese and English, linked from the footer and the checkout; the
operator's details in the footer; the seller's name, address and contact on each product page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import Locale
from wagtail.test.utils.form_data import nested_form_data, querydict_from_html, rich_text, streamfield

from cms import legal_content
from cms.models import LegalIndexPage, LegalPage, SiteSettings
from demo import cms_content as demo
from tests.factories.catalog import ProductFactory
from tests.factories.cms import home_page
from tests.factories.producers import StallFactory

pytestmark = pytest.mark.django_db

KINDS = {"operating_rules", "terms", "privacy", "returns", "delivery", "payment", "complaints", "operator"}


@pytest.fixture
def seeded():
    """The demo's policy pages and operator details, in Vietnamese and English."""
    home = home_page()
    result = demo.Result()
    demo._translate(home, dict(demo.ENGLISH_HOME), result)
    index = demo._legal_pages(home, result)
    demo._english_legal(index, result)
    return index


def test_seed_publishes_every_required_policy_in_both_languages_once(seeded):
    vi = LegalPage.objects.live().filter(locale__language_code="vi")
    en = LegalPage.objects.live().filter(locale__language_code="en")
    assert set(vi.values_list("kind", flat=True)) == KINDS
    assert set(en.values_list("kind", flat=True)) == KINDS
    for page in vi:
        assert page.body.raw_data and page.effective_date, page.slug
    # Seeding again creates nothing, and leaves what editors changed alone.
    page = vi.get(kind="terms")
    page.title = "Điều khoản (đã sửa)"
    page.save_revision().publish()
    result = demo.Result()
    demo._english_legal(demo._legal_pages(seeded.get_parent().specific, result), result)
    assert result.counts == {}
    assert LegalPage.objects.count() == 2 * len(KINDS)
    assert LegalPage.objects.get(pk=page.pk).title == "Điều khoản (đã sửa)"


def test_footer_links_every_policy_and_names_the_operator_in_each_language(client, seeded):
    html = client.get("/").content.decode()
    footer = html[html.index("<footer") :]
    for data in legal_content.PAGES:
        assert f">{data['title']}</a>" in footer
    settings = SiteSettings.objects.get()
    assert settings.operator_name in footer and settings.business_registration in footer
    assert f'href="mailto:{settings.contact_email}"' in footer

    html = client.get("/en/").content.decode()
    footer = html[html.index("<footer") :]
    for data in legal_content.PAGES:
        assert f">{data['en']['title']}</a>" in footer
    assert ">Privacy policy</a>" in footer and 'href="/en/chinh-sach/' in footer


def _footer_of(client):
    """url -> the page's HTML from its footer on."""

    def footer(url):
        html = client.get(url).content.decode()
        return html[html.index("<footer") :]

    return footer


def test_the_header_and_footer_follow_an_editors_change_at_once_in_every_language(client, seeded, settings):
    """The footer and the site's name in the header are rendered once per language and kept
    (cms.cache) until the CMS content changes."""
    settings.STOREFRONT_CACHE_SECONDS = 0  # the page itself rendered each time
    footer = _footer_of(client)
    vi, en, km = footer("/"), footer("/en/"), footer("/km/")
    assert 'aria-label="Đơn hàng và bán hàng"' in vi and 'aria-label="Orders and selling"' in en
    assert 'aria-label="Đơn hàng và bán hàng"' not in km and 'aria-label="Orders and selling"' not in km
    site_settings = SiteSettings.objects.get()
    site_settings.operator_name = "Hợp tác xã Chợ Quê Sóc Trăng"
    site_settings.site_name = "Chợ Quê Sóc Trăng"
    site_settings.save()
    for url in ("/", "/en/", "/km/"):
        assert "Hợp tác xã Chợ Quê Sóc Trăng" in footer(url), url
        assert re.search(r'<a class="brand" href="[^"]*">Chợ Quê Sóc Trăng</a>', client.get(url).content.decode()), url
    terms = LegalPage.objects.get(kind="terms", locale__language_code="vi")
    terms.title = "Điều khoản sử dụng (sửa đổi 2026)"
    terms.save_revision().publish()
    assert ">Điều khoản sử dụng (sửa đổi 2026)</a>" in footer("/")
    assert ">Điều khoản sử dụng (sửa đổi 2026)</a>" not in footer("/en/")  # the English page's own title
    assert 'aria-label="Orders and selling"' in footer("/en/")


def test_the_footer_text_is_the_editors_in_vietnamese_and_english_and_khmer_in_khmer(client, seeded, settings):
    settings.STOREFRONT_CACHE_SECONDS = 0
    site_settings = SiteSettings.objects.get()
    site_settings.footer_text = "Chợ Quê: đặc sản OCOP từ nông hộ."
    site_settings.footer_text_en = "Cho Que: OCOP specialties from farm households."
    site_settings.save()
    footer = _footer_of(client)

    assert "Chợ Quê: đặc sản OCOP từ nông hộ." in footer("/")
    assert "Cho Que: OCOP specialties from farm households." in footer("/en/")
    khmer = footer("/km/")
    assert "ផលិតផលពិសេសដែលមានវិញ្ញាបនបត្រ" in khmer  # the site's own sentence, in Khmer
    assert "Cho Que" not in khmer and "Chợ Quê" not in khmer


def test_a_policy_page_reads_in_both_languages(client, seeded):
    privacy = LegalPage.objects.get(kind="privacy", locale__language_code="vi")
    response = client.get(privacy.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Nghị định 13/2023/NĐ-CP" in html and "Có hiệu lực từ" in html
    english = privacy.get_translation(Locale.objects.get(language_code="en"))
    html = client.get(english.url).content.decode()
    assert "Decree 13/2023/NĐ-CP" in html and "In force since" in html


def test_the_operator_page_shows_the_details_from_the_site_settings(client, seeded):
    settings = SiteSettings.objects.get()
    settings.operator_name = "Công ty Cổ phần Chợ Quê"
    settings.save()
    page = LegalPage.objects.get(kind="operator", locale__language_code="vi")
    html = client.get(page.url).content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert "Công ty Cổ phần Chợ Quê" in main and settings.business_registration in main


def test_checkout_names_what_the_buyer_agrees_to_next_to_the_button(client, seeded):
    product = ProductFactory(price=100000, stock=5)
    client.post(reverse("orders:cart"), {"product": product.pk, "quantity": 1})
    html = client.get(reverse("orders:checkout")).content.decode()
    consent = html[html.index('class="ord-consent"') : html.index('class="ord-submit"')]
    assert "Bằng việc đặt hàng, bạn đồng ý với" in consent
    for kind in ("terms", "privacy", "returns"):
        page = LegalPage.objects.get(kind=kind, locale__language_code="vi")
        assert f'<a href="{page.url}">{page.title}</a>' in consent


def test_a_second_page_of_the_same_kind_in_one_language_is_refused(seeded):
    page = LegalPage(kind="privacy", title="Bảo mật 2", slug="bao-mat-2")
    page.locale = seeded.locale
    with pytest.raises(ValidationError) as caught:
        page.clean()
    assert "kind" in caught.value.message_dict


def test_an_editor_edits_a_policy_and_buyers_see_it_at_once(client, seeded, editor):
    page = LegalPage.objects.get(kind="returns", locale__language_code="vi")
    client.get("/")  # the footer's links are now cached
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:edit", args=[page.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = querydict_from_html(response.content.decode(), form_id="page-edit-form")
    data["title"] = "Đổi trả trong 7 ngày"
    data["intro"] = "Đổi trả miễn phí trong 7 ngày kể từ khi nhận hàng."
    # The body as the editor's widget sends it (JavaScript fills it in a browser).
    data.pop("body", None)
    body = streamfield(
        [
            ("heading", {"text": "Điều kiện", "size": "h2"}),
            ("paragraph", rich_text("<p>Hàng còn nguyên tem, kèm ảnh khi nhận.</p>")),
        ]
    )
    data.update(nested_form_data({"body": body}))
    data["action-publish"] = "action-publish"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    page.refresh_from_db()
    html = client.get(page.url).content.decode()
    assert "Đổi trả miễn phí trong 7 ngày kể từ khi nhận hàng." in html
    assert "Điều kiện</h2>" in html and "Hàng còn nguyên tem, kèm ảnh khi nhận." in html
    footer = client.get("/").content.decode().split("<footer", 1)[1]
    assert ">Đổi trả trong 7 ngày</a>" in footer


def test_a_buyer_cannot_edit_a_policy(client, seeded):
    page = LegalPage.objects.get(kind="returns", locale__language_code="vi")
    response = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk]))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_index_lists_the_policies(client, seeded):
    html = client.get(seeded.url).content.decode()
    assert isinstance(seeded, LegalIndexPage)
    for data in legal_content.PAGES:
        assert data["title"] in html


def test_product_page_shows_the_sellers_name_address_and_contact(client):
    home_page()
    stall = StallFactory(name="Gian hàng Bà Sáu", phone="0912 345 678", street_address="Ấp Mỹ Hòa")
    producer = stall.producer
    producer.legal_name = "Hộ kinh doanh Nguyễn Thị Sáu"
    producer.tax_code = "1801234567"
    producer.personal_id = "012345678901"
    producer.save()
    product = ProductFactory(producer=producer)
    html = client.get(product.get_absolute_url()).content.decode()
    seller = html[html.index('class="facts seller"') :]
    seller = seller[: seller.index("</dl>")]
    assert "Hộ kinh doanh Nguyễn Thị Sáu" in seller
    assert "1801234567" in seller
    assert f"Ấp Mỹ Hòa, {stall.commune.name}, {stall.province.name}" in seller
    assert 'href="tel:0912345678"' in seller
    # The personal ID number (CCCD) is personal data: never on a public page.
    assert "012345678901" not in html
