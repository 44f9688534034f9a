"""Demo content for the CMS, loaded by ``manage.py seed_demo`` after the catalogue.

The home page's body, a promotion index with three promotions (one on sale now, one
scheduled to go live next week, one expired last month), a news index with six articles
and their generated cover pictures, and the site settings. Idempotent: pages are found
again by their slug under their parent, pictures by their title in the demo collection;
what exists (perhaps edited since) is left alone.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.models import Collection, Locale, Page, Site

from catalog import queries
from catalog.models import Category, Product
from cms import legal_content
from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    HomePage,
    LegalIndexPage,
    LegalPage,
    PromotionIndexPage,
    PromotionPage,
    PromotionProduct,
    SiteSettings,
)
from demo import images as demo_images
from producers.media_collections import collection_get_or_create
from producers.models import Stall

DEMO_COLLECTION = "Ảnh demo"  # the catalogue's demo pictures live there too


@dataclass
class Result:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] = self.counts.get(key, 0) + n


# --- the content --------------------------------------------------------------------------

PROMOTION_INDEX = {
    "slug": "khuyen-mai",
    "title": "Khuyến mãi",
    "intro": "Các chương trình giảm giá đặc sản OCOP đang diễn ra và sắp diễn ra.",
}
ARTICLE_INDEX = {
    "slug": "tin-tuc",
    "title": "Tin tức",
    "intro": "Tin hội chợ, câu chuyện của hợp tác xã và cẩm nang chọn đặc sản OCOP.",
}

ARTICLES = [
    {
        "slug": "hoi-cho-ocop-can-tho-2026",
        "title": "Hội chợ OCOP Cần Thơ quy tụ hơn 200 gian hàng đặc sản miền Tây",
        "days_ago": 2,
        "author": "Minh Thư",
        "intro": "Bốn ngày hội chợ tại bến Ninh Kiều, người mua được nếm thử bánh pía, "
        "hủ tiếu Cái Răng và khóm Cầu Đúc ngay tại gian hàng.",
        "tags": ["Hội chợ", "Cần Thơ", "OCOP"],
        "category": "1.3",
        "stalls": ["banh-pia-huong-mai", "hu-tieu-cai-rang", "khom-cau-duc-hoa-tien"],
        "products": 3,
        "body": [
            "Hội chợ năm nay dành riêng một khu cho sản phẩm đạt 4 và 5 sao OCOP, "
            "kèm quầy hướng dẫn thanh toán không dùng tiền mặt cho các hộ sản xuất.",
            "Nhiều hộ lần đầu bán hàng trực tuyến đã được Tổ Công nghệ số cộng đồng "
            "hỗ trợ chụp ảnh, viết mô tả và mở gian hàng ngay tại hội chợ.",
        ],
    },
    {
        "slug": "htx-mat-ong-u-minh-ha-vuon-ra-thi-truong",
        "title": "Hợp tác xã mật ong U Minh Hạ: từ rừng tràm đến sàn thương mại điện tử",
        "days_ago": 6,
        "author": "Quốc Bảo",
        "intro": "Ba mươi hộ gác kèo ong giữ nghề truyền thống, cùng đóng chai, dán tem truy xuất và bán khắp cả nước.",
        "tags": ["Hợp tác xã", "Cà Mau", "Câu chuyện"],
        "category": "1.2",
        "stalls": ["mat-ong-u-minh-ha"],
        "products": 2,
        "body": [
            "Gác kèo ong là nghề đặc thù của rừng U Minh: người dân dựng kèo để ong về làm tổ, "
            "không nuôi trong thùng nên mật giữ được hương tràm.",
            "Từ khi có tem truy xuất nguồn gốc, hợp tác xã nhận đơn từ Hà Nội và TP. Hồ Chí Minh "
            "mỗi tuần, thu nhập của các hộ tăng rõ rệt.",
        ],
    },
    {
        "slug": "cach-nhan-biet-sao-ocop",
        "title": "Cách nhận biết sản phẩm đạt 3, 4 và 5 sao OCOP",
        "days_ago": 10,
        "author": "Ban biên tập",
        "intro": "Đọc tem, tra số quyết định công nhận và hiểu sự khác nhau giữa các hạng sao trước khi mua.",
        "tags": ["Cẩm nang", "OCOP"],
        "category": "5",
        "stalls": [],
        "products": 0,
        "body": [
            "Sản phẩm 3 và 4 sao do Ủy ban nhân dân cấp tỉnh công nhận; sản phẩm 5 sao "
            "được công nhận ở cấp trung ương. Mỗi giấy chứng nhận có hiệu lực 36 tháng.",
            "Trên trang sản phẩm của OCOP Market, số quyết định và ngày công nhận được ghi rõ; "
            "chứng nhận đã hết hạn không được hiển thị sao.",
        ],
    },
    {
        "slug": "vu-thu-hoach-ca-phe-khe-sanh",
        "title": "Vào vụ thu hoạch cà phê Khe Sanh trên cao nguyên Hướng Hóa",
        "days_ago": 15,
        "author": "Hoàng Nam",
        "intro": "Nông hộ Hướng Hóa hái chọn quả chín, phơi trên giàn và rang mộc để giữ vị đặc trưng.",
        "tags": ["Cà phê", "Quảng Trị", "Mùa vụ"],
        "category": "1.6",
        "stalls": ["ca-phe-huong-hoa-xanh"],
        "products": 2,
        "body": [
            "Cà phê Khe Sanh được trồng ở độ cao 400–600 m, khí hậu giao thoa giúp hạt chắc và thơm.",
            "Năm nay các hộ chuyển sang hái chọn quả chín, năng suất thấp hơn nhưng giá bán cao hơn.",
        ],
    },
    {
        "slug": "tra-shan-tuyet-cao-bo",
        "title": "Chè Shan tuyết cổ thụ Cao Bồ: giữ rừng chè trăm năm",
        "days_ago": 21,
        "author": "Thu Hà",
        "intro": "Người Dao đỏ ở Cao Bồ hái chè trên những cây cổ thụ, sao thủ công bằng chảo gang.",
        "tags": ["Chè", "Tuyên Quang", "Câu chuyện"],
        "category": "1.5",
        "stalls": ["shan-tuyet-cao-bo"],
        "products": 2,
        "body": [
            "Mỗi cây chè cổ thụ cho vài cân búp mỗi vụ; người dân chỉ hái một tôm hai lá.",
            "Sản phẩm của hợp tác xã đạt 4 sao OCOP và đã có mặt tại nhiều hội chợ quốc gia.",
        ],
    },
    {
        "slug": "nuoc-mam-truyen-thong-ganh-dau",
        "title": "Nước mắm truyền thống Gành Dầu và bí quyết ủ chượp 12 tháng",
        "days_ago": 30,
        "author": "Minh Thư",
        "intro": "Cá cơm tươi ủ với muối trong thùng gỗ, kéo rút tự nhiên, không chất bảo quản.",
        "tags": ["Gia vị", "An Giang", "Làng nghề"],
        "category": "1.4",
        "stalls": ["nuoc-mam-ganh-dau"],
        "products": 2,
        "body": [
            "Tỉ lệ ba cá một muối và thời gian ủ đủ mười hai tháng tạo nên độ đạm cao và màu cánh gián.",
            "Cơ sở đã được cấp mã vùng nguyên liệu và đạt chứng nhận OCOP 4 sao.",
        ],
    },
]


def _at(day: datetime.date, hour: int = 0, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def _promotions(today: datetime.date) -> list[dict]:
    d = datetime.timedelta
    return [
        {
            "slug": "tuan-le-dac-san-dong-bang-song-cuu-long",
            "title": "Tuần lễ đặc sản Đồng bằng sông Cửu Long",
            "intro": "Giảm 15% thực phẩm chế biến của các cơ sở ở Cần Thơ: bánh pía, lạp xưởng, hủ tiếu…",
            "state": "live",
            "starts_at": _at(today - d(days=3)),
            "ends_at": _at(today + d(days=10), 23, 59),
            "discount_kind": PromotionPage.DiscountKind.PERCENT,
            "discount_value": 15,
            "limit_per_order": 5,
            # Targets add up (any of them applies), so "processed food from Cần Thơ" is a list of products.
            "category": "1.3",
            "products_from": {"category": "1.3", "province": "Cần Thơ"},
        },
        {
            "slug": "mung-xuan-2027",
            "title": "Mừng Xuân 2027",
            "intro": "Giảm 50.000 ₫ mỗi sản phẩm quà Tết: mật ong, mắc ca, chè Tân Cương, long nhãn.",
            "state": "scheduled",
            "starts_at": _at(today + d(days=7)),
            "ends_at": _at(today + d(days=21), 23, 59),
            "discount_kind": PromotionPage.DiscountKind.AMOUNT,
            "discount_value": 50_000,
            "limit_per_order": 3,
            "stalls": ["mat-ong-u-minh-ha", "mac-ca-tuy-duc", "tra-tan-cuong-thinh-an", "nhan-long-pho-hien"],
        },
        {
            "slug": "le-hoi-trai-cay-nam-bo",
            "title": "Lễ hội trái cây Nam Bộ",
            "intro": "Giảm 10% trái cây tươi và sấy của các nhà vườn miền Tây.",
            "state": "expired",
            "starts_at": _at(today - d(days=45)),
            "ends_at": _at(today - d(days=31), 23, 59),
            "discount_kind": PromotionPage.DiscountKind.PERCENT,
            "discount_value": 10,
            "limit_per_order": None,
            "category": "1.1",
        },
    ]


# --- pictures --------------------------------------------------------------------------------


def _collection(name: str) -> Collection:
    return collection_get_or_create(name)


def _image(title: str, draw: Callable[[], bytes], result: Result, *, collection_name: str):
    """A demo picture in the CMS collection editors use (found again in the older demo one)."""
    Image = get_image_model()
    collection = _collection(collection_name)
    image = (
        Image.objects.filter(collection__name__in=(collection_name, DEMO_COLLECTION), title=title)
        .order_by("pk")
        .first()
    )
    if image is None:
        data = draw()
        image = demo_images.save_drawn(title=title, collection=collection, data=data)
        result.add("cms: images drawn")
    return image


def _cover(title: str, tagline: str, category: str, *, size: int, ratio: float, result: Result):
    width = max(300, size * 3 // 2)
    height = max(100, int(width / ratio))
    return _image(
        f"Ảnh bìa bài viết – {title}" if ratio < 3 else f"Băng rôn – {title}",
        lambda: demo_images.cover_image(title, tagline, category, width=width, height=height),
        result,
        collection_name="Tin tức" if ratio < 3 else "Khuyến mãi",
    )


# --- pages -----------------------------------------------------------------------------------


def _existing(parent: Page, slug: str):
    page = parent.get_children().filter(slug=slug).first()
    return page.specific if page is not None else None


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _index(home: HomePage, model, data: dict, result: Result):
    page = _existing(home, data["slug"])
    if page is None:
        page = model(title=data["title"], slug=data["slug"], intro=data["intro"], show_in_menus=True, live=False)
        home.add_child(instance=page)
        _publish(page)
        result.add("cms: pages created")
    return page


def _pick_products(qs, n: int) -> list[Product]:
    return list(qs.filter(status=Product.Status.PUBLISHED, stock__gt=0).order_by("slug")[:n])


def _promotion(index: PromotionIndexPage, data: dict, *, image_size: int, result: Result) -> None:
    if _existing(index, data["slug"]) is not None:
        return
    category = data.get("category", "4")
    page = PromotionPage(
        title=data["title"],
        slug=data["slug"],
        intro=data["intro"],
        starts_at=data["starts_at"],
        ends_at=data["ends_at"],
        discount_kind=data["discount_kind"],
        discount_value=data["discount_value"],
        limit_per_order=data["limit_per_order"],
        banner=_cover(data["title"], data["intro"], category, size=image_size, ratio=3, result=result),
        search_description=data["intro"],
        live=False,
    )
    if data["state"] == "scheduled":
        page.go_live_at = data["starts_at"]
    if data["state"] == "expired":
        page.expire_at = data["ends_at"]
    products = []
    if "products_from" in data:
        wanted = data["products_from"]
        products = list(
            Product.objects.published()
            .filter(Q(category__code=wanted["category"]) | Q(category__parent__code=wanted["category"]))
            .filter(producer__stall__province__short_name=wanted["province"])
            .order_by("slug")
        )
    elif "stalls" in data:
        for slug in data["stalls"]:
            products += _pick_products(Product.objects.filter(producer__stall__slug=slug, price__gte=120_000), 1)
    elif "category" in data:
        page.categories = list(Category.objects.filter(code=data["category"]))
    page.promoted_products = [PromotionProduct(product=p, sort_order=i) for i, p in enumerate(products)]
    index.add_child(instance=page)
    # Publishing a revision whose go_live_at is in the future schedules it (Wagtail sets
    # approved_go_live_at; publish_scheduled makes it live on time).
    _publish(page)
    if data["state"] == "expired":
        # As publish_scheduled does once expire_at has passed.
        PromotionPage.objects.get(pk=page.pk).unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
    result.add("cms: pages created")


def _article(index: ArticleIndexPage, data: dict, *, today, image_size: int, result: Result) -> None:
    if _existing(index, data["slug"]) is not None:
        return
    stalls = list(Stall.objects.filter(slug__in=data["stalls"]).order_by("slug"))
    products = []
    for stall in stalls:
        products += _pick_products(Product.objects.filter(producer=stall.producer_id), 1)
    if len(products) < data["products"] and stalls:
        extra = Product.objects.filter(producer__stall__in=stalls).exclude(pk__in=[p.pk for p in products])
        products += _pick_products(extra, data["products"] - len(products))
    # The related stalls and products are shown under the article: the body is the text.
    body = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in data["body"]]
    page = ArticlePage(
        title=data["title"],
        slug=data["slug"],
        date=today - datetime.timedelta(days=data["days_ago"]),
        author=data["author"],
        intro=data["intro"],
        search_description=data["intro"],
        cover=_cover(data["title"], data["intro"], data["category"], size=image_size, ratio=1.9, result=result),
        body=json.dumps(body),
        live=False,
    )
    page.related_stalls = stalls
    page.related_products = products[: data["products"]]
    page.tags.add(*data["tags"])
    index.add_child(instance=page)
    _publish(page)
    result.add("cms: pages created")


def _legal_pages(home: HomePage, result: Result) -> LegalIndexPage:
    """The policy pages the law requires, under a "Chính sách" index; the operator's details."""

    index = _existing(home, legal_content.LEGAL_INDEX["slug"])
    if index is None:
        index = LegalIndexPage(**legal_content.LEGAL_INDEX, live=False)
        home.add_child(instance=index)
        _publish(index)
        result.add("cms: pages created")
    for data in legal_content.PAGES:
        if _existing(index, data["slug"]) is not None or LegalPage.objects.filter(kind=data["kind"]).exists():
            continue
        page = LegalPage(
            kind=data["kind"],
            title=data["title"],
            slug=data["slug"],
            intro=data["intro"],
            search_description=data["intro"],
            effective_date=datetime.date.fromisoformat(legal_content.EFFECTIVE),
            body=legal_content.stream_json(data["body"]),
            live=False,
        )
        index.add_child(instance=page)
        _publish(page)
        result.add("cms: pages created")
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        settings = SiteSettings.for_site(site)
        missing = {name: value for name, value in legal_content.OPERATOR.items() if not getattr(settings, name)}
        if missing:
            for name, value in missing.items():
                setattr(settings, name, value)
            settings.save()
            result.add("cms: site settings")
    return index


