"""Who may do what: every role against every action, answered by the real view or predicate.

Each row of ``TABLE`` is an action; each column a role. A cell is checked the way the
application decides it (a page requested as that user, or the queryset or predicate the
views and services ask), so two checks that disagree about a role fail here.
"""

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.models import Site
from wagtail.permission_policies import ModelPermissionPolicy

from core import roles
from feeds.models import Partner
from onboarding.services import is_reviewer
from orders import payments
from orders.admin_views import OrderStaffPolicy
from orders.models import FulfilmentGroup, Order
from orders.services import set_group_status
from reviews.models import Review
from reviews.services import review_submit
from tests.factories.catalog import ProductFactory
from tests.factories.onboarding import ApplicationFactory
from tests.factories.orders import OrderFactory
from tests.factories.producers import CommuneFactory, OfficerFactory, StallFactory, UserFactory

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "buyer", "farmer", "officer_a", "officer_b", "editor", "finance", "superuser")
Y, N = True, False

# fmt: off
TABLE = {
    #                                                  anon buyer farmer offA offB editor finance super
    "open the Wagtail admin":                          (N,  N,    N,     Y,   Y,   Y,     N,      Y),
    "edit a producer of commune A in the admin":       (N,  N,    N,     Y,   N,   Y,     N,      Y),
    "open the officer screens (review queue)":         (N,  N,    N,     Y,   Y,   Y,     N,      Y),
    "review an onboarding application of commune A":   (N,  N,    N,     Y,   N,   Y,     N,      Y),
    "confirm the commune of an ambiguous address":     (N,  N,    N,     Y,   Y,   N,     N,      Y),
    "moderate a review of a stall in commune A":       (N,  N,    N,     Y,   N,   Y,     N,      Y),
    "change an order's status at the stall desk":      (N,  N,    Y,     Y,   N,   Y,     N,      Y),
    "see and refund an order's payments":              (N,  N,    Y,     Y,   N,   Y,     Y,      Y),
    "see a stall's monthly settlement statement":      (N,  N,    Y,     Y,   N,   Y,     N,      Y),
    "download the tax withheld this month":            (N,  N,    N,     N,   N,   Y,     Y,      Y),
    "confirm money received on the platform account":  (N,  N,    N,     N,   N,   N,     Y,      Y),
    "see every order in the admin":                    (N,  N,    N,     N,   N,   Y,     Y,      Y),
    "publish a CMS page":                              (N,  N,    N,     N,   N,   Y,     N,      Y),
    "manage feed partners":                            (N,  N,    N,     N,   N,   Y,     N,      Y),
}
# fmt: on


@pytest.fixture
def world():
    commune_a, commune_b = CommuneFactory(), CommuneFactory()
    farmer = UserFactory(username="ho-a", groups=[roles.FARMER])
    stall = StallFactory(commune=commune_a, province=commune_a.province, producer__owner=farmer)
    product = ProductFactory(producer=stall.producer, stock=20)
    order = OrderFactory(items=[(product, 1)], paid=True)
    group = order.groups.get()
    for status in (FulfilmentGroup.Status.PREPARING, FulfilmentGroup.Status.SHIPPED):
        set_group_status(group, to=status, tracking_number="VN123456789")
    set_group_status(group, to=FulfilmentGroup.Status.DELIVERED)
    review = review_submit(
        line=group.lines.get(), rating=5, text="Bánh ngon, giao nhanh.", author_name="Bình", photos=[]
    )
    users = {
        "anonymous": AnonymousUser(),
        "buyer": UserFactory(username="nguoi-mua"),
        "farmer": farmer,
        "officer_a": OfficerFactory(communes=[commune_a]).user,
        "officer_b": OfficerFactory(communes=[commune_b]).user,
        "editor": UserFactory(username="bien-tap", groups=[roles.EDITOR]),
        "finance": UserFactory(username="ke-toan", groups=[roles.FINANCE]),
        "superuser": UserFactory(username="quan-tri", is_superuser=True, is_staff=True),
    }
    return {
        "users": users,
        "stall": stall,
        "order": order,
        "group": group,
        "review": review,
        "application": ApplicationFactory(commune=commune_a),
        "month": timezone.localdate().replace(day=1).strftime("%Y-%m"),
    }


def _page(client, user, url) -> bool:
    client.logout()
    if user.is_authenticated:
        client.force_login(user)
    return client.get(url).status_code == 200


