"""Old (before July 2025, province → district → commune) addresses → 2025 communes/wards.

`vietnamadminunits` (MIT) parses the old three-tier address and carries the official
old-to-new mapping. Its own ``convert_address`` picks ONE new ward, and for a split
commune with a street it asks an online geocoder: here every candidate is returned
instead, offline, and an officer confirms when there is more than one.

Candidates are given as 2025 GSO codes, the primary keys of ``producers.Commune``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from core import roles
from producers.models import Commune


@dataclass
class Candidate:
    code: str  # 2025 commune/ward GSO code (producers.Commune pk)
    name: str  # "Phường Hải Vân"
    province_code: str
    province_name: str  # "Đà Nẵng"
    is_default: bool = False  # the unit the old commune's seat went to

    @property
    def label(self) -> str:
        return f"{self.name}, {self.province_name}"


@dataclass
class LegacyMatch:
    """What the old address was understood as, and the 2025 units it may now be in."""

    text: str
    old_commune: str = ""
    old_district: str = ""
    old_province: str = ""
    street: str = ""
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def understood(self) -> str:
        return ", ".join(p for p in (self.old_commune, self.old_district, self.old_province) if p)

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.candidates]


def _data_dir() -> Path:
    # vietnamadminunits loads its address tables on import (seconds): only when an address is parsed.
    import vietnamadminunits

    return Path(vietnamadminunits.__file__).resolve().parent / "data"


@lru_cache(maxsize=1)
def _converter() -> dict:
    with open(_data_dir() / "converter_2025.json", encoding="utf-8") as f:
        return json.load(f)


@lru_cache(maxsize=1)
def _new_units() -> dict[tuple[str, str], tuple[str, str, str, str]]:
    """(new province key, new ward key) → (ward code, ward name, province code, province short name)."""
    # vietnamadminunits loads its address tables on import (seconds): only when an address is parsed.
    from vietnamadminunits.database.main import query

    rows = query("SELECT provinceKey, wardKey, wardCode, ward, provinceCode, provinceShort FROM admin_units")
    return {
        (r["provinceKey"], r["wardKey"]): (r["wardCode"], r["ward"], r["provinceCode"], r["provinceShort"])
        for r in rows
    }


@lru_cache(maxsize=1)
def _old_to_new() -> dict[str, list[tuple[str, bool]]]:
    """``"<old province>_<old district>_<old ward>"`` → [(new ward key, is default)], per new province."""
    data = _converter()
    mapping: dict[str, list[tuple[str, bool]]] = {}
    for new_province, wards in data["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward, olds in wards.items():
            for old in olds:
                mapping.setdefault(old, []).append((f"{new_province}|{new_ward}", True))
    for new_province, olds in data["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old, wards in olds.items():
            for w in wards:
                mapping.setdefault(old, []).append((f"{new_province}|{w['newWardKey']}", bool(w["isDefaultNewWard"])))
    return mapping


def legacy_to_2025(text: str) -> LegacyMatch:
    """Parse an old address ("xã Hòa Liên, huyện Hòa Vang, Đà Nẵng") into its 2025 candidates.

    Never raises for bad input: an address that cannot be understood gives no candidates.
    Diacritics and case are optional ("xa hoa lien, huyen hoa vang, da nang" works).
    """
    text = " ".join((text or "").split())
    match = LegacyMatch(text=text)
    if not text:
        return match
    # vietnamadminunits loads its address tables on import (seconds): only when an address is parsed.
    from vietnamadminunits import parse_address

    try:
        old = parse_address(text, mode="LEGACY", keep_street=True, level=3)
    except Exception:  # the parser raises bare exceptions on odd input
        return match
    match.old_commune = old.ward or ""
    match.old_district = old.district or ""
    match.old_province = old.province or ""
    match.street = old.street or ""
    if not (old.province_key and old.district_key and old.ward_key):
        return match
    key = f"{old.province_key}_{old.district_key}_{old.ward_key}"
    units = _new_units()
    seen = set()
    for pair, is_default in sorted(_old_to_new().get(key, []), key=lambda p: not p[1]):
        new_province, new_ward = pair.split("|", 1)
        unit = units.get((new_province, new_ward))
        if unit is None or unit[0] in seen:
            continue
        seen.add(unit[0])
        match.candidates.append(Candidate(unit[0], unit[1], unit[2], unit[3], is_default=is_default))
    return match


def candidate_communes(codes):
    """The ``producers.Commune`` rows of ``codes``, in the order given (unknown codes are skipped)."""

    by_code = {c.code: c for c in Commune.objects.filter(code__in=list(codes)).select_related("province")}
    return [by_code[c] for c in codes if c in by_code]


def apply_legacy_address(app, text: str) -> LegacyMatch:
    """Record an old address on an application and propose its 2025 commune/ward.

    One candidate: the commune and province are set. Several: they are stored in
    ``address_candidates`` and the commune is left for the household to choose and an
    officer to confirm. The caller saves ``app``.
    """
    match = legacy_to_2025(text)
    app.legacy_address = text.strip()[:300]
    communes = candidate_communes(match.codes)
    app.address_candidates = [c.code for c in communes]
    app.address_confirmed_by = None
    if len(communes) == 1:
        app.commune = communes[0]
        app.province = communes[0].province
    elif len(communes) > 1:
        if app.commune_id not in app.address_candidates:
            app.commune = None
        app.province = communes[0].province
    return match


def needs_confirmation(app) -> bool:
    """An ambiguous old address whose 2025 commune no officer has confirmed yet."""
    return len(app.address_candidates or []) > 1 and not app.address_confirmed_by_id


def confirm_address(app, officer, commune) -> None:
    """An officer confirms the 2025 commune of an ambiguous old address. The caller saves ``app``."""

    if not roles.confirms_addresses(officer):
        raise PermissionDenied(_("Only an officer can confirm the new commune or ward."))
    if app.address_candidates and commune.code not in app.address_candidates:
        raise ValidationError(_("Choose one of the communes or wards proposed for the old address."))
    app.commune = commune
    app.province = commune.province
    app.address_confirmed_by = officer