def _english_legal(index: LegalIndexPage, result: Result) -> None:
    _translate(index, legal_content.LEGAL_INDEX_EN, result)
    by_slug = {data["slug"]: data for data in legal_content.PAGES}
    for child in index.get_children().specific():
        data = by_slug.get(child.slug)
        if data is None:
            continue
        english = data["en"]
        _translate(
            child,
            {"title": english["title"], "intro": english["intro"], "body": legal_content.stream_json(english["body"])},
            result,
        )


def _home_body(home: HomePage, promotion_index: PromotionIndexPage, result: Result) -> None:
    """Only when an editor has written no body yet."""
    if home.body.raw_data:
        return

    # Six 4- or 5-star products in stock, from six stalls.
    carousel, seen = [], set()
    for product in queries.product_cards().filter(stock__gt=0, stars__gte=4).order_by("-price", "slug")[:200]:
        if product.producer_id not in seen:
            carousel.append(product.pk)
            seen.add(product.producer_id)
        if len(carousel) == 6:
            break
    home.hero_text = home.hero_text or (
        "Sản phẩm đạt chuẩn OCOP 3 đến 5 sao, mua trực tiếp từ hộ sản xuất và hợp tác xã."
    )
    home.body = json.dumps(
        [
            {"type": "heading", "value": {"text": "Quà quê chuẩn OCOP", "size": "h2"}},
            {
                "type": "paragraph",
                "value": "<p>Mỗi sản phẩm trên OCOP Market đều có <b>giấy chứng nhận OCOP</b> còn hiệu lực "
                "và được bán trực tiếp bởi hộ sản xuất, hợp tác xã. Bạn trả tiền không dùng tiền mặt, "
                "người làm ra sản phẩm nhận đủ phần của mình.</p>",
            },
            {"type": "product_carousel", "value": {"title": "Đặc sản 4–5 sao", "products": carousel}},
            {
                "type": "call_to_action",
                "value": {
                    "title": "Đang có khuyến mãi",
                    "text": "Giảm đến 15% đặc sản miền Tây trong tuần lễ Đồng bằng sông Cửu Long.",
                    "page": promotion_index.pk,
                    "url": "",
                    "button": "Xem khuyến mãi",
                },
            },
        ]
    )
    _publish(home)
    result.add("cms: home page body")


