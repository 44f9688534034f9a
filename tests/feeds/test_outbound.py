"""Partner push URLs reach public addresses only: refused when saved, and again when connecting."""

import socket

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from core import outbound, roles
from feeds import push as push_module
from feeds.models import Partner
from feeds.push import push_feed
from tests.factories.producers import UserFactory
from tests.feeds.test_push import PartnerServer, listed_product, make_partner

pytestmark = pytest.mark.django_db

REFUSED = [
    "https://127.0.0.1/inbox",
    "https://127.8.0.1:8443/inbox",
    "https://localhost/inbox",
    "https://api.localhost/inbox",
    "https://[::1]/inbox",
    "https://[::ffff:127.0.0.1]/inbox",
    "https://0.0.0.0/inbox",
    "https://10.1.2.3/inbox",
    "https://172.16.0.9/inbox",
    "https://192.168.1.1/inbox",
    "https://100.64.0.1/inbox",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fd00:ec2::254]/latest/meta-data/",
    "https://[fe80::1]/inbox",
    "https://metadata.google.internal/computeMetadata/v1/",
    "https://224.0.0.1/inbox",
]
VI_REFUSED = "trỏ tới chính máy chủ hoặc một mạng nội bộ"


def partner_form(**fields):
    data = {
        "name": "Voso",
        "slug": "voso",
        "active": "on",
        "format_google": "on",
        "min_stars": "0",
        "category_mappings-TOTAL_FORMS": "0",
        "category_mappings-INITIAL_FORMS": "0",
        "opt_ins-TOTAL_FORMS": "0",
        "opt_ins-INITIAL_FORMS": "0",
    }
    return data | fields


@pytest.fixture
def resolve_to(monkeypatch):
    """Make a host name resolve to the given address, for the validator and for urllib3 alike."""
    real = socket.getaddrinfo

    def install(host, address):
        def fake(name, port, *args, **kwargs):
            if name == host:
                return real(address, port, *args, **kwargs)
            return real(name, port, *args, **kwargs)

        monkeypatch.setattr(socket, "getaddrinfo", fake)

    return install


@pytest.mark.parametrize("url", REFUSED)
def test_loopback_private_link_local_and_metadata_addresses_are_refused_when_saved(url):
    with pytest.raises(ValidationError) as exc:
        outbound.validate_public_url(url)
    assert exc.value.code == "not_public", url


def test_a_public_https_address_is_accepted_and_http_only_with_debug(settings):
    outbound.validate_public_url("https://93.184.216.34/inbox")
    outbound.validate_public_url("https://[2606:4700::1111]/inbox")
    with pytest.raises(ValidationError) as exc:
        outbound.validate_public_url("http://93.184.216.34/inbox")
    assert exc.value.code == "scheme"
    for url in ("ftp://93.184.216.34/x", "file:///etc/passwd", "gopher://93.184.216.34/"):
        with pytest.raises(ValidationError):
            outbound.validate_public_url(url)
    settings.DEBUG = True
    outbound.validate_public_url("http://93.184.216.34/inbox")
    with pytest.raises(ValidationError):
        outbound.validate_public_url("http://127.0.0.1/inbox")  # DEBUG allows http, not loopback


def test_a_name_that_resolves_to_a_private_address_is_refused_when_saved(resolve_to):
    resolve_to("partner.example", "10.0.0.7")
    with pytest.raises(ValidationError):
        outbound.validate_public_url("https://partner.example/inbox")
    resolve_to("partner.example", "93.184.216.34")
    outbound.validate_public_url("https://partner.example/inbox")


def test_the_admin_form_refuses_a_loopback_push_url_with_a_vietnamese_error(client):
    client.force_login(UserFactory(groups=[roles.EDITOR]))
    response = client.post("/admin/snippets/feeds/partner/add/", partner_form(push_url="https://127.0.0.1:8000/admin/"))
    assert response.status_code == 200
    assert VI_REFUSED in response.content.decode()
    response = client.post("/admin/snippets/feeds/partner/add/", partner_form(push_url="http://93.184.216.34/inbox"))
    assert "Địa chỉ phải bắt đầu bằng https://" in response.content.decode()
    assert not Partner.objects.filter(slug="voso").exists()


@pytest.fixture
def loopback_server():
    import threading

    server = PartnerServer([(200, "ok")])
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_name_rebound_to_127_0_0_1_is_refused_when_connecting(loopback_server, resolve_to):
    """Saved while it resolved to a public address; at push time it resolves to loopback."""
    port = loopback_server.server_address[1]
    resolve_to("partner.example", "127.0.0.1")
    partner = make_partner(f"http://partner.example:{port}/inbox")  # as saved before the rebinding
    listed_product(partner)

    run = push_feed(partner=partner, fmt="google", retries=3, backoff=0)

    assert loopback_server.received == []  # not a byte reached the server
    assert run.status == run.Status.FAILED and run.attempts == 1  # refused, not retried
    assert "non-public address 127.0.0.1" in run.error


def test_loopback_is_reachable_only_with_the_test_setting(loopback_server, settings):
    partner = make_partner(loopback_server.url)
    listed_product(partner)
    assert push_feed(partner=partner, fmt="google", retries=0).status == "failed"
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    assert push_feed(partner=partner, fmt="google", retries=0).status == "succeeded"


def test_the_deploy_check_refuses_the_loopback_setting_without_debug(settings):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    settings.DEBUG = False
    with pytest.raises(SystemCheckError, match="OUTBOUND_ALLOW_LOOPBACK"):
        call_command("check", "--deploy", "--fail-level", "ERROR")


def test_the_partners_answer_is_stored_truncated_and_shown_escaped(loopback_server, settings, client):
    settings.OUTBOUND_ALLOW_LOOPBACK = True
    loopback_server.script = [(400, "<script>alert('ssrf')</script>" + "x" * 50_000)]
    partner = make_partner(loopback_server.url)
    listed_product(partner)

    run = push_feed(partner=partner, fmt="google", retries=0)

    assert run.http_status == 400 and len(run.error) <= push_module.ERROR_MAX_CHARS
    client.force_login(UserFactory(groups=[roles.EDITOR]))
    page = client.get(f"/admin/snippets/feeds/partner/edit/{partner.pk}/").content.decode()
    assert "&lt;script&gt;alert(" in page
    assert "<script>alert(" not in page
