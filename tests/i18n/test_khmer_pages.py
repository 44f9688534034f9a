"""Every household screen, and the storefront a buyer walks through, rendered in Khmer.

The producer's own words (product names, stall names, addresses, notes: anything stored in
the database) stay as written; everything else on the page must be Khmer. The check reads
the text a person sees or hears (text nodes, placeholders, labels for screen readers),
takes out what the database holds, and looks for Vietnamese letters or Latin words left.
"""

import re

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse, translate_url
from lxml import html as lxml_html
from wagtail.fields import StreamField

from core import roles
from onboarding import receipt
from onboarding.household_views import ALL_STEPS
from tests.factories.catalog import ProductFactory
from tests.factories.cms import home_page
from tests.factories.onboarding import complete_application
from tests.factories.producers import CommuneFactory, ProvinceFactory, StallFactory, UserFactory
from tests.factories.traceability import published_batch

pytestmark = pytest.mark.django_db

# Names, codes and brands that are the same in every language.
ALLOWED_WORDS = {
    "OCOP", "Market", "VietQR", "QR", "PDF", "CSV", "UTF", "XLSX", "Excel", "GTIN", "GS1", "Digital", "Link",
    "Zalo", "SMS", "Facebook", "YouTube", "Visa", "MB", "kg", "mm", "A4", "A5", "CCCD", "JPG", "PNG", "WebP",
    "HEIC", "VietGAP", "CVC", "JavaScript", "Save", "as", "File", "Bearer",
}  # fmt: skip
# Vietnamese a household types or reads on its papers, quoted in the help texts as examples
# (addresses before July 2025, legal references, a stall name, the units it sells in).
ALLOWED_PHRASES = [
    "xã Hòa Liên, huyện Hòa Vang, Đà Nẵng",
    "Mật ong Bà Tư",
    "NĐ-CP",
    "QĐ-UBND",
    "Nguyễn Văn An",
    "NGUYEN VAN AN",
    # the search box's examples, each alone: a synonym stored as "ca phe" is taken out first
    "banh pia",
    "ca phe",
]
# Latin letters with a diacritic (Vietnamese: ă, ơ, ư, đ, ạ, ế …), not signs such as ×.
VIETNAMESE_LETTER = re.compile(r"[À-ÖØ-öø-ɏḀ-ỿ]")
# A word of two Latin letters or more; codes with digits (L2025-07, GS1, A5) are not words.
LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z']+(?![A-Za-z0-9])")
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
CONTENT_APPS = (
    "catalog", "producers", "onboarding", "orders", "traceability", "cms", "reviews", "wagtailcore", "wagtailimages",
)  # fmt: skip


