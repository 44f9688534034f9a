"""The state machine: every legal and illegal move, who may make it, the audit trail."""

import pytest
from django.core.exceptions import ValidationError

from catalog.models import Product
from onboarding import services
from onboarding.models import Application, AuditEntry, ReviewComment
from onboarding.services import TransitionError
from tests.factories.onboarding import ApplicationFactory, complete_application
from tests.factories.producers import UserFactory

pytestmark = pytest.mark.django_db

S = Application.State
ALL_STATES = list(S)


def at(state, **kwargs) -> Application:
    """A complete application put straight into ``state`` (the factory bypasses the service)."""
    return complete_application(state=state, **kwargs)


def audit_count(app):
    return AuditEntry.objects.filter(application=app).count()


def assert_refused(app, call, message_part=""):
    before_state, before_audit = Application.objects.get(pk=app.pk).state, audit_count(app)
    with pytest.raises(TransitionError) as exc:
        call()
    assert exc.value.message
    if message_part:
        assert message_part in exc.value.message
    assert Application.objects.get(pk=app.pk).state == before_state
    assert audit_count(app) == before_audit
    return exc.value


# --- the whole path -----------------------------------------------------------------------


def test_household_application_goes_from_draft_to_published(application, household, officer, officer2, client):
    services.submit(application, household)
    assert application.state == S.SUBMITTED and application.submitted_at
    services.start_review(application, officer)
    assert application.state == S.IN_REVIEW
    services.request_changes(application, officer, comment="Ảnh mờ quá", field_comments={"story": "Viết thêm"})
    assert application.state == S.CHANGES_REQUESTED
    services.record_edit(application, household, field="photos", summary="Chụp lại ảnh")
    services.submit(application, household)
    assert not ReviewComment.objects.filter(application=application, resolved=False).exists()
    services.start_review(application, officer2)
    services.approve(application, officer2)
    application.refresh_from_db()
    assert application.state == S.PUBLISHED
    assert application.decided_at and application.published_at
    trail = [(e.from_state, e.to_state) for e in application.audit.filter(action=AuditEntry.Action.TRANSITION)]
    assert trail == [
        (S.DRAFT, S.SUBMITTED),
        (S.SUBMITTED, S.IN_REVIEW),
        (S.IN_REVIEW, S.CHANGES_REQUESTED),
        (S.CHANGES_REQUESTED, S.SUBMITTED),
        (S.SUBMITTED, S.IN_REVIEW),
        (S.IN_REVIEW, S.APPROVED),
        (S.APPROVED, S.PUBLISHED),
    ]
    product = Product.objects.get(producer=application.producer)
    assert product.status == Product.Status.PUBLISHED
    response = client.get("/products/")
    assert product.name in response.content.decode()


# --- each legal move, and every illegal one ------------------------------------------------

LEGAL = {
    "submit": {S.DRAFT: S.SUBMITTED, S.CHANGES_REQUESTED: S.SUBMITTED},
    "withdraw": {s: S.WITHDRAWN for s in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED)},
    "start_review": {S.SUBMITTED: S.IN_REVIEW},
    "request_changes": {S.IN_REVIEW: S.CHANGES_REQUESTED},
    "approve": {S.IN_REVIEW: S.PUBLISHED},
    "reject": {S.IN_REVIEW: S.REJECTED},
}


def run(action, app, household, officer):
    if action == "submit":
        return services.submit(app, household)
    if action == "withdraw":
        return services.withdraw(app, household)
    if action == "start_review":
        return services.start_review(app, officer)
    if action == "request_changes":
        return services.request_changes(app, officer, comment="Sửa giá")
    if action == "approve":
        return services.approve(app, officer)
    return services.reject(app, officer, reason="Không phải sản phẩm của xã")


CASES = [(action, state) for action in LEGAL for state in ALL_STATES]