def _site_settings(result: Result) -> None:
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    settings = SiteSettings.for_site(site)
    if settings.contact_phone or settings.footer_text:
        return
    settings.contact_phone = "1900 6868"
    settings.contact_address = "Số 2 Hòa Bình, phường Ninh Kiều, thành phố Cần Thơ"
    settings.facebook_url = "https://www.facebook.com/ocopmarket.demo"
    settings.zalo_url = "https://zalo.me/ocopmarket.demo"
    settings.youtube_url = "https://www.youtube.com/@ocopmarket.demo"
    settings.footer_text = "OCOP Market: đặc sản đạt chuẩn OCOP, mua thẳng từ nông hộ và hợp tác xã Việt Nam."
    settings.save()
    result.add("cms: site settings")


# --- English translations ----------------------------------------------------------------------
# The seeded pages in English, made the way an editor does it in the admin: "Translate"
# (simple_translation's copy for translation), then an edit of the copy, then publish.

ENGLISH_HOME = {
    "title": "OCOP Market",
    "hero_title": "OCOP specialties from Vietnamese farming households",
    "hero_text": "Products certified 3 to 5 OCOP stars, bought straight from households and cooperatives.",
}
ENGLISH_PAGES = {
    "khuyen-mai": {
        "title": "Promotions",
        "intro": "OCOP specialty discounts running now and coming soon.",
    },
    "tin-tuc": {
        "title": "News",
        "intro": "Fair news, cooperative stories and a guide to choosing OCOP specialties.",
    },
    "tuan-le-dac-san-dong-bang-song-cuu-long": {
        "title": "Mekong Delta Specialty Week",
        "intro": "15% off processed foods from Cần Thơ producers: pía cakes, Chinese sausage, hủ tiếu noodles…",
    },
    "mung-xuan-2027": {
        "title": "Spring Festival 2027",
        "intro": "50,000 ₫ off each Tết gift: honey, macadamia nuts, Tân Cương tea, dried longan.",
    },
    "le-hoi-trai-cay-nam-bo": {
        "title": "Southern Fruit Festival",
        "intro": "10% off fresh and dried fruit from Mekong Delta orchards.",
    },
    "hoi-cho-ocop-can-tho-2026": {
        "title": "Cần Thơ OCOP fair brings together more than 200 Mekong Delta specialty stalls",
        "intro": "Four days at Ninh Kiều wharf where buyers taste pía cakes, Cái Răng noodles and Cầu Đúc "
        "pineapples at the stalls.",
        "body": [
            "This year the fair sets aside an area for products rated 4 and 5 OCOP stars, with a desk "
            "that shows households how to take cashless payments.",
            "Many households selling online for the first time were helped by the community digital "
            "technology teams to take photos, write descriptions and open their stalls at the fair.",
        ],
    },
    "htx-mat-ong-u-minh-ha-vuon-ra-thi-truong": {
        "title": "U Minh Hạ honey cooperative: from the melaleuca forest to online marketplaces",
        "intro": "Thirty households keep the traditional rafter beekeeping craft, bottle together, label "
        "for traceability and sell nationwide.",
        "body": [
            "Rafter beekeeping is unique to the U Minh forest: people set up rafters for wild bees to "
            "nest on, so the honey keeps the scent of melaleuca.",
            "Since they added traceability labels, the cooperative receives orders from Hà Nội and "
            "Hồ Chí Minh City every week, and household incomes have clearly risen.",
        ],
    },
    "cach-nhan-biet-sao-ocop": {
        "title": "How to recognise 3, 4 and 5 star OCOP products",
        "intro": "Read the label, look up the recognition decision number and understand the star "
        "ratings before you buy.",
        "body": [
            "3 and 4 star products are recognised by the provincial People's Committee; 5 star products "
            "are recognised nationally. Each certificate is valid for 36 months.",
            "On OCOP Market a product page shows the decision number and date; expired certificates show no stars.",
        ],
    },
    "vu-thu-hoach-ca-phe-khe-sanh": {
        "title": "Khe Sanh coffee harvest on the Hướng Hóa plateau",
        "intro": "Hướng Hóa households pick only ripe cherries, dry them on racks and roast them plain "
        "to keep their character.",
        "body": [
            "Khe Sanh coffee grows at 400–600 m, where the mixed climate gives firm, fragrant beans.",
            "This year households switched to picking ripe cherries only: lower yields, higher prices.",
        ],
    },
    "tra-shan-tuyet-cao-bo": {
        "title": "Ancient Shan Tuyết tea of Cao Bồ: keeping a century-old tea forest",
        "intro": "The Red Dao people of Cao Bồ pick tea from ancient trees and roast it by hand in cast-iron pans.",
        "body": [
            "Each ancient tree gives a few kilograms of buds per harvest; only one bud and two leaves are picked.",
            "The cooperative's tea is rated 4 OCOP stars and sells at many national fairs.",
        ],
    },
    "nuoc-mam-truyen-thong-ganh-dau": {
        "title": "Traditional Gành Dầu fish sauce and the secret of 12-month fermentation",
        "intro": "Fresh anchovies fermented with salt in wooden barrels, drained naturally, with no preservatives.",
        "body": [
            "Three parts fish to one part salt and a full twelve months of fermentation give high protein "
            "and a deep amber colour.",
            "The producer has a registered raw-material area code and a 4 star OCOP certificate.",
        ],
    },
}
ENGLISH_FOOTER = (
    "OCOP Market: certified OCOP specialties, bought straight from Vietnamese farming households and cooperatives."
)


