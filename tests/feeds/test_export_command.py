import datetime

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from feeds.models import FeedRun

from .helpers import google_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def partner(make_product, stall, partner_with_token):
    make_product(stall=stall, name="Nước mắm Phú Quốc")
    return partner_with_token(producers=[stall.producer])[0]


@pytest.mark.parametrize("fmt,start", [("google", b"<?xml"), ("csv", b"\xef\xbb\xbfid,"), ("json", b'{"version"')])
def test_export_feed_writes_a_file_and_logs_a_run(partner, tmp_path, fmt, start):
    out = tmp_path / f"feed.{fmt}"
    call_command("export_feed", "postmart", "--format", fmt, "--output", str(out))

    body = out.read_bytes()
    assert body.startswith(start)
    assert "Nước mắm Phú Quốc".encode() in body
    run = FeedRun.objects.get()
    assert (run.trigger, run.format, run.status, run.items, run.bytes) == ("command", fmt, "succeeded", 1, len(body))


def test_export_feed_since_and_to_stdout(partner, capsysbinary):
    since = (timezone.now() + datetime.timedelta(minutes=1)).isoformat()
    call_command("export_feed", "postmart", "--since", since)
    assert google_items(capsysbinary.readouterr().out) == {}


def test_export_feed_refuses_unknown_partner_or_time(partner):
    with pytest.raises(CommandError):
        call_command("export_feed", "nobody")
    with pytest.raises(CommandError):
        call_command("export_feed", "postmart", "--since", "soon")