@pytest.mark.parametrize(("action", "state"), CASES)
def test_every_move_from_every_state(action, state, household, commune, officer):
    app = at(state, household=household, commune=commune)
    expected = LEGAL[action].get(state)
    if expected is None:
        error = assert_refused(app, lambda: run(action, app, household, officer))
        assert "cannot" in error.message or "không thể" in error.message
        return
    run(action, app, household, officer)
    app.refresh_from_db()
    assert app.state == expected
    entry = app.audit.filter(action=AuditEntry.Action.TRANSITION).last()
    assert entry.to_state == expected
    assert entry.actor in (household, officer)


def test_refusal_message_is_translated(household, commune):
    app = at(S.PUBLISHED, household=household, commune=commune)
    with pytest.raises(TransitionError) as exc:
        services.withdraw(app, household)
    assert "không" in exc.value.message.lower()


# --- submission: checklist and consent ---------------------------------------------------


def test_incomplete_application_cannot_be_submitted(household, commune):
    app = ApplicationFactory(household=household, created_by=household, commune=commune)  # no product
    error = assert_refused(app, lambda: services.submit(app, household))
    assert "sản phẩm" in error.message


def test_officer_submission_requires_and_records_consent(household, commune, officer):
    app = at(S.DRAFT, household=household, created_by=officer, commune=commune)
    assert_refused(app, lambda: services.submit(app, officer), "đồng ý")
    services.submit(app, officer, consent=True)
    app.refresh_from_db()
    assert app.state == S.SUBMITTED
    assert app.consent_given and app.consent_confirmed_by == officer and app.consent_at
    consent = app.audit.get(action=AuditEntry.Action.CONSENT)
    assert consent.actor == officer and consent.on_behalf
    assert app.audit.get(to_state=S.SUBMITTED).on_behalf


def test_household_submission_needs_no_consent_box(application, household):
    services.submit(application, household)
    application.refresh_from_db()
    assert not application.consent_given
    assert not application.audit.get(to_state=S.SUBMITTED).on_behalf


# --- four eyes -------------------------------------------------------------------------------


def test_officer_cannot_approve_application_they_created(household, commune, officer):
    app = at(S.IN_REVIEW, household=household, created_by=officer, commune=commune, officer=officer)
    error = assert_refused(app, lambda: services.approve(app, officer))
    assert "cán bộ khác" in error.message
    assert not Product.objects.exists()


def test_second_officer_approves_what_the_first_created(household, commune, officer, officer2):
    app = at(S.IN_REVIEW, household=household, created_by=officer, commune=commune, officer=officer)
    services.approve(app, officer2)
    assert Application.objects.get(pk=app.pk).state == S.PUBLISHED


def test_editor_approves_what_an_officer_created(household, commune, officer, editor):
    app = at(S.IN_REVIEW, household=household, created_by=officer, commune=commune)
    services.approve(app, editor)
    assert Application.objects.get(pk=app.pk).state == S.PUBLISHED


def test_officer_approves_household_created_application_they_reviewed(application, household, officer):
    services.submit(application, household)
    services.start_review(application, officer)
    services.approve(application, officer)
    assert application.state == S.PUBLISHED


# --- scoping ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "call"),
    [
        (S.SUBMITTED, lambda app, user: services.start_review(app, user)),
        (S.IN_REVIEW, lambda app, user: services.approve(app, user)),
        (S.IN_REVIEW, lambda app, user: services.reject(app, user, reason="x")),
        (S.IN_REVIEW, lambda app, user: services.request_changes(app, user, comment="x")),
        (S.IN_REVIEW, lambda app, user: services.add_comment(app, user, text="x")),
        (S.DRAFT, lambda app, user: services.submit(app, user, consent=True)),
        (S.DRAFT, lambda app, user: services.withdraw(app, user)),
        (S.DRAFT, lambda app, user: services.record_edit(app, user, field="story")),
    ],
)
def test_officer_of_another_commune_cannot_act(state, call, household, commune, other_officer):
    app = at(state, household=household, commune=commune)
    assert_refused(app, lambda: call(app, other_officer))


