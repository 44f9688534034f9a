"""core.read_ahead: the next chunk read by a thread of its own, only where it reads the same rows."""

import threading

import pytest
from django.db import connection

from core.read_ahead import read_ahead
from feeds import services
from feeds.models import FeedRun, ProducerOptIn
from tests.factories.catalog import ImageFactory, ProductFactory, ProductImageFactory
from tests.factories.producers import StallFactory
from tests.feeds.helpers import google_items

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Needs PostgreSQL (a second connection reading beside the first); run with DATABASE_URL=postgres://…",
)


def _product_chunks(readers, *, size, read=None):
    """Product names, ``size`` a query, in id order; notes which thread ran each query."""
    from catalog.models import Product

    start = 0
    while True:
        names = list(Product.objects.order_by("pk").values_list("name", flat=True)[start : start + size])
        if not names:
            return
        readers.append(threading.get_ident())
        if read is not None:
            read(start // size)
        yield names
        start += size


@pytest.mark.django_db
def test_inside_a_transaction_the_caller_reads_its_own_chunks():
    # The test's transaction holds rows no other connection can see yet: reading them in
    # another thread would miss them.
    ProductFactory(name="Mắm cá linh")
    readers = []
    assert list(read_ahead(_product_chunks(readers, size=10))) == [["Mắm cá linh"]]
    assert readers == [threading.get_ident()]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_next_chunk_is_read_while_the_caller_works_on_this_one():
    for name in ("Bánh pía", "Kẹo dừa", "Mứt gừng", "Trà Shan tuyết"):
        ProductFactory(name=name)
    second_read = threading.Event()
    readers = []
    chunks = read_ahead(_product_chunks(readers, size=2, read=lambda index: index == 1 and second_read.set()))

    first = next(chunks)
    # The caller has not asked for the second chunk yet, and it has been read already.
    assert second_read.wait(timeout=10), "the second chunk was not read ahead"
    rest = list(chunks)

    assert [first, *rest] == [["Bánh pía", "Kẹo dừa"], ["Mứt gừng", "Trà Shan tuyết"]]
    assert threading.get_ident() not in readers, "read by a thread of its own"


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_an_error_while_reading_reaches_the_caller_after_the_chunks_before_it():
    def chunks():
        yield [1]
        raise ValueError("the database went away")

    got = []
    with pytest.raises(ValueError, match="went away"):
        for chunk in read_ahead(chunks()):
            got.append(chunk)
    assert got == [[1]]


def _connections_to_this_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()")
        return cursor.fetchone()[0]


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_caller_that_stops_early_ends_the_reader_and_closes_its_connection():
    ProductFactory(name="Bánh pía")
    before = _connections_to_this_database()
    cleaned_up = threading.Event()

    def chunks():
        from catalog.models import Product

        try:
            for _ in range(1000):
                yield list(Product.objects.values_list("name", flat=True))
        finally:
            cleaned_up.set()

    reading = read_ahead(chunks())
    assert next(reading) == ["Bánh pía"]
    reading.close()  # a partner's download cut off half-way

    assert cleaned_up.is_set(), "the source's own clean-up ran"
    assert not any(thread.name == "read-ahead" for thread in threading.enumerate())
    assert _connections_to_this_database() == before


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_feed_read_ahead_is_the_feed_read_in_line(monkeypatch):
    stall = StallFactory(name="Gian hàng Sóc Trăng")
    image = ImageFactory()
    for n in range(23):
        ProductImageFactory(product=ProductFactory(producer=stall.producer, name=f"Bánh pía số {n}"), image=image)
    partner, _token = services.partner_create(name="Postmart", slug="postmart", formats=("google",))
    ProducerOptIn.objects.create(partner=partner, producer=stall.producer)

    def feed():
        run = services.run_start(partner=partner, fmt="google", trigger="command")
        body = b"".join(services.feed_generate(partner=partner, fmt="google", run=run, chunk_size=5))
        run.refresh_from_db()
        assert run.status == FeedRun.Status.SUCCEEDED and run.items == 23
        return google_items(body)

    ahead = feed()
    monkeypatch.setattr("core.read_ahead.can_read_ahead", lambda using="default": False)
    in_line = feed()

    assert len(ahead) == 23
    assert ahead == in_line
