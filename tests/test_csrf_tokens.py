"""core.csrf_tokens: the page cache's CSRF tokens are Django's tokens, drawn uniformly."""

from collections import Counter

from django.middleware.csrf import CSRF_ALLOWED_CHARS, _unmask_cipher_token
from django.test import RequestFactory

from core.csrf_tokens import get_token


def test_a_new_visitor_gets_a_new_secret_and_a_token_django_reads_back_to_it():
    request = RequestFactory().get("/")
    token = get_token(request)
    secret = request.META["CSRF_COOKIE"]
    assert request.META["CSRF_COOKIE_NEEDS_UPDATE"] is True
    assert len(secret) == 32 and len(token) == 64
    assert set(secret + token) <= set(CSRF_ALLOWED_CHARS)
    assert _unmask_cipher_token(token) == secret
    # Masked anew each time: two pages never carry the same token.
    again = get_token(request)
    assert again != token and _unmask_cipher_token(again) == secret


def test_every_character_is_about_equally_likely_in_secrets_and_masks():
    """A byte taken modulo 62 without dropping the top of its range would make the first eight
    characters a fifth likelier than the others: 20 standard deviations here; the bound
    allows 5."""
    factory = RequestFactory()
    secrets, masks = Counter(), Counter()
    visitors = 8000
    for _ in range(visitors):
        request = factory.get("/")
        token = get_token(request)
        secrets.update(request.META["CSRF_COOKIE"])
        masks.update(token[:32])
    expected = visitors * 32 / len(CSRF_ALLOWED_CHARS)
    for counts in (secrets, masks):
        assert set(counts) == set(CSRF_ALLOWED_CHARS)
        worst = max(abs(counts[char] - expected) for char in CSRF_ALLOWED_CHARS)
        assert worst < 5 * expected**0.5, (worst, expected)


def test_no_two_visitors_share_a_secret():
    factory = RequestFactory()
    made = set()
    for _ in range(2000):
        request = factory.get("/")
        get_token(request)
        made.add(request.META["CSRF_COOKIE"])
    assert len(made) == 2000
