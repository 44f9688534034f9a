"""Delivery estimates per stall: same province, a neighbouring one, any other."""

import json

import pytest
from django.core.exceptions import ValidationError

from producers import delivery
from tests.factories.catalog import ProductFactory
from tests.factories.producers import CommuneFactory, ProvinceFactory, StallFactory


def test_the_neighbours_file_covers_the_34_provinces_both_ways():
    from vietnamadminunits.database.main import query

    codes = {row["provinceCode"] for row in query("SELECT DISTINCT provinceCode FROM admin_units")}
    provinces = json.loads(delivery.DATA_FILE.read_text(encoding="utf-8"))["provinces"]
    assert set(provinces) == codes and len(codes) == 34
    for code, entry in provinces.items():
        assert entry["neighbours"], f"{entry['name']} has no neighbour"
        for other in entry["neighbours"]:
            assert code in provinces[other]["neighbours"], f"{entry['name']} → {provinces[other]['name']} only one way"


@pytest.mark.parametrize(
    ("origin", "destination", "zone"),
    [
        ("68", "68", "local"),  # Lâm Đồng → Lâm Đồng
        ("68", "79", "near"),  # Lâm Đồng → Hồ Chí Minh
        ("01", "79", "far"),  # Hà Nội → Hồ Chí Minh
        ("92", "96", "near"),  # Cần Thơ → Cà Mau
        ("92", None, "far"),
    ],
)
def test_zone(origin, destination, zone):
    assert delivery.zone(origin, destination) == zone


@pytest.mark.django_db
def test_stall_windows_default_and_custom():
    lam_dong = ProvinceFactory(code="68", short_name="Lâm Đồng", slug="lam-dong")
    stall = StallFactory(province=lam_dong, commune=CommuneFactory(province=lam_dong))
    assert stall.delivery_window("68").days == "1–2 ngày"
    assert stall.delivery_window("79").days == "2–4 ngày"
    assert stall.delivery_window("01").days == "3–7 ngày"
    stall.delivery_far_min = stall.delivery_far_max = 5
    assert stall.delivery_window("01").days == "5 ngày"


@pytest.mark.django_db
def test_a_window_ending_before_it_starts_is_refused():
    stall = StallFactory()
    stall.delivery_near_min, stall.delivery_near_max = 5, 2
    with pytest.raises(ValidationError) as refused:
        stall.full_clean()
    assert "delivery_near_max" in refused.value.message_dict


@pytest.mark.django_db
def test_product_page_shows_the_stalls_windows_with_the_neighbours(client):
    lam_dong = ProvinceFactory(code="68", short_name="Lâm Đồng", slug="lam-dong")
    stall = StallFactory(province=lam_dong, commune=CommuneFactory(province=lam_dong), delivery_near_max=3)
    product = ProductFactory(producer=stall.producer)
    html = client.get(product.get_absolute_url()).content.decode()
    assert "Thời gian giao hàng dự kiến" in html
    assert "Cùng tỉnh" in html and "1–2 ngày" in html
    assert "Tỉnh lân cận" in html and "2–3 ngày" in html and "Hồ Chí Minh" in html
    assert "Tỉnh khác" in html and "3–7 ngày" in html


@pytest.mark.django_db
def test_checkout_shows_the_estimate_for_the_province_chosen(client):
    lam_dong = ProvinceFactory(code="68", short_name="Lâm Đồng", slug="lam-dong")
    hcm = ProvinceFactory(code="79", short_name="Hồ Chí Minh", slug="ho-chi-minh")
    stall = StallFactory(province=lam_dong, commune=CommuneFactory(province=lam_dong))
    product = ProductFactory(producer=stall.producer, stock=5)
    client.post("/gio-hang/", {"action": "add", "product": product.pk, "quantity": 1})
    page = client.get("/thanh-toan/").content.decode()
    assert "Chọn tỉnh/thành để xem thời gian giao hàng dự kiến." in page
    page = client.post("/thanh-toan/", {"province": hcm.pk, "refresh": "1", "buyer_name": "Bình"}).content.decode()
    assert "Giao hàng dự kiến: <b>2–4 ngày</b> (Tỉnh lân cận)" in page
    page = client.post("/thanh-toan/", {"province": lam_dong.pk, "refresh": "1"}).content.decode()
    assert "Giao hàng dự kiến: <b>1–2 ngày</b> (Cùng tỉnh)" in page
