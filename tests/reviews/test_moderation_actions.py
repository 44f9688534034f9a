"""The moderation queue offers, in each status, exactly the decisions ``review_moderate`` takes."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from reviews import services
from reviews.models import Review

pytestmark = pytest.mark.django_db

# Written out by hand: the order of the buttons is part of the screen.
EXPECTED = {
    Review.Status.PENDING: ["approve", "reject"],
    Review.Status.APPROVED: ["reject"],
    Review.Status.REJECTED: ["approve"],
}


class _Undo(Exception):
    pass


def _accepted(review, decision, actor) -> bool:
    """Whether the service takes this decision for the review now (the change is rolled back)."""
    try:
        with transaction.atomic():
            services.review_moderate(review=review, approve=decision == "approve", actor=actor, note="x")
            raise _Undo
    except _Undo:
        return True
    except services.ReviewError:
        return False


@pytest.mark.parametrize("status", Review.Status.values)
def test_the_queue_offers_exactly_the_decisions_the_service_takes(client, editor, delivered_line, status):
    review = services.review_submit(line=delivered_line, rating=4, text="Bánh thơm.", author_name="Bình", photos=[])
    Review.objects.filter(pk=review.pk).update(status=status)
    review.refresh_from_db()
    client.force_login(editor)
    page = client.get(reverse("reviews:moderation"), {"status": status}).content.decode()
    url = re.escape(reverse("reviews:moderate", args=[review.pk]))
    form = re.search(rf'<form method="post" action="{url}" class="rv-mod">(.*?)</form>', page, re.S).group(1)
    offered = re.findall(r'name="decision" value="([^"]+)"', form)

    assert offered == services.moderation_actions(status) == EXPECTED[status]
    assert offered == [d for d in ("approve", "reject") if _accepted(review, d, editor)]
    assert ('name="note"' in form) == ("reject" in offered)