@pytest.mark.parametrize(
    ("state", "call"),
    [
        (S.SUBMITTED, lambda app, user: services.start_review(app, user)),
        (S.IN_REVIEW, lambda app, user: services.approve(app, user)),
        (S.IN_REVIEW, lambda app, user: services.reject(app, user, reason="x")),
        (S.DRAFT, lambda app, user: services.submit(app, user, consent=True)),
        (S.DRAFT, lambda app, user: services.withdraw(app, user)),
        (S.DRAFT, lambda app, user: services.record_edit(app, user, field="story")),
    ],
)
def test_another_household_cannot_act(state, call, household, other_household, commune):
    app = at(state, household=household, commune=commune)
    assert_refused(app, lambda: call(app, other_household))


def test_household_cannot_review_its_own_application(household, commune):
    app = at(S.SUBMITTED, household=household, commune=commune)
    assert_refused(app, lambda: services.start_review(app, household), "cán bộ")


def test_assigned_officer_outside_the_commune_cannot_review(household, commune, other_officer):
    app = at(S.SUBMITTED, household=household, commune=commune, officer=other_officer)
    assert_refused(app, lambda: services.start_review(app, other_officer))


def test_visible_to(household, other_household, commune, officer, other_officer, editor):
    app = at(S.SUBMITTED, household=household, commune=commune)
    assert list(Application.objects.visible_to(household)) == [app]
    assert list(Application.objects.visible_to(officer)) == [app]
    assert list(Application.objects.visible_to(editor)) == [app]
    assert not Application.objects.visible_to(other_household).exists()
    assert not Application.objects.visible_to(other_officer).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not Application.objects.visible_to(AnonymousUser()).exists()


# --- reasons, comments -----------------------------------------------------------------------


def test_reject_needs_a_reason_and_keeps_it(household, commune, officer):
    app = at(S.IN_REVIEW, household=household, commune=commune)
    assert_refused(app, lambda: services.reject(app, officer, reason="  "), "lý do")
    services.reject(app, officer, reason="Sản phẩm không có nguồn gốc rõ ràng")
    app.refresh_from_db()
    assert app.rejection_reason == "Sản phẩm không có nguồn gốc rõ ràng"
    assert app.audit.last().comment == app.rejection_reason


def test_request_changes_needs_a_comment_and_records_field_comments(household, commune, officer):
    app = at(S.IN_REVIEW, household=household, commune=commune)
    assert_refused(app, lambda: services.request_changes(app, officer, comment=""))
    services.request_changes(app, officer, comment="", field_comments={"account_holder": "Sai tên chủ tài khoản"})
    comment = ReviewComment.objects.get(application=app)
    assert comment.field == "account_holder" and not comment.resolved
    assert app.audit.filter(action=AuditEntry.Action.COMMENT, field="account_holder").exists()


def test_add_comment_overall_and_per_field(household, commune, officer):
    app = at(S.IN_REVIEW, household=household, commune=commune)
    services.add_comment(app, officer, text="Nhìn chung tốt")
    services.add_comment(app, officer, text="Giá hơi cao", field="product:1:price")
    assert list(app.comments.values_list("field", flat=True)) == ["", "product:1:price"]
    assert_refused(app, lambda: services.add_comment(app, officer, text=" "))


# --- editing ---------------------------------------------------------------------------------


def test_record_edit_marks_officer_changes_on_behalf(application, household, officer):
    services.record_edit(application, household, field="stall", summary="Đổi tên")
    services.record_edit(application, officer, field="photos")
    entries = list(application.audit.filter(action=AuditEntry.Action.EDIT))
    assert [(e.field, e.on_behalf) for e in entries] == [("stall", False), ("photos", True)]


@pytest.mark.parametrize("state", ALL_STATES)
def test_can_edit_only_drafts_and_sent_back(state, household, commune, officer, other_officer):
    app = at(state, household=household, commune=commune)
    editable = state in (S.DRAFT, S.CHANGES_REQUESTED)
    assert services.can_edit(app, household) is editable
    assert services.can_edit(app, officer) is editable
    assert services.can_edit(app, other_officer) is False
    if not editable:
        assert_refused(app, lambda: services.record_edit(app, household, field="story"))


# --- creation --------------------------------------------------------------------------------


