import unicodedata

import pytest

from catalog.models import Category
from core.text import fold, normalize, vi_slugify
from tests.factories.catalog import CategoryFactory, ProductFactory
from tests.factories.producers import StallFactory


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("Đặc sản Sóc Trăng", "dac-san-soc-trang"),
        ("Đường thốt nốt", "duong-thot-not"),
        ("Nước mắm Phú Quốc", "nuoc-mam-phu-quoc"),
        ("Cà phê Buôn Ma Thuột", "ca-phe-buon-ma-thuot"),
        ("  Bánh   pía!  ", "banh-pia"),
    ],
)
def test_vi_slugify_folds_vietnamese_including_d_stroke(text, slug):
    assert vi_slugify(text) == slug


def test_vi_slugify_gives_the_same_slug_for_nfd_and_nfc_input():
    nfc = "Đặc sản Sóc Trăng"
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfd != nfc
    assert vi_slugify(nfd) == vi_slugify(nfc) == "dac-san-soc-trang"


def test_vi_slugify_truncates_without_a_trailing_dash():
    slug = vi_slugify("Bánh pía sầu riêng trứng muối", max_length=10)
    assert len(slug) <= 10
    assert not slug.endswith("-")


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Đường thốt nốt", "duong thot not"),
        ("ĐƯỜNG", "duong"),
        ("Bánh  pía\n Sóc Trăng", "banh pia soc trang"),
        ("Nước mắm", "nuoc mam"),
        ("", ""),
    ],
)
def test_fold_lowercases_strips_marks_and_collapses_spaces(text, folded):
    assert fold(text) == folded


def test_fold_and_normalize_treat_nfd_as_nfc():
    word = "Trà Shan tuyết"
    nfd = unicodedata.normalize("NFD", word)
    assert normalize(nfd) == word
    assert fold(nfd) == fold(word) == "tra shan tuyet"


@pytest.mark.django_db
def test_duplicate_product_names_get_numbered_slugs():
    first = ProductFactory(name="Bánh pía Sóc Trăng")
    second = ProductFactory(name="Bánh pía Sóc Trăng")
    third = ProductFactory(name="Bánh Pía Sóc Trăng")
    assert first.slug == "banh-pia-soc-trang"
    assert second.slug == "banh-pia-soc-trang-2"
    assert third.slug == "banh-pia-soc-trang-3"


@pytest.mark.django_db
def test_duplicate_stall_names_get_numbered_slugs():
    assert StallFactory(name="Đặc sản Sóc Trăng").slug == "dac-san-soc-trang"
    assert StallFactory(name="Đặc sản Sóc Trăng").slug == "dac-san-soc-trang-2"


@pytest.mark.django_db
def test_duplicate_category_names_get_numbered_slugs():
    CategoryFactory(name="Bánh kẹo thử")
    assert Category.objects.create(name="Bánh kẹo thử").slug == "banh-keo-thu-2"


@pytest.mark.django_db
def test_product_slug_stays_when_the_name_is_edited():
    product = ProductFactory(name="Đường thốt nốt")
    product.name = "Đường thốt nốt An Giang"
    product.save()
    product.refresh_from_db()
    assert product.slug == "duong-thot-not"


@pytest.mark.django_db
def test_stall_slug_stays_when_the_name_is_edited():
    stall = StallFactory(name="Gian hàng Cô Ba")
    stall.name = "Gian hàng Cô Ba Sóc Trăng"
    stall.save()
    stall.refresh_from_db()
    assert stall.slug == "gian-hang-co-ba"


@pytest.mark.django_db
def test_a_name_without_letters_still_gets_a_slug():
    assert ProductFactory(name="★★★").slug == "item"
