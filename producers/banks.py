"""Banks that take VietQR transfers, from `vietnam-qr-pay`'s bank list (keyed by NAPAS BIN)."""

from functools import lru_cache

from vietnam_qr_pay import BanksObject

from core.text import fold


@lru_cache(maxsize=1)
def vietqr_banks() -> list[tuple[str, str, str]]:
    """``(bin, short name, full name)`` of every bank a VietQR transfer can be sent to."""
    banks = {}
    for bank in BanksObject.values():
        if bank.deprecated or int(bank.viet_qr_status) < 0 or not bank.bin:
            continue
        banks.setdefault(bank.bin, (bank.bin, bank.short_name, bank.name))
    return sorted(banks.values(), key=lambda b: b[1].lower())


def bank_choices() -> list[tuple[str, str]]:
    return [(bin_, f"{short} – {name}") for bin_, short, name in vietqr_banks()]


def bank_name(bin_: str) -> str:
    for b, short, _name in vietqr_banks():
        if b == bin_:
            return short
    return bin_


def holder_name_key(name: str) -> str:
    """How bank account holders are compared: folded (no diacritics), upper case, single spaces.

    Banks print holders as ``NGUYEN VAN AN``; a representative typed as ``Nguyễn Văn An`` matches.
    """
    return " ".join(fold(name or "").upper().split())


def holder_matches(holder: str, representative: str) -> bool:
    return bool(holder_name_key(holder)) and holder_name_key(holder) == holder_name_key(representative)
