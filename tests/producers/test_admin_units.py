"""The 2025 administrative units: 34 provinces, 3,321 communes/wards, loaded idempotently."""

import io

import pytest
from django.core.management import call_command

from producers.models import Commune, Province

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded():
    call_command("load_admin_units", stdout=io.StringIO())


def test_load_admin_units_loads_34_provinces_and_3321_communes(loaded):
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321


def test_load_admin_units_twice_creates_nothing_new(loaded, capsys):
    before = set(Province.objects.values_list("code", "slug")), set(Commune.objects.values_list("code", "province_id"))
    call_command("load_admin_units")
    out = capsys.readouterr().out
    assert "(0 new)" in out
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    after = set(Province.objects.values_list("code", "slug")), set(Commune.objects.values_list("code", "province_id"))
    assert after == before


def test_province_slugs_fold_diacritics(loaded):
    slugs = set(Province.objects.values_list("slug", flat=True))
    assert "dak-lak" in slugs
    assert Province.objects.get(slug="dak-lak").short_name == "Đắk Lắk"
    assert all(slug.isascii() and slug == slug.lower() and " " not in slug for slug in slugs)
    assert len(slugs) == 34


def test_every_commune_belongs_to_a_loaded_province(loaded):
    assert not Commune.objects.exclude(province__in=Province.objects.all()).exists()
    assert Province.objects.filter(communes__isnull=True).count() == 0


def test_stall_province_filter_works_with_loaded_slugs(loaded, client):
    from tests.factories.producers import StallFactory

    dak_lak = Province.objects.get(slug="dak-lak")
    StallFactory(name="Cà phê Buôn Ma", province=dak_lak, commune=dak_lak.communes.first())
    StallFactory(name="Gian khác", province=Province.objects.exclude(pk=dak_lak.pk).first(), commune=None)
    response = client.get("/stalls/", {"province": "dak-lak"})
    assert [s.name for s in response.context["stalls"]] == ["Cà phê Buôn Ma"]
