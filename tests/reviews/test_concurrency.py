"""Counters under parallel requests: never counted twice, never lost (PostgreSQL only)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from core import roles
from orders.models import FulfilmentGroup
from orders.services import set_group_status
from reviews import services
from reviews.models import Review
from tests.factories.catalog import ProductFactory
from tests.factories.orders import OrderFactory
from tests.factories.producers import UserFactory

from .conftest import deliver

pytestmark = [
    # Serialized: the roles the data migrations made come back after each test's flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="Needs PostgreSQL (row locks between real connections); run with DATABASE_URL=postgres://…",
    ),
]


def run_parallel(jobs):
    """Start every job at once (one connection each); their outcomes, in any order."""
    barrier = threading.Barrier(len(jobs))
    outcomes, lock = [], threading.Lock()

    def run(job):
        try:
            barrier.wait()
            try:
                result = job()
            except Exception as exc:
                result = f"{type(exc).__name__}: {exc}"
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def reviews_of(product, ratings):
    result = []
    for rating in ratings:
        line = deliver(OrderFactory(items=[(product, 1)], paid=True).groups.get()).lines.get()
        result.append(
            services.review_submit(line=line, rating=rating, text="Hàng đúng mô tả, giao nhanh", author_name="A")
        )
    return result


def test_parallel_approvals_of_different_reviews_all_count():
    product = ProductFactory(stock=50)
    editor = UserFactory(groups=[roles.EDITOR])
    pending = reviews_of(product, [5, 4, 3, 5, 2, 5])

    def approve(review):
        return lambda: services.review_moderate(review=review, approve=True, actor=editor) and "ok"

    outcomes = run_parallel([approve(r) for r in pending])
    assert outcomes == ["ok"] * 6
    product.refresh_from_db()
    assert product.rating_count == 6
    assert str(product.rating_average) == "4.00"  # 24 / 6


def test_the_same_review_approved_in_parallel_counts_once():
    product = ProductFactory(stock=50)
    editor = UserFactory(groups=[roles.EDITOR])
    (review,) = reviews_of(product, [5])

    def approve():
        client = Client()
        client.force_login(editor)
        return client.post(reverse("reviews:moderate", args=[review.pk]), {"decision": "approve"}).status_code

    outcomes = run_parallel([approve for _ in range(6)])
    assert outcomes == [302] * 6  # the later ones are told it is already published
    product.refresh_from_db()
    assert product.rating_count == 1
    assert Review.objects.get().status == "approved"


def test_the_same_line_reviewed_in_parallel_gives_one_review():
    product = ProductFactory(stock=50)
    line = deliver(OrderFactory(items=[(product, 1)], paid=True).groups.get()).lines.get()

    def submit():
        try:
            services.review_submit(line=line, rating=5, text="Ngon, đóng gói cẩn thận", author_name="A")
        except services.ReviewError:
            return "refused"
        return "ok"

    outcomes = run_parallel([submit for _ in range(5)])
    assert sorted(outcomes) == ["ok"] + ["refused"] * 4
    assert Review.objects.count() == 1


def test_parallel_deliveries_of_one_product_all_count_as_sold():
    product = ProductFactory(stock=100)
    groups = []
    for quantity in (1, 2, 3, 4, 5):
        group = OrderFactory(items=[(product, quantity)], paid=True).groups.get()
        set_group_status(group, to=FulfilmentGroup.Status.PREPARING)
        set_group_status(group, to=FulfilmentGroup.Status.SHIPPED, tracking_number="VN1")
        groups.append(group)
    # The same part marked delivered twice at once (a double tap) must count once, too.
    jobs = [lambda g=g: set_group_status(g, to=FulfilmentGroup.Status.DELIVERED) and "ok" for g in groups]
    jobs.append(lambda: set_group_status(groups[0], to=FulfilmentGroup.Status.DELIVERED) and "ok")
    outcomes = run_parallel(jobs)
    assert outcomes.count("ok") == 5, outcomes
    assert Product.objects.get(pk=product.pk).sold_count == 15
