"""Settlement per stall: the ledger of what the platform collected for it and owes it.

Entries are written per order part (``FulfilmentGroup``) and signed: a sale is positive,
a refund and the tax withheld negative; the net payable of a stall for a month is the sum.

Tax withheld (Decree 117/2025/NĐ-CP, goods): when the platform collects the money (card, or
VietQR to the platform's account) for a household, registered household business or
individual seller, it withholds VAT (``TAX_WITHHOLDING_VAT_RATE``, 1 %) and personal income tax
(``TAX_WITHHOLDING_PIT_RATE``, 0.5 %) of the amount collected for that seller (the part's total,
goods and the shipping fee the stall charges). Cooperatives and enterprises declare their own
taxes: nothing is withheld. Cash on delivery and transfers to the stall's own account are
recorded (a SALE entry with ``collected_by`` cod/stall) but not withheld, and are not payable
by the platform.

Rounding: each tax amount is rounded to the whole đồng, half up, per entry
(``withholding(150_050, "0.005") == 750``: 750.25 → 750; ``withholding(100, "0.005") == 1``:
0.5 → 1). A refund reverses the tax withheld on the refunded amount, rounded the same way.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from ocop_market.spreadsheet import spreadsheet_writer
from producers.models import Producer

from .models import FulfilmentGroup, LedgerEntry

WITHHELD_KINDS = frozenset(
    {Producer.Kind.HOUSEHOLD, Producer.Kind.HOUSEHOLD_BUSINESS, getattr(Producer.Kind, "INDIVIDUAL", "individual")}
)


def withholding(amount: int, rate) -> int:
    """``amount × rate`` in whole đồng, rounded half up (amount may be negative: symmetric)."""
    value = (Decimal(abs(int(amount))) * Decimal(str(rate))).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return int(value) if amount >= 0 else -int(value)


def percent(rate) -> str:
    """``"0.005"`` → ``"0,5"`` in Vietnamese, ``"0.5"`` in English (localised number)."""
    from django.utils.formats import number_format

    value = (Decimal(str(rate)) * 100).normalize()
    return number_format(value, use_l10n=True)


def month_of(moment: datetime.datetime | datetime.date | None = None) -> datetime.date:
    if moment is None:
        moment = timezone.now()
    if isinstance(moment, datetime.datetime):
        moment = timezone.localtime(moment).date() if timezone.is_aware(moment) else moment.date()
    return moment.replace(day=1)


def is_withheld(group: FulfilmentGroup) -> bool:
    return group.collected_by == FulfilmentGroup.CollectedBy.PLATFORM and group.stall.producer.kind in WITHHELD_KINDS


def record_sale(group: FulfilmentGroup, *, at=None) -> bool:
    """Write the SALE (and withholding) entries of a paid part once; False when already there."""
    if LedgerEntry.objects.filter(group=group, kind=LedgerEntry.Kind.SALE).exists():
        return False
    month = month_of(at)
    common = {"group": group, "stall_id": group.stall_id, "collected_by": group.collected_by, "month": month}
    entries = [LedgerEntry(kind=LedgerEntry.Kind.SALE, amount=group.total, **common)]
    if is_withheld(group):
        entries += [
            LedgerEntry(
                kind=LedgerEntry.Kind.VAT_WITHHELD,
                amount=-withholding(group.total, settings.TAX_WITHHOLDING_VAT_RATE),
                **common,
            ),
            LedgerEntry(
                kind=LedgerEntry.Kind.PIT_WITHHELD,
                amount=-withholding(group.total, settings.TAX_WITHHOLDING_PIT_RATE),
                **common,
            ),
        ]
    LedgerEntry.objects.bulk_create([e for e in entries if e.amount or e.kind == LedgerEntry.Kind.SALE])
    return True


def record_refund_entries(group: FulfilmentGroup, amount: int, *, refund=None, at=None) -> None:
    """A refund of ``amount`` on a part: REFUND −amount, and the tax withheld on it given back."""
    month = month_of(at)
    common = {
        "group": group,
        "stall_id": group.stall_id,
        "collected_by": group.collected_by,
        "month": month,
        "refund": refund,
    }
    entries = [LedgerEntry(kind=LedgerEntry.Kind.REFUND, amount=-int(amount), **common)]
    if is_withheld(group) and LedgerEntry.objects.filter(group=group, kind=LedgerEntry.Kind.SALE).exists():
        for kind, rate in (
            (LedgerEntry.Kind.VAT_WITHHELD, settings.TAX_WITHHOLDING_VAT_RATE),
            (LedgerEntry.Kind.PIT_WITHHELD, settings.TAX_WITHHOLDING_PIT_RATE),
        ):
            back = withholding(amount, rate)
            if back:
                entries.append(LedgerEntry(kind=kind, amount=back, **common))
    LedgerEntry.objects.bulk_create(entries)


KIND_ORDER = [
    LedgerEntry.Kind.SALE,
    LedgerEntry.Kind.REFUND,
    LedgerEntry.Kind.VAT_WITHHELD,
    LedgerEntry.Kind.PIT_WITHHELD,
    LedgerEntry.Kind.PAYOUT,
]


def statement(stall, month: datetime.date) -> dict:
    """A stall's month: one row per order part with each kind's sum, and totals.

    ``payable`` is what the platform owes the stall: the net of the parts the platform
    collected (cash on delivery and direct transfers are already in the stall's hands).
    """
    entries = (
        LedgerEntry.objects.filter(stall=stall, month=month)
        .select_related("group__order")
        .order_by("group__order__created_at", "group_id", "pk")
    )
    rows: dict[int, dict] = {}
    for entry in entries:
        row = rows.setdefault(
            entry.group_id,
            {
                "group": entry.group,
                "order": entry.group.order,
                "collected_by": entry.collected_by,
                **{kind.value: 0 for kind in KIND_ORDER},
                "net": 0,
            },
        )
        row[entry.kind] += entry.amount
        row["net"] += entry.amount
    totals = {kind.value: sum(r[kind.value] for r in rows.values()) for kind in KIND_ORDER}
    totals["net"] = sum(r["net"] for r in rows.values())
    payable = sum(r["net"] for r in rows.values() if r["collected_by"] == FulfilmentGroup.CollectedBy.PLATFORM)
    return {"stall": stall, "month": month, "rows": list(rows.values()), "totals": totals, "payable": payable}


def statement_csv(data: dict, out) -> None:
    writer = spreadsheet_writer(out)  # opened in a spreadsheet program: no formulas
    writer.writerow(
        ["order", "date", "collected_by", "sale", "refund", "vat_withheld", "pit_withheld", "payout", "net"]
    )
    for row in data["rows"]:
        writer.writerow(
            [
                row["order"].number,
                timezone.localtime(row["order"].created_at).date().isoformat(),
                row["collected_by"],
                *(row[kind.value] for kind in KIND_ORDER),
                row["net"],
            ]
        )
    totals = data["totals"]
    writer.writerow(["TOTAL", "", "", *(totals[kind.value] for kind in KIND_ORDER), totals["net"]])
    writer.writerow(["PAYABLE", "", "", "", "", "", "", "", data["payable"]])


def tax_declaration_rows(month: datetime.date) -> list[dict]:
    """Per withheld seller for the month: revenue collected by the platform and tax withheld.

    Amounts are net of refunds; the taxes are the (positive) sums withheld.
    """
    rows = []
    qs = (
        LedgerEntry.objects.filter(month=month, collected_by=FulfilmentGroup.CollectedBy.PLATFORM)
        .values("stall_id", "kind")
        .annotate(total=Sum("amount"))
    )
    sums: dict[int, dict] = {}
    for item in qs:
        sums.setdefault(item["stall_id"], {})[item["kind"]] = item["total"] or 0
    from producers.models import Stall

    stalls = Stall.objects.filter(pk__in=sums).select_related("producer").order_by("name")
    for stall in stalls:
        producer = stall.producer
        if producer.kind not in WITHHELD_KINDS:
            continue
        s = sums[stall.pk]
        rows.append(
            {
                "stall": stall,
                "producer": producer,
                "revenue": s.get(LedgerEntry.Kind.SALE, 0) + s.get(LedgerEntry.Kind.REFUND, 0),
                "vat": -s.get(LedgerEntry.Kind.VAT_WITHHELD, 0),
                "pit": -s.get(LedgerEntry.Kind.PIT_WITHHELD, 0),
            }
        )
    return rows


def tax_declaration_csv(month: datetime.date, out) -> None:
    writer = spreadsheet_writer(out)  # opened in a spreadsheet program: no formulas
    writer.writerow(
        [
            "month",
            "seller",
            "kind",
            "tax_code",
            "personal_id",
            "representative",
            "revenue",
            "vat_withheld",
            "pit_withheld",
        ]
    )
    for row in tax_declaration_rows(month):
        p = row["producer"]
        writer.writerow(
            [
                month.strftime("%Y-%m"),
                p.legal_name,
                p.kind,
                p.tax_code,
                p.personal_id,
                p.representative,
                row["revenue"],
                row["vat"],
                row["pit"],
            ]
        )