def _check(action, client, user, w) -> bool:
    if action == "open the Wagtail admin":
        return _page(client, user, reverse("wagtailadmin_home"))
    if action == "edit a producer of commune A in the admin":
        url = reverse("wagtailsnippets_producers_producer:edit", args=[w["stall"].producer_id])
        return _page(client, user, url)
    if action == "open the officer screens (review queue)":
        return _page(client, user, reverse("onboarding:queue"))
    if action == "review an onboarding application of commune A":
        return is_reviewer(w["application"], user)
    if action == "confirm the commune of an ambiguous address":
        return roles.confirms_addresses(user)
    if action == "moderate a review of a stall in commune A":
        queue = _page(client, user, reverse("reviews:moderation"))
        return queue and Review.objects.moderatable_by(user).filter(pk=w["review"].pk).exists()
    if action == "change an order's status at the stall desk":
        return _page(client, user, reverse("orders:stall-order", args=[w["group"].pk]))
    if action == "see and refund an order's payments":
        return _page(client, user, reverse("orders:payment-manage", args=[w["order"].number]))
    if action == "see a stall's monthly settlement statement":
        return _page(client, user, reverse("orders:statement", args=[w["stall"].pk, w["month"]]))
    if action == "download the tax withheld this month":
        return _page(client, user, reverse("orders:tax-export", args=[w["month"]]))
    if action == "confirm money received on the platform account":
        return payments.confirmable_orders(user).filter(pk=w["order"].pk).exists()
    if action == "see every order in the admin":
        return OrderStaffPolicy(Order).user_has_permission(user, "view")
    if action == "publish a CMS page":
        home = Site.objects.get(is_default_site=True).root_page.specific
        return user.is_authenticated and home.permissions_for_user(user).can_publish()
    if action == "manage feed partners":
        return ModelPermissionPolicy(Partner).user_has_permission(user, "change")
    raise AssertionError(action)


@pytest.mark.parametrize("action", list(TABLE))
def test_role_by_action(action, client, world):
    expected = dict(zip(ROLES, TABLE[action], strict=True))
    actual = {role: bool(_check(action, client, world["users"][role], world)) for role in ROLES}
    assert actual == expected


def test_the_wizard_offers_confirming_a_commune_to_exactly_who_may_confirm(client, world):
    """The address step's "Confirm this commune" and the service that confirms ask one predicate."""
    from producers.services import admin_units_load

    admin_units_load()
    for role in ("farmer", "officer_a", "editor", "superuser"):
        user = world["users"][role]
        app = ApplicationFactory(household=world["users"]["farmer"], commune=None, province=None)
        if role == "officer_a":
            # The officer assisting this household, serving both communes the old one was split into.
            app.officer = user
            app.save(update_fields=["officer"])
            user.officer_profile.communes.add("20194", "20197")
        client.force_login(user)
        with translation.override(settings.LANGUAGE_CODE):
            url = "/en" + reverse("onboarding:step", kwargs={"pk": app.pk, "step": "address"})
        client.post(url, {"action": "legacy", "legacy_address": "Xã Hòa Liên, Huyện Hòa Vang, Thành phố Đà Nẵng"})
        offered = "Confirm this commune" in client.get(url).content.decode()
        assert offered == roles.confirms_addresses(user), role
        response = client.post(url, {"action": "candidate", "commune": "20197"}, follow=True)
        app.refresh_from_db()
        # Whoever is offered "confirm" confirms; anyone else's choice waits for an officer.
        assert app.commune_id == "20197", (role, response.content.decode())
        assert (app.address_confirmed_by == user) == offered, role


def test_the_admin_lists_as_order_staff_exactly_who_it_lets_in(world):
    policy = OrderStaffPolicy(Order)
    listed = set(policy.users_with_any_permission(["view"]))
    for role, user in world["users"].items():
        if user.is_authenticated:
            assert (user in listed) == policy.user_has_permission(user, "view"), role


def test_a_page_asking_many_role_questions_reads_the_groups_once(world, django_assert_num_queries):
    from django.contrib.auth import get_user_model

    for role in ("farmer", "officer_a", "editor"):
        user = get_user_model().objects.get(pk=world["users"][role].pk)
        # The group names once, the officer profile once (a missing one is remembered too).
        with django_assert_num_queries(2):
            for _ in range(5):
                roles.is_editor(user)
                roles.is_farmer(user)
                roles.sees_all_producers(user)
                roles.reviews_applications(user)
                roles.is_officer(user)
                roles.confirms_addresses(user)


def test_the_cached_groups_follow_a_change_of_groups(world):
    from django.contrib.auth.models import Group

    buyer = world["users"]["buyer"]
    assert not roles.is_editor(buyer)
    buyer.groups.add(Group.objects.get(name=roles.EDITOR))
    assert roles.is_editor(buyer)
    buyer.groups.clear()
    assert not roles.is_editor(buyer)


def test_is_staff_alone_gives_no_role(world):
    staff = UserFactory(username="nhan-vien", is_staff=True)
    asked = (roles.is_editor, roles.is_officer, roles.is_finance, roles.is_platform_staff, roles.reviews_applications)
    assert not any(predicate(staff) for predicate in asked)