def stored_text(world=None) -> list[str]:
    """Every string in the database (what producers, buyers and editors wrote, the administrative
    units), the banks' names, and the neighbouring provinces the stall's delivery estimate names
    (from producers/data): proper names, shown as they are."""
    from producers.banks import bank_choices
    from producers.delivery import neighbour_names

    found = {part.strip() for _code, label in bank_choices() for part in (label, *label.split(" – "))}
    if world is not None:
        found.add(", ".join(neighbour_names(world["stall"].province_id)))
    content_models = [model for app in CONTENT_APPS for model in apps.get_app_config(app).get_models()]
    for model in [*content_models, apps.get_model("auth", "User")]:
        # A Wagtail page's body (a policy page's articles) is what an editor wrote, like a product's.
        for field in [f.name for f in model._meta.concrete_fields if isinstance(f, StreamField)]:
            for obj in model.objects.all():
                rendered = str(getattr(obj, field))
                if rendered.strip():
                    found.update(lxml_html.fromstring(f"<div>{rendered}</div>").itertext())
        fields = [f.name for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            for value in row:
                if isinstance(value, str) and "<" in value:  # rich text: its paragraphs
                    found.update(lxml_html.fromstring(f"<div>{value}</div>").itertext())
                elif isinstance(value, str):
                    found.add(value)
    found = {text.strip() for text in found if len(text.strip()) > 1}
    # Longest first, so a name is taken out before a shorter one inside it.
    return sorted(found, key=len, reverse=True)


def visible_texts(body: str):
    """(where, text) of what the page shows or reads out, outside other languages' marks."""
    root = lxml_html.fromstring(body)
    for bad in root.xpath("//script | //style | //template | //*[@translate='no'] | //*[@lang and @lang!='km']"):
        if bad.getparent() is not None:
            tail = bad.tail
            parent = bad.getparent()
            parent.remove(bad)
            if tail:  # keep the text that followed the removed element
                yield parent.tag, tail
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.text:
            yield element.tag, element.text
        if element.tail:
            yield element.tag, element.tail
        for attribute in READ_ATTRIBUTES:
            if element.get(attribute):
                yield f"{element.tag}@{attribute}", element.get(attribute)
        if element.tag == "input" and element.get("type") in {"submit", "button"} and element.get("value"):
            yield "input@value", element.get("value")


def leftovers(body: str, content: list[str]) -> list[str]:
    """Vietnamese or English interface text left on a Khmer page."""
    found = []
    for where, text in visible_texts(body):
        text = re.sub(r"https?://\S+", " ", text)  # a link shown as such
        for phrase in (*content, *ALLOWED_PHRASES):
            if phrase in text:  # as a whole: "25" stored somewhere does not excuse "L2025"
                text = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", text)
        bad = VIETNAMESE_LETTER.findall(text) or [w for w in LATIN_WORD.findall(text) if w not in ALLOWED_WORDS]
        if bad:
            found.append(f"{where}: {text.strip()!r}")
    return found


def assert_khmer(response, content):
    assert response.status_code == 200, response.status_code
    assert response["Content-Language"] == "km"
    body = response.content.decode()
    assert '<html lang="km">' in body
    assert "css/km.css" in body  # the Khmer font, on Khmer pages only
    left = leftovers(body, content)
    assert not left, "\n".join(left)
    return body


@pytest.fixture
def world(commune, officer, editor):
    """A household with a stall on sale, an application in progress, a batch, a delivered order
    with one product reviewed (published, answered by the stall) and one still to review; the
    policy pages; and a buyer's cart."""
    household = UserFactory(groups=[roles.FARMER], first_name="Sóc", last_name="Thạch")
    # In Cần Thơ: the product page's delivery estimate names its neighbouring provinces.
    can_tho = ProvinceFactory(code="92", name="Thành phố Cần Thơ", short_name="Cần Thơ", slug="can-tho")
    stall = StallFactory(
        name="Gian hàng Thạch Sóc",
        shipping_fee=30000,
        free_shipping_over=500000,
        province=can_tho,
        commune=CommuneFactory(province=can_tho),
    )
    stall.producer.owner = household
    stall.producer.save()
    product = ProductFactory(producer=stall.producer, name="Mắm bò hóc", price=150000, stock=10)
    second = ProductFactory(producer=stall.producer, name="Đường thốt nốt", price=80000, stock=5)
    application = complete_application(household=household, created_by=household, commune=commune, officer=officer)
    batch = published_batch(product=product, code="TT-01")
    from orders.services import place_order

    order = place_order(
        {product.pk: 2, second.pk: 1},
        {
            "buyer_name": "Trần Thị Bình",
            "buyer_phone": "+84912345678",
            "buyer_email": "binh@example.com",
            "province": commune.province,
            "commune": commune,
            "street_address": "12 Lê Lợi",
            "note": "",
            "payment_method": "cod",
        },
    )
    from orders.models import FulfilmentGroup
    from orders.services import set_group_status
    from reviews import services as reviews

    group = order.groups.get(stall=stall)
    set_group_status(group, to=FulfilmentGroup.Status.PREPARING)
    set_group_status(group, to=FulfilmentGroup.Status.SHIPPED, tracking_number="VN123456789")
    set_group_status(group, to=FulfilmentGroup.Status.DELIVERED)
    reviewed = group.lines.get(product=product)
    review = reviews.review_submit(line=reviewed, rating=4, text="Mắm ngon, đóng gói kỹ.", author_name="Bình")
    reviews.review_moderate(review=review, approve=True, actor=editor)
    reviews.review_reply(review=review, text="Cảm ơn chị Bình!", actor=household)

    from demo import cms_content as demo

    policies = demo._legal_pages(home_page(), demo.Result())
    return {
        "household": household,
        "stall": stall,
        "product": product,
        "application": application,
        "batch": batch,
        "order": order,
        "group": group,
        "reviewed_line": reviewed,
        "line_to_review": group.lines.get(product=second),
        "policy": policies.get_children().live().first(),
    }


def in_khmer(url):
    return translate_url(url, "km")


def household_pages(w):
    """The household's screens, in Khmer (extend when a household screen is added)."""
    app = w["application"]
    pages = [
        "/km/ho-so/",
        f"/km/ho-so/{app.pk}/",
        f"/km/ho-so/{app.pk}/quick/",
        f"/km/ho-so/{app.pk}/quick-product/",
        *(f"/km/ho-so/{app.pk}/{step}/" for step in ALL_STEPS),
        "/km/thong-bao/",
        "/km/gian-hang-cua-toi/don-hang/",
        f"/km/gian-hang-cua-toi/don-hang/{w['group'].pk}/",
        "/km/lo-hang/",
        "/km/lo-hang/moi/",
        f"/km/lo-hang/{w['batch'].pk}/",
        "/km/gian-hang-cua-toi/danh-gia/",
    ]
    return pages


def anonymous_pages(w):
    """The storefront a buyer walks through, in Khmer (extend when a storefront screen is added)."""
    return [
        "/km/dang-ky/",
        "/km/dang-nhap/",
        "/km/products/",
        in_khmer(w["product"].get_absolute_url()),
        "/km/stalls/",
        in_khmer(w["stall"].get_absolute_url()),
        "/km/gio-hang/",
        "/km/thanh-toan/",
        "/km/tra-cuu-don-hang/",
        f"/km/don-hang/{w['order'].access_token}/",
        f"/km/truy-xuat/{w['batch'].trace_code}/",
        # the order page of a delivered line: its review form, and the one already reviewed
        in_khmer(reverse("reviews:write", args=[w["order"].access_token, w["line_to_review"].pk])),
        in_khmer(reverse("reviews:write", args=[w["order"].access_token, w["reviewed_line"].pk])),
        # a policy page (its articles are the editors' content) and the buyer's sign-in
        f"/km{w['policy'].url}",
        "/km/tai-khoan/dang-nhap/",
        # the status page the printed receipt's QR code opens
        in_khmer(reverse("onboarding:status", args=[receipt.status_token(w["application"])])),
    ]


def test_every_household_screen_is_in_khmer(client, world):
    client.force_login(world["household"])
    content = stored_text(world)
    for url in household_pages(world):
        response = client.get(url)
        try:
            assert_khmer(response, content)
        except AssertionError as error:
            raise AssertionError(f"{url}: {error}") from None


def test_the_storefront_a_buyer_walks_through_is_in_khmer(client, world):
    client.post("/km/gio-hang/", {"product": world["product"].pk, "quantity": 1})
    content = stored_text(world)
    for url in anonymous_pages(world):
        response = client.get(url)
        try:
            assert_khmer(response, content)
        except AssertionError as error:
            raise AssertionError(f"{url}: {error}") from None


def test_a_search_without_results_offers_help_in_khmer(client, world):
    """A typo is corrected ("did you mean"), else categories are offered: both in Khmer. What the
    buyer typed, and the product name the correction quotes, are shown as written."""
    for typed, expected in (("mam bo hox", "តើអ្នកចង់និយាយថា"), ("zzqx", "មើលក្នុងប្រភេទទាំងនេះ")):
        response = client.get("/km/products/", {"q": typed})
        words = typed.split()
        # the suggestion is the typed query corrected, or some of its words
        typed_parts = [" ".join(words[i:j]) for i in range(len(words)) for j in range(len(words), i, -1)]
        body = assert_khmer(response, ["mắm bò hóc", *typed_parts, *stored_text()])
        # PostgreSQL's trigram matching may find the product itself, without asking.
        assert expected in body or (typed == "mam bo hox" and "Mắm bò hóc" in body), typed


def test_the_buyer_signs_in_and_sees_her_account_in_khmer(client, world, notify_outbox, monkeypatch):
    """The code page, the account (her orders, her reviews, a saved address) and the checkout
    with her saved addresses: all in Khmer."""
    from core.notify import send_now
    from orders import buyer_accounts

    monkeypatch.setattr(buyer_accounts, "notify_on_commit", send_now)
    order = world["order"]
    client.post("/km/tai-khoan/dang-nhap/", {"phone": "0912 345 678"})
    content = stored_text(world)
    assert_khmer(client.get("/km/tai-khoan/nhap-ma/"), content)
    code = re.search(r"\b(\d{6})\b", notify_outbox[-1].body).group(1)
    assert client.post("/km/tai-khoan/nhap-ma/", {"code": code}).status_code == 302
    account = buyer_accounts.current_buyer(type("R", (), {"session": client.session})())
    buyer_accounts.buyer_address_save(
        account=account,
        data={
            "buyer_name": order.buyer_name,
            "buyer_phone": order.buyer_phone,
            "province": order.province,
            "commune": order.commune,
            "street_address": order.street_address,
        },
    )
    client.post("/km/gio-hang/", {"product": world["product"].pk, "quantity": 1})
    content = stored_text(world)
    for url in ("/km/tai-khoan/", "/km/thanh-toan/"):
        try:
            body = assert_khmer(client.get(url), content)
        except AssertionError as error:
            raise AssertionError(f"{url}: {error}") from None
    assert "ការវាយតម្លៃរបស់ខ្ញុំ" in body or url == "/km/thanh-toan/"


def test_the_wagtail_home_page_renders_under_km_with_khmer_menus_and_vietnamese_content(client, world):
    response = client.get("/km/")
    body = assert_khmer(response, stored_text())
    # Links stay in Khmer: the menus and the site's own links carry the /km/ prefix.
    assert 'href="/km/products/"' in body and 'href="/km/gio-hang/"' in body


def test_the_checks_would_catch_vietnamese_and_english_interface_text():
    page = '<html lang="km"><body><p>Giỏ hàng</p><button>Add to cart</button><p>កន្ត្រក OCOP</p></body></html>'
    assert len(leftovers(page, [])) == 2
    assert leftovers(page, ["Giỏ hàng", "Add to cart"]) == []
    assert leftovers('<p lang="vi">Tiếng Việt</p><p translate="no">Mắm bò hóc</p>', []) == []


def test_the_new_storefront_parts_are_on_the_pages_checked(client, world):
    """The pages above do show what they are listed for (so a passing check means something)."""
    expected = {
        in_khmer(world["product"].get_absolute_url()): ["ការវាយតម្លៃរបស់អ្នកទិញ", "ការដឹកជញ្ជូនប៉ាន់ស្មាន", "បានលក់"],
        f"/km/don-hang/{world['order'].access_token}/": ["វាយតម្លៃផលិតផលនេះ", "មើលការវាយតម្លៃរបស់អ្នក"],
        in_khmer(reverse("reviews:write", args=[world["order"].access_token, world["line_to_review"].pk])): [
            "ផ្ញើការវាយតម្លៃ"
        ],
        f"/km{world['policy'].url}": ["មានសុពលភាពចាប់ពី", "គោលការណ៍ផ្សេងទៀត"],
        "/km/tai-khoan/dang-nhap/": ["ចូលដើម្បីមើលការបញ្ជាទិញរបស់អ្នក", "ផ្ញើលេខកូដមកខ្ញុំ"],
    }
    for url, texts in expected.items():
        body = client.get(url).content.decode()
        for text in texts:
            assert text in body, (url, text)
    client.force_login(world["household"])
    body = client.get("/km/gian-hang-cua-toi/danh-gia/").content.decode()
    assert "ការវាយតម្លៃលើតូបរបស់ខ្ញុំ" in body
