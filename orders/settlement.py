"""Settlement per stall: the ledger of what the platform collected for it and owes it.

Entries are written per order part (``FulfilmentGroup``) and signed: a sale is positive,
a refund and the tax withheld negative; the net payable of a stall for a month is the sum.

Tax withheld (Decree 117/2025/NĐ-CP): when the platform collects the money (card, or VietQR to
the platform's account) for a household, registered household business or individual seller,
it withholds VAT and personal income tax, at the rate of what was sold:

- the goods (the part's subtotal): VAT ``TAX_WITHHOLDING_VAT_RATE`` 1 %, PIT
  ``TAX_WITHHOLDING_PIT_RATE`` 0.5 % (the decree's rates for goods);
- the shipping fee is a separate ledger line (SHIPPING). When the household itself delivers
  (``FulfilmentGroup.delivered_by_stall``) the fee is its revenue from a transport service and
  is withheld at the decree's transport rates: VAT ``TAX_WITHHOLDING_TRANSPORT_VAT_RATE`` 3 %,
  PIT ``TAX_WITHHOLDING_TRANSPORT_PIT_RATE`` 1.5 %. When the fee is passed on to a carrier
  (Vietnam Post, a delivery company: the default) it is not the household's revenue: nothing is
  withheld on it and it is not declared, though the platform still pays it to the stall.

(Rates as Decree 117/2025/NĐ-CP, Articles 7 and 8, sets them for goods and for transport and
services attached to goods; they are settings, so a change of the decree is a change of the
environment, not of the code.) Cooperatives and enterprises declare their own taxes: nothing
is withheld. Cash on delivery and transfers to the stall's own account are
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
from django.utils.formats import number_format

from core.spreadsheet import spreadsheet_writer
from producers.models import Producer, Stall

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


def shipping_withheld(group: FulfilmentGroup) -> bool:
    """The shipping fee is the household's transport revenue (it delivers itself), withheld."""
    return is_withheld(group) and group.delivered_by_stall


def _tax_entries(group, goods: int, shipping: int, sign: int, common: dict) -> list[LedgerEntry]:
    entries = []
    if is_withheld(group):
        entries += [
            LedgerEntry(
                kind=LedgerEntry.Kind.VAT_WITHHELD,
                amount=sign * withholding(goods, settings.TAX_WITHHOLDING_VAT_RATE),
                **common,
            ),
            LedgerEntry(
                kind=LedgerEntry.Kind.PIT_WITHHELD,
                amount=sign * withholding(goods, settings.TAX_WITHHOLDING_PIT_RATE),
                **common,
            ),
        ]
    if shipping_withheld(group):
        entries += [
            LedgerEntry(
                kind=LedgerEntry.Kind.SHIPPING_VAT,
                amount=sign * withholding(shipping, settings.TAX_WITHHOLDING_TRANSPORT_VAT_RATE),
                **common,
            ),
            LedgerEntry(
                kind=LedgerEntry.Kind.SHIPPING_PIT,
                amount=sign * withholding(shipping, settings.TAX_WITHHOLDING_TRANSPORT_PIT_RATE),
                **common,
            ),
        ]
    return [e for e in entries if e.amount]


def record_sale(group: FulfilmentGroup, *, at=None) -> bool:
    """Write the SALE, SHIPPING and withholding entries of a paid part once; False when already there."""
    if LedgerEntry.objects.filter(group=group, kind=LedgerEntry.Kind.SALE).exists():
        return False
    month = month_of(at)
    common = {"group": group, "stall_id": group.stall_id, "collected_by": group.collected_by, "month": month}
    entries = [LedgerEntry(kind=LedgerEntry.Kind.SALE, amount=group.subtotal, **common)]
    if group.shipping_fee:
        entries.append(LedgerEntry(kind=LedgerEntry.Kind.SHIPPING, amount=group.shipping_fee, **common))
    entries += _tax_entries(group, int(group.subtotal), int(group.shipping_fee), -1, common)
    LedgerEntry.objects.bulk_create(entries)
    return True


