"""VND: integer đồng, no minor unit, shown as ``150.000 ₫``."""


def format_vnd(amount) -> str:
    if amount is None or amount == "":
        return ""
    value = int(amount)
    sign = "-" if value < 0 else ""
    return f"{sign}{abs(value):,}".replace(",", ".") + " ₫"