def _english_home_body(home: HomePage, english_promotions) -> str:
    """The home page's body in English: the same blocks, products and link, English words."""
    body = []
    for block in home.body.raw_data:
        block = {"type": block["type"], "value": block["value"]}
        if block["type"] == "heading":
            block["value"] = {**block["value"], "text": "OCOP-certified gifts from the countryside"}
        elif block["type"] == "paragraph":
            block["value"] = (
                "<p>Every product on OCOP Market has a valid <b>OCOP certificate</b> and is sold straight by "
                "the household or cooperative that makes it. You pay cashless, and the makers receive "
                "their full share.</p>"
            )
        elif block["type"] == "product_carousel":
            block["value"] = {**block["value"], "title": "4–5 star specialties"}
        elif block["type"] == "call_to_action":
            block["value"] = {
                **block["value"],
                "title": "Promotions on now",
                "text": "Up to 15% off Mekong Delta specialties during Mekong Delta Specialty Week.",
                "button": "See promotions",
                "page": english_promotions.pk if english_promotions else block["value"].get("page"),
            }
        body.append(block)
    return json.dumps(body)


def _translate(page: Page, changes: dict, result: Result, *, publish: bool = True):
    """The page's English copy, made once; what exists (perhaps edited since) is left alone."""

    english = Locale.objects.filter(language_code="en").first()
    if english is None:
        return None
    existing = page.get_translations().filter(locale=english).first()
    if existing is not None:
        return existing.specific
    copy = page.specific.copy_for_translation(english)
    for name, value in changes.items():
        if name == "body" and isinstance(value, list):
            value = json.dumps([{"type": "paragraph", "value": f"<p>{text}</p>"} for text in value])
        setattr(copy, name, value)
    if "intro" in changes and hasattr(copy, "search_description"):
        copy.search_description = changes["intro"]
    revision = copy.save_revision()
    if publish:
        revision.publish()
    result.add("cms: English pages")
    return copy