def test_household_creates_its_own_draft(household):
    app = services.create_application(household=household, actor=household, kind=Application.Kind.NEW_STALL)
    assert app.state == S.DRAFT and app.created_by == household
    entry = app.audit.get()
    assert entry.action == AuditEntry.Action.CREATE and not entry.on_behalf
    assert app.representative == "Nguyễn Văn An"


def test_officer_creates_an_application_on_behalf(household, officer):
    app = services.create_application(household=household, actor=officer, kind=Application.Kind.NEW_STALL)
    assert app.created_by == officer and app.officer == officer
    assert app.audit.get().on_behalf


def test_farmer_cannot_create_for_another_household(household, other_household):
    with pytest.raises(TransitionError):
        services.create_application(household=household, actor=other_household, kind=Application.Kind.NEW_STALL)


def test_household_with_a_stall_cannot_open_a_second_new_stall(household):
    from tests.factories.producers import StallFactory

    StallFactory(producer__owner=household)
    with pytest.raises(TransitionError):
        services.create_application(household=household, actor=household, kind=Application.Kind.NEW_STALL)


def test_edit_product_application_copies_the_product(household):
    from tests.factories.catalog import OcopCertificateFactory, ProductFactory, ProductImageFactory
    from tests.factories.producers import StallFactory

    product = ProductFactory(producer=StallFactory(producer__owner=household).producer)
    cert = OcopCertificateFactory(product=product)
    ProductImageFactory(product=product)
    app = services.create_application(
        household=household,
        actor=household,
        kind=Application.Kind.EDIT_PRODUCT,
        producer=product.producer,
        product=product,
    )
    copy = app.products.get()
    assert copy.product == product and copy.name == product.name and copy.price == product.price
    assert copy.ocop_claimed and copy.ocop_stars == cert.stars
    assert copy.photos.count() == 1
    assert app.commune_id == product.producer.stall.commune_id


def test_edit_product_of_another_producer_is_refused(household):
    from tests.factories.catalog import ProductFactory
    from tests.factories.producers import StallFactory

    mine = ProductFactory(producer=StallFactory(producer__owner=household).producer)
    theirs = ProductFactory()
    with pytest.raises(TransitionError):
        services.create_application(
            household=household,
            actor=household,
            kind=Application.Kind.EDIT_PRODUCT,
            producer=mine.producer,
            product=theirs,
        )
    with pytest.raises(TransitionError):
        services.create_application(
            household=household, actor=household, kind=Application.Kind.ADD_PRODUCTS, producer=theirs.producer
        )


# --- the audit trail is append-only ---------------------------------------------------------


def test_audit_entries_cannot_be_changed_or_deleted(application, household):
    services.submit(application, household)
    entry = application.audit.last()
    entry.comment = "sửa lén"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        AuditEntry.objects.filter(pk=entry.pk).update(comment="x")
    with pytest.raises(ValidationError):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).comment == ""


def test_another_users_actions_are_never_on_behalf_of_themselves(application):
    stranger = UserFactory()
    assert not services.can_edit(application, stranger)


def test_ambiguous_old_address_must_be_confirmed_before_approval(household, commune, officer, other_commune):
    app = at(S.IN_REVIEW, household=household, commune=commune, address_candidates=[commune.pk, other_commune.pk])
    assert_refused(app, lambda: services.approve(app, officer), "xác nhận")
    Application.objects.filter(pk=app.pk).update(address_confirmed_by=officer)
    services.approve(app, officer)
    assert Application.objects.get(pk=app.pk).state == S.PUBLISHED


def test_record_past_publication_links_an_existing_stall(household, commune, officer, officer2):
    from tests.factories.producers import StallFactory

    stall = StallFactory(commune=commune, province=commune.province)
    app = at(S.IN_REVIEW, household=household, created_by=officer, commune=commune)
    assert_refused(app, lambda: services.record_past_publication(app, officer, producer=stall.producer))
    services.record_past_publication(app, officer2, producer=stall.producer)
    app.refresh_from_db()
    assert app.state == S.PUBLISHED and app.producer == stall.producer
    assert not Product.objects.exists()  # nothing published twice
    assert [e.to_state for e in app.audit.filter(action=AuditEntry.Action.TRANSITION)] == [S.APPROVED, S.PUBLISHED]
