import pytest

from core.money import format_vnd


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (150000, "150.000 ₫"),
        (0, "0 ₫"),
        (1500000, "1.500.000 ₫"),
        (999, "999 ₫"),
        (1000, "1.000 ₫"),
        (-25000, "-25.000 ₫"),
        ("150000", "150.000 ₫"),
    ],
)
def test_format_vnd_groups_thousands_with_dots(amount, text):
    assert format_vnd(amount) == text


@pytest.mark.parametrize("amount", [None, ""])
def test_format_vnd_of_nothing_is_empty(amount):
    assert format_vnd(amount) == ""