def _english(home: HomePage, promotion_index: PromotionIndexPage, article_index: ArticleIndexPage, result: Result):
    """English copies of the home page, the two indexes and their pages, and the English footer."""
    english_home = _translate(home, dict(ENGLISH_HOME), result)
    if english_home is None:
        return
    english_promotions = _translate(promotion_index, ENGLISH_PAGES["khuyen-mai"], result)
    _translate(article_index, ENGLISH_PAGES["tin-tuc"], result)
    for index in (promotion_index, article_index):
        for child in index.get_children().specific():
            changes = ENGLISH_PAGES.get(child.slug)
            if changes is None:
                continue
            # Published or scheduled ones are published (a schedule stays a schedule); an expired one stays a draft.
            publish = child.live or bool(child.go_live_at and not child.expired)
            _translate(child, changes, result, publish=publish)
    # Read again: the copies of the indexes were added under it through another instance,
    # and publishing a stale one would write back its old child count (Wagtail would then
    # find no child pages under /en/).
    english_home = HomePage.objects.get(pk=english_home.pk)
    if home.body.raw_data and list(english_home.body.raw_data) == list(home.body.raw_data):
        english_home.body = _english_home_body(home, english_promotions)
        english_home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        settings = SiteSettings.for_site(site)
        if not settings.footer_text_en:
            settings.footer_text_en = ENGLISH_FOOTER
            settings.save()


def seed_cms(*, today: datetime.date, stdout=None, image_size: int = 800) -> dict[str, int]:
    """Create the demo CMS content that is missing; returns what was created, by kind."""
    result = Result()
    home = HomePage.objects.order_by("pk").first()
    if home is None:
        if stdout is not None:
            stdout.write("No home page: run manage.py migrate. CMS content skipped.")
        return result.counts
    promotion_index = _index(home, PromotionIndexPage, PROMOTION_INDEX, result)
    article_index = _index(home, ArticleIndexPage, ARTICLE_INDEX, result)
    for data in _promotions(today):
        _promotion(promotion_index, data, image_size=image_size, result=result)
    for data in ARTICLES:
        _article(article_index, data, today=today, image_size=image_size, result=result)
    legal_index = _legal_pages(home, result)
    _home_body(home, promotion_index, result)
    _site_settings(result)
    _english(home, promotion_index, article_index, result)
    _english_legal(legal_index, result)
    if stdout is not None:
        for key, n in result.counts.items():
            stdout.write(f"  {key:<28} {n}")
    return result.counts
