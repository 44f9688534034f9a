"""One bad character breaks nothing: typed text is cleaned on the way in, and writers refuse it anyway."""

import csv
import io
import json
import unicodedata

import pytest
from django.urls import reverse
from lxml import etree
from wagtail.test.utils.form_data import querydict_from_html

from catalog.models import Product
from core import roles
from feeds.models import ProducerOptIn
from feeds.services import partner_create
from producers.models import Stall
from tests.factories.catalog import CategoryFactory, ProductFactory, ProductImageFactory
from tests.factories.producers import StallFactory, UserFactory

from .helpers import generate

pytestmark = pytest.mark.django_db

FORBIDDEN = [chr(c) for c in [*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]] + ["\ufffe", "\uffff"]


def parse_every_format(partner) -> dict[str, dict]:
    """Each format's entries by id, parsed by a strict reader (lxml, csv, json)."""
    google = etree.fromstring(generate(partner, "google")[0])  # raises on one forbidden character
    g = "{http://base.google.com/ns/1.0}"
    items = {i.findtext(f"{g}id"): {"title": i.findtext(f"{g}title")} for i in google.iter("item")}
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(generate(partner, "csv")[0].decode("utf-8-sig")))}
    doc = json.loads(generate(partner, "json")[0])
    return {"google": items, "csv": rows, "json": {i["id"]: i for i in doc["items"]}}


@pytest.fixture
def listed(db):
    stall = StallFactory(name="Gian hàng Sóc Trăng")
    product = ProductFactory(producer=stall.producer, name="Bánh pía", category=CategoryFactory(name="Bánh kẹo"))
    ProductImageFactory(product=product)
    partner, _token = partner_create(name="Postmart", slug="postmart", formats=("google", "csv", "json"))
    ProducerOptIn.objects.create(partner=partner, producer=stall.producer)
    return partner, product


def test_every_forbidden_character_saved_through_the_admin_leaves_every_feed_readable(client, listed):
    partner, product = listed
    client.force_login(UserFactory(groups=[roles.EDITOR]))
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])
    for char in FORBIDDEN:
        data = querydict_from_html(client.get(url).text, form_id="w-editor-form")
        data["name"] = f"Bánh{char}pía Sóc Trăng"  # what Word's Shift+Enter pastes, and the others
        data["short_description"] = f"Nhân{char}đậu xanh"
        data["unit"] = f"hộp{char}"
        assert client.post(url, data).status_code == 302, repr(char)
        product.refresh_from_db()
        assert (product.name, product.short_description, product.unit) == (
            "Bánhpía Sóc Trăng",
            "Nhânđậu xanh",
            "hộp",
        ), repr(char)
        feeds = parse_every_format(partner)
        assert feeds["google"][str(product.pk)]["title"] == "Bánhpía Sóc Trăng"
        assert feeds["csv"][str(product.pk)]["title"] == "Bánhpía Sóc Trăng"
        assert feeds["json"][str(product.pk)]["title"] == "Bánhpía Sóc Trăng"


def test_a_null_character_is_refused_by_the_form(client, listed):
    _partner, product = listed
    client.force_login(UserFactory(groups=[roles.EDITOR]))
    url = reverse("wagtailsnippets_catalog_product:edit", args=[product.pk])
    data = querydict_from_html(client.get(url).text, form_id="w-editor-form")
    data["name"] = "Bánh\x00pía"
    # Refused before any view runs (ocop_market's hostile-input middleware), nothing saved.
    assert client.post(url, data).status_code == 400
    product.refresh_from_db()
    assert product.name == "Bánh pía"


def test_names_typed_decomposed_are_stored_composed(listed):
    _partner, product = listed
    stall = Stall.objects.get(producer=product.producer)
    stall.name = unicodedata.normalize("NFD", "Gian hàng Nguyễn Thị Hương")
    stall.save()
    product.name = unicodedata.normalize("NFD", "Kẹo dừa Bến Tre")
    product.save()
    stall.refresh_from_db()
    product.refresh_from_db()
    assert stall.name == "Gian hàng Nguyễn Thị Hương" and unicodedata.is_normalized("NFC", stall.name)
    assert product.name == "Kẹo dừa Bến Tre" and unicodedata.is_normalized("NFC", product.name)


def test_writers_refuse_forbidden_characters_that_bypassed_the_models(listed):
    """A bulk update skips save(): the feeds still never emit a forbidden character."""
    partner, product = listed
    tricky = "A\x0bB\x1fC\ufffeD\uffffE"
    Product.objects.filter(pk=product.pk).update(name=tricky, unit="k\x0cg")
    Stall.objects.filter(producer=product.producer).update(name="Gian\x0bhàng")
    feeds = parse_every_format(partner)
    assert feeds["google"][str(product.pk)]["title"] == "ABCDE"
    assert feeds["csv"][str(product.pk)]["title"] == "ABCDE"
    assert feeds["csv"][str(product.pk)]["brand"] == "Gianhàng"
    item = feeds["json"][str(product.pk)]
    assert (item["title"], item["unit"], item["stall"]["name"]) == ("ABCDE", "kg", "Gianhàng")
