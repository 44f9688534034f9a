"""Writes of the producers app."""

from django.db import transaction

from core.text import vi_slugify

from .models import Commune, Province


@transaction.atomic
def admin_units_load() -> dict[str, int]:
    """Load or refresh the 2025 provinces and communes/wards from `vietnamadminunits`.

    Keyed by GSO code, so running it again updates names and creates nothing twice.
    """
    from vietnamadminunits.database.main import query

    rows = query(
        "SELECT provinceCode, province, provinceShort, wardCode, ward, wardShort, wardType "
        "FROM admin_units ORDER BY provinceCode, wardCode"
    )
    provinces: dict[str, Province] = {}
    for row in rows:
        code = row["provinceCode"]
        if code not in provinces:
            provinces[code] = Province(
                code=code, name=row["province"], short_name=row["provinceShort"], slug=vi_slugify(row["provinceShort"])
            )
    before_p, before_c = Province.objects.count(), Commune.objects.count()
    Province.objects.bulk_create(
        provinces.values(),
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name", "short_name", "slug"],
    )
    communes = [
        Commune(
            code=row["wardCode"],
            province_id=row["provinceCode"],
            name=row["ward"],
            short_name=row["wardShort"],
            kind=row["wardType"],
        )
        for row in rows
    ]
    Commune.objects.bulk_create(
        communes,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["province", "name", "short_name", "kind"],
    )
    return {
        "provinces": Province.objects.count(),
        "communes": Commune.objects.count(),
        "provinces_created": Province.objects.count() - before_p,
        "communes_created": Commune.objects.count() - before_c,
    }
