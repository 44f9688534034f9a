"""Every URL pattern, walked from the resolver, with hostile values: never a 5xx.

One example of the property is a sweep of every named pattern (the storefront, the apps,
feeds, webhooks, Wagtail's and Django's admin), GET and POST, as an anonymous visitor or
as a signed-in superuser (who reaches the most code): the converters are filled with
hostile values where the pattern accepts them (NUL, invalid UTF-8, 3,000 characters,
numbers past 64 bits, dates at the ends of the calendar), a path segment may be replaced
by such a value, and the query string and the form carry more. The suite replays fixed
examples (the ``suite`` profile); ``make fuzz`` draws new ones.
"""

from __future__ import annotations

import os
import re
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.test_url_sweep import world  # noqa: F401 -- the fixture: real objects to reach

pytestmark = pytest.mark.django_db

# One example is a whole sweep (about 1,600 requests): a few in the suite, more in `make fuzz`.
SWEEPS = settings(
    max_examples=40 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 1,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    # A failing sweep lists every 5xx it met: shrinking a whole sweep would only take long.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
)

# Raw pieces of a URL or a form body (already percent-encoded where they must be).
HOSTILE_RAW = [
    "%00",
    "a%00b",
    "%ff%fe",
    "%c3%28",
    "%ed%a0%80",  # a UTF-16 surrogate encoded as UTF-8: invalid
    "x" * 3000,
    "9" * 30,
    "-1",
    "0",
    "18446744073709551616",
    "9223372036854775808",
    "1e400",
    "NaN",
    "0001-01-01",
    "9999-12-31T23:59:59-12:00",
    "0001-01-01T00:00:00%2B14:00",
    "2024-02-30",
    "..%2F..%2Fetc%2Fpasswd",
    "%25",
    "%27%22%3Cscript%3E",
    quote("bánh pía"),
    "",
]
raw_values = st.sampled_from(HOSTILE_RAW)
# Values for reverse() (it quotes them itself), by converter.
CONVERTER_VALUES = {
    "int": ["9" * 30, "0", "9223372036854775808", "18446744073709551616", "1"],
    "slug": ["x" * 3000, "-", "_", "a" * 300, "banh-pia-xa-khac"],
    "str": ["\x00", "a\x00", "x" * 3000, "9" * 30, "0001-01-01", "\ufffd", "..", "bánh", "9999-12"],
    "path": ["\x00", "a/b", "x" * 3000, "../..", "bánh/pía"],
    "uuid": ["00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff"],
}
CONVERTERS = {
    "IntConverter": "int",
    "StringConverter": "str",
    "SlugConverter": "slug",
    "PathConverter": "path",
    "UUIDConverter": "uuid",
}
SAFE = {"int": 1, "slug": "a", "str": "a", "path": "a", "uuid": "00000000-0000-0000-0000-000000000000"}
# Wagtail's page that raises on purpose (to test error reporting), for superusers only.
DELIBERATE_ERRORS = {"wagtailadmin_error_test"}
# Patterns whose regular expressions the values above do not match: plain values that do.
FILLS = {
    "admin:app_list": {"kwargs": {"app_label": "auth"}},
    "feeds:feed": {"kwargs": {"partner_slug": "postmart", "file_name": "google.xml"}},
    "traceability:digital-link": {"kwargs": {"gtin": "08935049500018", "code": "8K461DQ03P"}},
    "wagtailadmin_pages:revisions_compare": {"kwargs": {"pk": "1", "revision_id_a": "live", "revision_id_b": "1"}},
    "wagtail_serve": {"args": ["tin-tuc/"]},
    "wagtaildocs_serve": {"args": [1, "a.pdf"]},
}
KEYS = ["q", "page", "id", "pk", "since", "token", "next", "p", "date", "start", "end", "ordering", "month", "number"]
keys = st.one_of(st.sampled_from(KEYS), raw_values)


