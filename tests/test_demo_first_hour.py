"""A newcomer's first hour: `make demo PORT=…` prints and links the address it serves, the
accounts it prints are the README's, each demo stall sells what its name and story say, and
the console sender logs each notification once, telling two messages apart."""

import datetime
import logging
import os
import re
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management.base import OutputWrapper
from django.core.management.color import no_style

from core import notify
from core.text import fold
from demo import catalog_data, runner
from demo.management.commands import seed_demo

ROOT = Path(__file__).resolve().parents[1]


# --- the address ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8123"),
        ("localhost", "http://localhost:8123"),
        ("0.0.0.0", "http://127.0.0.1:8123"),
        ("::1", "http://[::1]:8123"),
    ],
)
def test_the_runner_names_the_address_a_browser_opens(host, url):
    assert runner.site_url(host, 8123) == url


def test_the_runner_environment_carries_the_port_and_the_stripe_port():
    env = runner.demo_environment({"PATH": "/bin"}, host="127.0.0.1", port="8123", stripe_port=12112)
    assert env["SITE_URL"] == "http://127.0.0.1:8123"
    assert env["STRIPE_API_BASE"] == "http://127.0.0.1:12112"
    assert env["STRIPE_JS_URL"] == "http://127.0.0.1:12112/js.stripe.com/v3/"
    assert env["STRIPE_SECRET_KEY"].startswith("sk_test_")


def test_a_site_url_or_a_payment_server_set_by_hand_is_left_alone():
    mine = {"SITE_URL": "https://demo.example.vn", "STRIPE_API_BASE": "https://stripe.example.vn"}
    env = runner.demo_environment(mine, host="127.0.0.1", port="8123", stripe_port=12111)
    assert env["SITE_URL"] == "https://demo.example.vn"
    assert env["STRIPE_API_BASE"] == "https://stripe.example.vn"


def test_the_demo_process_links_to_the_address_and_logs_a_notification_once():
    # What seed_demo and runserver run with: their links (notifications, feeds) use this base.
    env = runner.demo_environment(
        {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "DJANGO_SETTINGS_MODULE")},
        host="0.0.0.0",
        port="8123",
        stripe_port=12111,
    )
    env.update(DEBUG="1", DJANGO_SETTINGS_MODULE="ocop_market.settings.base")
    # One notification through the console sender, with the demo's logging configuration:
    # it reaches the console once.
    code = (
        "import django; django.setup(); from django.conf import settings; print(settings.WAGTAILADMIN_BASE_URL);"
        "from core.notify import Message, send_now; send_now(Message(subject='s', body='b', phone='+84912000104'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip().splitlines()[-1] == "http://127.0.0.1:8123"
    assert out.stderr.count("notification sent channel=sms to=…104") == 1, out.stderr


def test_seed_demo_prints_the_address_served(settings):
    settings.WAGTAILADMIN_BASE_URL = "http://127.0.0.1:8123"
    out = StringIO()
    seed_demo.report(seed_demo.Summary(), 1.0, OutputWrapper(out), no_style())
    assert "Storefront: http://127.0.0.1:8123/   Admin: http://127.0.0.1:8123/admin/" in out.getvalue()
    assert ":8000" not in out.getvalue()


# --- the accounts ---------------------------------------------------------------------------


def readme_accounts() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    table = text.split("Demo accounts", 1)[1].split("\n\n", 2)[1]
    return re.findall(r"^\| `([^`]+)` \|", table, re.MULTILINE)


def test_the_readme_lists_the_accounts_seed_demo_creates_in_the_same_order():
    assert readme_accounts() == [row[0] for row in catalog_data.DEMO_USERS]
    assert {"officer2", "finance"} <= set(readme_accounts())


@pytest.mark.django_db
def test_seed_demo_creates_and_prints_every_readme_account():
    summary = seed_demo.Summary()
    users = seed_demo._users(summary)
    out = StringIO()
    seed_demo.report(summary, 1.0, OutputWrapper(out), no_style())
    printed = re.findall(r"^  (\S+)\s+demo12345\s", out.getvalue(), re.MULTILINE)
    assert printed == readme_accounts()
    for username, _name, _role, group, superuser in catalog_data.DEMO_USERS:
        user = users[username]
        assert user.check_password(catalog_data.DEMO_PASSWORD)
        assert user.is_superuser == superuser
        if group:
            assert list(user.groups.values_list("name", flat=True)) == [group]
    from core.roles import is_finance

    assert is_finance(users["finance"]) and not is_finance(users["officer2"])


# --- the catalogue --------------------------------------------------------------------------


def _words(text: str) -> str:
    return f" {re.sub(r'[^a-z0-9]+', ' ', fold(text)).strip()} "


def _names(text: str, kind: str) -> bool:
    return _words(kind) in _words(text)


@pytest.mark.parametrize("stall", catalog_data.STALLS, ids=[s.slug for s in catalog_data.STALLS])
def test_each_stall_sells_what_its_name_and_story_say(stall):
    assert stall.sells, f"{stall.slug}: say what it sells"
    told = f"{stall.name} {stall.story}"
    for kind in stall.sells:
        assert _names(told, kind), f"{stall.slug}: its name and story never say it sells {kind!r}"
    for key in stall.bases:
        name = catalog_data.BASES_BY_KEY[key].name
        assert any(_names(name, kind) for kind in stall.sells), f"{stall.slug} sells {name!r}, not one of {stall.sells}"
    # And every kind it claims is on its shelves.
    for kind in stall.sells:
        assert any(_names(catalog_data.BASES_BY_KEY[k].name, kind) for k in stall.bases), (stall.slug, kind)


def test_every_product_line_has_one_stall_and_the_plan_keeps_its_shape():
    owners = [key for stall in catalog_data.STALLS for key in stall.bases]
    assert sorted(owners) == sorted(b.key for b in catalog_data.BASES)  # each line sold by exactly one stall
    plans = catalog_data.build_plan(datetime.date(2026, 1, 1))
    assert len(plans) == len(catalog_data.STALLS) * catalog_data.PRODUCTS_PER_STALL == 600
    for plan in plans:
        stall = next(s for s in catalog_data.STALLS if s.slug == plan.stall)
        assert plan.base in stall.bases
        assert plan.category == catalog_data.BASES_BY_KEY[plan.base].category
    certified = [p for p in plans if p.certificate]
    assert 420 <= len(certified) <= 540
    assert {p.certificate.stars for p in certified} == {3, 4, 5}


# --- the console sender ---------------------------------------------------------------------


def test_the_console_sender_logs_each_notification_once_and_tells_two_apart(settings, caplog):
    settings.NOTIFY_SENDER = "console"
    first = notify.Message(subject="Đơn hàng 1", body="a", phone="+84912000104", tags=("order", "shipped"))
    second = notify.Message(subject="Đơn hàng 1", body="b", phone="+84912000104", tags=("order", "shipped"))
    with caplog.at_level(logging.WARNING, logger="core.notify"):
        assert notify.send_now(first) and notify.send_now(second)
    lines = [r.getMessage() for r in caplog.records if r.name == "core.notify"]
    assert len(lines) == 2
    assert all(line.startswith("notification sent channel=sms to=…104 tags=order,shipped n=") for line in lines)
    assert lines[0] != lines[1]
    assert not any("Đơn hàng" in line or "+8491" in line for line in lines)
