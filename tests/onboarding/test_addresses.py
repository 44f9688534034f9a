"""Old three-tier addresses → 2025 communes/wards, with real examples from the official mapping."""

import pytest

from onboarding import addresses
from tests.factories.onboarding import ApplicationFactory
from tests.factories.producers import OfficerFactory


def test_unsplit_commune_gives_one_candidate():
    match = addresses.legacy_to_2025("Phường Phúc Xá, Quận Ba Đình, Hà Nội")
    assert match.understood == "Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội"
    assert [(c.code, c.name) for c in match.candidates] == [("00097", "Phường Hồng Hà")]
    assert not match.ambiguous


def test_merged_province_is_found_without_diacritics():
    # Sóc Trăng was merged into Cần Thơ in 2025.
    match = addresses.legacy_to_2025("xa phu tam, huyen chau thanh, soc trang")
    assert [(c.code, c.label) for c in match.candidates] == [("31569", "Xã Phú Tâm, Cần Thơ")]


def test_split_commune_gives_several_candidates_default_first():
    # Xã Hòa Liên (huyện Hòa Vang) was divided between two new wards of Đà Nẵng.
    match = addresses.legacy_to_2025("Xã Hòa Liên, Huyện Hòa Vang, Thành phố Đà Nẵng")
    assert match.ambiguous
    assert [c.name for c in match.candidates] == ["Phường Liên Chiểu", "Phường Hải Vân"]
    assert match.candidates[0].is_default


def test_street_is_kept_and_no_geocoder_is_called(monkeypatch):
    from vietnamadminunits.parser import utils

    monkeypatch.setattr(utils, "get_geo_location", lambda *_: pytest.fail("no network lookups"))
    match = addresses.legacy_to_2025("Thôn 3, xã Ea Tu, TP Buôn Ma Thuột, Đắk Lắk")
    assert match.street == "Thôn 3"
    assert [c.name for c in match.candidates] == ["Phường Tân An"]


@pytest.mark.parametrize("text", ["", "   ", "asdf qwerty", "Hà Nội", "12 đường không tên"])
def test_unknown_or_incomplete_address_gives_no_candidate(text):
    assert addresses.legacy_to_2025(text).candidates == []


@pytest.fixture
def units(db):
    from producers.services import admin_units_load

    admin_units_load()


def test_apply_sets_the_commune_when_there_is_one_candidate(units):
    app = ApplicationFactory(commune=None, province=None)
    addresses.apply_legacy_address(app, "Phường Phúc Xá, Quận Ba Đình, Hà Nội")
    app.save()
    app.refresh_from_db()
    assert app.commune_id == "00097" and app.province_id == "01"
    assert app.legacy_address == "Phường Phúc Xá, Quận Ba Đình, Hà Nội"
    assert not addresses.needs_confirmation(app)


def test_split_commune_needs_an_officer_to_confirm(units):
    app = ApplicationFactory(commune=None, province=None)
    addresses.apply_legacy_address(app, "Xã Hòa Liên, Huyện Hòa Vang, Thành phố Đà Nẵng")
    app.save()
    assert app.address_candidates == ["20197", "20194"]
    assert app.commune_id is None and app.province_id == "48"
    assert addresses.needs_confirmation(app)

    from producers.models import Commune

    officer = OfficerFactory().user
    with pytest.raises(Exception):  # noqa: B017 - a commune outside the candidates
        addresses.confirm_address(app, officer, Commune.objects.get(pk="00097"))
    addresses.confirm_address(app, officer, Commune.objects.get(pk="20194"))
    app.save()
    app.refresh_from_db()
    assert app.commune_id == "20194" and app.address_confirmed_by == officer
    assert not addresses.needs_confirmation(app)


def test_a_household_cannot_confirm(units):
    from django.core.exceptions import PermissionDenied

    from producers.models import Commune

    app = ApplicationFactory(commune=None, province=None)
    addresses.apply_legacy_address(app, "Xã Hòa Liên, Huyện Hòa Vang, Thành phố Đà Nẵng")
    with pytest.raises(PermissionDenied):
        addresses.confirm_address(app, app.household, Commune.objects.get(pk="20194"))