def reversed_amount(group: FulfilmentGroup) -> int:
    """How much of the part's goods and shipping refunds have reversed so far."""
    return -int(
        group.ledger.filter(
            kind__in=[LedgerEntry.Kind.REFUND, LedgerEntry.Kind.SHIPPING], refund__isnull=False
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def record_refund_entries(group: FulfilmentGroup, amount: int, *, refund=None, at=None) -> None:
    """A refund of ``amount`` on a part, in this month: the goods first (REFUND), then the
    shipping fee (a negative SHIPPING entry), and the tax withheld on each given back."""
    if not LedgerEntry.objects.filter(group=group, kind=LedgerEntry.Kind.SALE).exists():
        return
    month = month_of(at)
    common = {
        "group": group,
        "stall_id": group.stall_id,
        "collected_by": group.collected_by,
        "month": month,
        "refund": refund,
    }
    goods_refunded = -sum(group.ledger.filter(kind=LedgerEntry.Kind.REFUND).values_list("amount", flat=True))
    goods = min(int(amount), max(int(group.subtotal) - goods_refunded, 0))
    shipping = int(amount) - goods
    entries = [LedgerEntry(kind=LedgerEntry.Kind.REFUND, amount=-goods, **common)] if goods else []
    if shipping:
        entries.append(LedgerEntry(kind=LedgerEntry.Kind.SHIPPING, amount=-shipping, **common))
    entries += _tax_entries(group, goods, shipping, 1, common)
    LedgerEntry.objects.bulk_create(entries)


KIND_ORDER = [
    LedgerEntry.Kind.SALE,
    LedgerEntry.Kind.REFUND,
    LedgerEntry.Kind.SHIPPING,
    LedgerEntry.Kind.VAT_WITHHELD,
    LedgerEntry.Kind.PIT_WITHHELD,
    LedgerEntry.Kind.SHIPPING_VAT,
    LedgerEntry.Kind.SHIPPING_PIT,
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
    for row in rows.values():
        row["vat_all"] = row["vat_withheld"] + row["shipping_vat"]
        row["pit_all"] = row["pit_withheld"] + row["shipping_pit"]
    totals = {kind.value: sum(r[kind.value] for r in rows.values()) for kind in KIND_ORDER}
    totals["vat_all"] = totals["vat_withheld"] + totals["shipping_vat"]
    totals["pit_all"] = totals["pit_withheld"] + totals["shipping_pit"]
    totals["net"] = sum(r["net"] for r in rows.values())
    payable = sum(r["net"] for r in rows.values() if r["collected_by"] == FulfilmentGroup.CollectedBy.PLATFORM)
    return {"stall": stall, "month": month, "rows": list(rows.values()), "totals": totals, "payable": payable}


def statement_csv(data: dict, out) -> None:
    writer = spreadsheet_writer(out)  # opened in a spreadsheet program: no formulas
    writer.writerow(["order", "date", "collected_by", *(kind.value for kind in KIND_ORDER), "net"])
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
    writer.writerow(["PAYABLE", "", "", *([""] * len(KIND_ORDER)), data["payable"]])


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
    # Shipping fees count as revenue (transport) only for the parts the household delivered itself.
    transport = dict(
        LedgerEntry.objects.filter(
            month=month,
            collected_by=FulfilmentGroup.CollectedBy.PLATFORM,
            kind=LedgerEntry.Kind.SHIPPING,
            group__delivered_by_stall=True,
        )
        .values("stall_id")
        .annotate(total=Sum("amount"))
        .values_list("stall_id", "total")
    )

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
                "transport_revenue": transport.get(stall.pk, 0),
                "transport_vat": -s.get(LedgerEntry.Kind.SHIPPING_VAT, 0),
                "transport_pit": -s.get(LedgerEntry.Kind.SHIPPING_PIT, 0),
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
            "transport_revenue",
            "transport_vat_withheld",
            "transport_pit_withheld",
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
                row["transport_revenue"],
                row["transport_vat"],
                row["transport_pit"],
            ]
        )