def patterns():
    """(name, {parameter: converter name or "regex"}) of every named pattern."""

    def walk(entries, namespace="", params=None):
        for entry in entries:
            own = dict(params or {})
            if isinstance(entry.pattern, RoutePattern):
                own.update(
                    {key: CONVERTERS.get(type(conv).__name__, "str") for key, conv in entry.pattern.converters.items()}
                )
            else:
                own.update({key: "regex" for key in entry.pattern.regex.groupindex})
            if isinstance(entry, URLResolver):
                ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from walk(entry.url_patterns, ns, own)
            elif isinstance(entry, URLPattern) and entry.name:
                yield namespace + entry.name, own

    found = dict(walk(get_resolver().url_patterns))
    return sorted((name, params) for name, params in found.items() if name not in DELIBERATE_ERRORS)


def pick(values, *offsets):
    return values[sum(offsets) % len(values)]


def build_url(name, params, data, i, k) -> str | None:
    """A URL of the pattern, its parameters hostile where the pattern takes them, else plain.

    The values turn with the pattern's index ``i`` and the example's offset ``k``, so that
    even one sweep tries each hostile value on many patterns.
    """
    drawn = {
        key: pick(CONVERTER_VALUES.get(conv, HOSTILE_RAW), i, j, k) for j, (key, conv) in enumerate(params.items())
    }
    plain = {key: SAFE.get(conv, "a") for key, conv in params.items()}
    for args, kwargs in (
        ((), drawn),
        ((), plain),
        (FILLS.get(name, {}).get("args", ()), FILLS.get(name, {}).get("kwargs")),
    ):
        try:
            url = reverse(name, args=args, kwargs=kwargs)
        except NoReverseMatch:
            continue
        if (i + k) % 3 == 0 or data.draw(st.booleans()):  # one segment replaced by a raw hostile value
            segments = url.split("/")
            index = 1 + (i + k) % max(1, len(segments) - 1)
            segments[min(index, len(segments) - 1)] = pick(HOSTILE_RAW, 7 * i, k)
            url = "/".join(segments)
        return url
    return None


def encoded_pairs(data, i, k, max_size=4) -> str:
    pairs = [
        (pick(KEYS, i, k), pick(HOSTILE_RAW, 3 * i, k)),
        *data.draw(st.lists(st.tuples(keys, raw_values), max_size=max_size)),
    ]
    return "&".join(f"{key}={value}" for key, value in pairs)


def sweep(client, data, relogin=None) -> tuple[list, int, int]:
    """One pass over every pattern; (the 5xx answers, requests made, patterns not reachable)."""
    failures, requests, unreachable = [], 0, 0
    k = data.draw(st.integers(0, 10_000))
    for i, (name, params) in enumerate(patterns()):
        url = build_url(name, params, data, i, k)
        if url is None:
            unreachable += 1
            continue
        for method in ("get", "post"):
            query = encoded_pairs(data, i, k + (method == "post"))
            target = f"{url}?{query}" if query else url
            if method == "get":
                response = client.get(target)
            else:
                response = client.post(
                    target, encoded_pairs(data, i + 1, k, 6), content_type="application/x-www-form-urlencoded"
                )
            requests += 1
            if response.status_code >= 500:
                error = getattr(response, "exc_info", None)
                failures.append((method.upper(), target[:200], response.status_code, repr(error and error[1])[:300]))
            if relogin is not None and "logout" in name:
                relogin()
    return failures, requests, unreachable


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser("fuzz-admin", "fuzz@example.com", "x")


@pytest.mark.parametrize("who", ["anonymous", "signed-in"])
@SWEEPS
@given(data=st.data())
def test_every_url_pattern_survives_hostile_input(who, world, superuser, data):  # noqa: F811
    client = Client(raise_request_exception=False)
    relogin = None
    if who == "signed-in":
        client.force_login(superuser)
        relogin = lambda: client.force_login(superuser)  # noqa: E731
    failures, requests, unreachable = sweep(client, data, relogin)
    assert requests > 700
    assert unreachable == 0, unreachable
    assert failures == [], f"{len(failures)} of {requests} requests answered 5xx: {failures[:20]}"


def test_patterns_are_walked_from_the_resolver():
    names = dict(patterns())
    assert names["feeds:schema"] == {"name": "str"}
    assert names["catalog:product-detail"] == {"slug": "slug"}
    assert names["feeds:feed"] == {"partner_slug": "regex", "file_name": "regex"}
    assert len(names) > 300 and any(re.match(r"wagtail", name) for name in names)
