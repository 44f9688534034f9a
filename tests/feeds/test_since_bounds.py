"""``?since=`` at the ends of the calendar: a 400 with a message, never an overflow or a broken stream."""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def pull(client, partner_with_token, stall, make_product):
    make_product(stall=stall, name="Bánh pía")
    _partner, token = partner_with_token()

    def get(since, file_name="products.json"):
        return client.get(f"/feeds/postmart/{file_name}?since={quote(since)}", HTTP_AUTHORIZATION=f"Bearer {token}")

    return get


@pytest.mark.parametrize(
    "since",
    [
        "0001-01-01",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-12:00",
        "9999-12-31",
        "1999-12-31T00:00:00Z",
        "2024-02-30",
        "2024-13-01T00:00:00",
        "2100-01-01T00:00:00+14:00",
        "not-a-date",
    ],
)
@pytest.mark.parametrize("file_name", ["products.json", "google.xml", "products.csv"])
def test_since_out_of_range_is_a_bad_request_with_a_message(pull, since, file_name):
    response = pull(since, file_name)

    assert response.status_code == 400
    assert "ISO-8601" in response.content.decode()
    assert "2000-01-01" in response.content.decode()


@pytest.mark.parametrize("since", ["2000-01-01", "2024-06-01T12:00:00+14:00", "2024-06-01T12:00:00-12:00"])
def test_since_in_range_streams_a_whole_feed(pull, since):
    response = pull(since)

    assert response.status_code == 200
    body = b"".join(response.streaming_content)  # read to the end: the stream does not break
    assert body.rstrip().endswith(b"}")
