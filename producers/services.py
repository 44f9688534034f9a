"""Writes of the producers app."""

from django.db import transaction

from core.text import plain_text_to_rich_text, vi_slugify

from .models import BankAccount, Commune, Producer, Province, Stall


@transaction.atomic
def admin_units_load() -> dict[str, int]:
    """Load or refresh the 2025 provinces and communes/wards from `vietnamadminunits`.

    Keyed by GSO code, so running it again updates names and creates nothing twice.
    """
    # vietnamadminunits loads its address tables on import (seconds): only when they are loaded.
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


# --- what an approved onboarding application publishes -------------------------------------


def producer_publish(app) -> tuple[Producer, Stall]:
    """The verified producer and its published stall of an approved new-stall application."""
    producer = Producer(
        kind=app.producer_kind,
        legal_name=app.legal_name.strip(),
        representative=app.representative.strip(),
        tax_code=app.tax_code.strip(),
        personal_id=app.personal_id.strip(),
        owner_id=app.household_id,
        officer_id=app.officer_id,
        verification=Producer.Verification.VERIFIED,
        language=app.language,
        no_smartphone=app.no_smartphone,
        onboarded_via=(
            Producer.Onboarding.SELF_SERVICE if app.created_by_id == app.household_id else Producer.Onboarding.ASSISTED
        ),
    )
    producer.full_clean()
    producer.save()
    stall = Stall(
        producer=producer,
        name=app.stall_name.strip(),
        story=plain_text_to_rich_text(app.story),
        phone=app.phone,
        province_id=app.province_id,
        commune_id=app.commune_id,
        street_address=app.street_address,
        legacy_address=app.legacy_address,
        is_published=True,
    )
    stall.full_clean(exclude=["slug"])
    stall.save()
    return producer, stall


def bank_account_publish(app, producer) -> BankAccount | None:
    """The application's bank account on the producer, when it gave one."""
    if not (app.bank_bin and app.account_number and app.account_holder):
        return getattr(producer, "bank_account", None)
    bank = BankAccount.objects.filter(producer=producer).first() or BankAccount(producer=producer)
    bank.bank_bin = app.bank_bin
    bank.account_number = app.account_number.strip()
    bank.account_holder = app.account_holder.strip()
    bank.full_clean()
    bank.save()
    return bank


def household_needs_set(producer_id: int, *, language: str, no_smartphone: bool) -> None:
    """The household's language and whether it has a smartphone, as its reviewer set them."""
    Producer.objects.filter(pk=producer_id).update(language=language, no_smartphone=bool(no_smartphone))
