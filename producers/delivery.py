"""Estimated delivery: how many days a stall's parcel takes to reach a buyer's province.

Three zones, each with a window the stall sets (``Stall.delivery_*``): the stall's own
province, a neighbouring province (one sharing a land border, from
``data/province_neighbours.json``, the 34 provinces in force since July 2025), and any
other. Read from a file once per process: no query.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

DATA_FILE = Path(__file__).resolve().parent / "data" / "province_neighbours.json"

LOCAL, NEAR, FAR = "local", "near", "far"
ZONE_LABELS = {
    LOCAL: pgettext_lazy("delivery zone", "Same province"),
    NEAR: pgettext_lazy("delivery zone", "Neighbouring province"),
    FAR: pgettext_lazy("delivery zone", "Other provinces"),
}


@cache
def _provinces() -> dict[str, dict]:
    with DATA_FILE.open(encoding="utf-8") as file:
        return json.load(file)["provinces"]


def neighbours(code: str | None) -> frozenset[str]:
    """The GSO codes of the provinces sharing a border with ``code`` (empty when unknown)."""
    entry = _provinces().get(code or "")
    return frozenset(entry["neighbours"]) if entry else frozenset()


def neighbour_names(code: str | None) -> list[str]:
    provinces = _provinces()
    return [provinces[c]["name"] for c in sorted(neighbours(code), key=lambda c: provinces[c]["name"])]


def zone(from_code: str | None, to_code: str | None) -> str:
    if from_code and from_code == to_code:
        return LOCAL
    if to_code in neighbours(from_code):
        return NEAR
    return FAR


@dataclass(frozen=True)
class Window:
    zone: str
    low: int
    high: int

    @property
    def label(self):
        return ZONE_LABELS[self.zone]

    @property
    def days(self) -> str:
        """``1–2 ngày`` (or ``2 ngày`` when both ends are the same)."""
        if self.low == self.high:
            return str(_("%(days)s days") % {"days": self.low})
        return str(_("%(low)s–%(high)s days") % {"low": self.low, "high": self.high})


def windows(stall) -> list[Window]:
    """The stall's three windows, nearest first."""
    return [
        Window(z, getattr(stall, f"delivery_{z}_min"), getattr(stall, f"delivery_{z}_max")) for z in (LOCAL, NEAR, FAR)
    ]


def window_for(stall, province_code: str | None) -> Window:
    """The window that applies to a buyer in ``province_code``."""
    z = zone(stall.province_id, province_code)
    return Window(z, getattr(stall, f"delivery_{z}_min"), getattr(stall, f"delivery_{z}_max"))
