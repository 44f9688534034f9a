"""The listing workflow's writes: the ONLY place that changes ``Application.state``.

Every transition locks the application (``select_for_update``), checks that the move is legal
and that the actor may make it, writes an append-only ``AuditEntry`` and notifies the household
and the assigned officer (in-app rows now, e-mail/SMS after commit). An illegal move raises
``TransitionError`` with a message for the user and changes nothing.
"""

import datetime
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from catalog import services as catalog_services
from catalog.models import Certification, OcopCertificate, ProductImage
from core import roles
from core.page_tags import products_changed
from core.phone import normalize_vn_phone
from producers import services as producer_services
from producers.models import Producer, Stall

from .accounts import create_household_account, register_household
from .addresses import apply_legacy_address, confirm_address
from .checklist import missing
from .models import (
    Application,
    ApplicationPhoto,
    ApplicationProduct,
    AuditEntry,
    CertificateReminder,
    DataConsent,
    ReviewComment,
)
from .notifications import notify_transition, notify_user
from .privacy import NOTICE_VERSION, notice_text
from .uploads import store_application_photo

logger = logging.getLogger(__name__)

S = Application.State

# Allowed moves. approve() goes IN_REVIEW → APPROVED → PUBLISHED in one transaction.
TRANSITIONS: dict[str, set[str]] = {
    S.DRAFT: {S.SUBMITTED, S.WITHDRAWN},
    S.SUBMITTED: {S.IN_REVIEW, S.WITHDRAWN},
    S.IN_REVIEW: {S.CHANGES_REQUESTED, S.APPROVED, S.REJECTED, S.WITHDRAWN},
    S.CHANGES_REQUESTED: {S.SUBMITTED, S.WITHDRAWN},
    S.APPROVED: {S.PUBLISHED},
    S.PUBLISHED: set(),
    S.REJECTED: set(),
    S.WITHDRAWN: set(),
}

EDITABLE_STATES = (S.DRAFT, S.CHANGES_REQUESTED)


class TransitionError(Exception):
    """A refused action; ``message`` is translated and shown to the user as is."""

    def __init__(self, message):
        self.message = str(message)
        super().__init__(self.message)


# --- who may do what -------------------------------------------------------------------


def is_household(app, user) -> bool:
    return user.is_authenticated and user.pk == app.household_id


def is_reviewer(app, user) -> bool:
    """An editor, or an officer serving the application's commune.

    An application without a commune yet (an assisted draft before its address step) is in
    the scope of the officer who created it or is assigned to it.
    """
    if not user.is_authenticated:
        return False
    if roles.is_editor(user):
        return True
    profile = roles.officer_profile(user)
    if profile is None:
        return False
    if app.commune_id is None:
        return user.pk in (app.created_by_id, app.officer_id)
    return profile.communes.filter(pk=app.commune_id).exists()


def can_edit(app, user) -> bool:
    """The household, or an officer in scope, while the application is a draft or sent back."""
    return app.state in EDITABLE_STATES and (is_household(app, user) or is_reviewer(app, user))


def can_act(app, user) -> dict[str, bool]:
    """Which actions ``user`` may offer on ``app`` now (for buttons; the service checks again)."""
    reviewer = is_reviewer(app, user)
    owner = is_household(app, user)
    state = app.state
    return {
        "edit": can_edit(app, user),
        "submit": state in (S.DRAFT, S.CHANGES_REQUESTED) and (owner or reviewer),
        "withdraw": state in (S.DRAFT, S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED) and (owner or reviewer),
        "start_review": state == S.SUBMITTED and reviewer,
        "comment": state in (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED) and reviewer,
        "request_changes": state == S.IN_REVIEW and reviewer,
        "approve": state == S.IN_REVIEW and reviewer and not created_for_household_by(app, user),
        "reject": state == S.IN_REVIEW and reviewer,
        "four_eyes_blocked": state == S.IN_REVIEW and reviewer and created_for_household_by(app, user),
        "reviewer": reviewer,
    }


def created_for_household_by(app, user) -> bool:
    """True when ``user`` created ``app`` on the household's behalf (so may not approve it)."""
    return app.created_by_id != app.household_id and user.pk == app.created_by_id


# --- helpers ---------------------------------------------------------------------------


def _lock(app) -> Application:
    locked = Application.objects.select_for_update().get(pk=app.pk)
    return locked


def _refresh(target: Application, source: Application) -> None:
    """Copy the saved state back into the caller's instance."""
    for f in Application._meta.concrete_fields:
        setattr(target, f.attname, getattr(source, f.attname))
    for cache in ("products", "audit"):
        getattr(target, "_prefetched_objects_cache", {}).pop(cache, None)


def _audit(app, actor, action, *, from_state="", to_state="", comment="", field="") -> AuditEntry:
    return AuditEntry.objects.create(
        application=app,
        actor=actor,
        action=action,
        from_state=from_state,
        to_state=to_state,
        comment=comment,
        field=field,
        on_behalf=actor.pk != app.household_id,
    )


NOT_ALLOWED = gettext_lazy("You are not allowed to do this on this application.")


def _check_move(app, to_state) -> None:
    if to_state not in TRANSITIONS[app.state]:
        raise TransitionError(
            _("This application is “%(state)s”: it cannot be moved to “%(to)s”.")
            % {"state": app.get_state_display(), "to": S(to_state).label}
        )


def _move(app, actor, to_state, *, comment="") -> None:
    from_state = app.state
    _check_move(app, to_state)
    app.state = to_state
    app.save()
    _audit(app, actor, AuditEntry.Action.TRANSITION, from_state=from_state, to_state=to_state, comment=comment)


# --- creating and editing --------------------------------------------------------------


@transaction.atomic
def create_application(*, household, actor, kind, producer=None, product=None, commune=None) -> Application:
    """A new draft application of ``household``, created by the household or by an officer for it.

    ``commune`` (a NEW_STALL's commune, when the officer knows it) puts it in the officer's queue at once.
    """
    kind = Application.Kind(kind)
    assisted = actor.pk != household.pk
    profile = roles.officer_profile(actor)
    if assisted and not (roles.is_editor(actor) or profile is not None):
        raise TransitionError(NOT_ALLOWED)
    if kind == Application.Kind.NEW_STALL:
        if producer is not None or product is not None:
            raise TransitionError(_("A new stall application does not start from an existing producer."))
        if household.producers.filter(stall__isnull=False).exists():
            raise TransitionError(_("This household already has a stall. Add products to it instead."))
    else:
        if producer is None:
            raise TransitionError(_("Choose the producer whose products this application changes."))

        allowed = (
            Producer.objects.visible_to(actor).filter(pk=producer.pk).exists()
            if assisted
            else producer.owner_id == household.pk
        )
        if not allowed or producer.owner_id != household.pk:
            raise TransitionError(NOT_ALLOWED)
        if kind == Application.Kind.EDIT_PRODUCT and (product is None or product.producer_id != producer.pk):
            raise TransitionError(_("Choose one of this producer's products to edit."))
    app = Application(kind=kind, household=household, created_by=actor, producer=producer)
    if profile is not None and assisted:
        app.officer = actor
    elif producer is not None and producer.officer_id:
        app.officer_id = producer.officer_id
    stall = getattr(producer, "stall", None) if producer is not None else None
    if producer is not None:
        app.producer_kind = producer.kind
        app.legal_name = producer.legal_name
        app.representative = producer.representative
        app.tax_code = producer.tax_code
        app.personal_id = producer.personal_id
        app.language = producer.language
        app.no_smartphone = producer.no_smartphone
    if stall is not None:
        app.stall_name = stall.name
        app.phone = stall.phone
        app.province_id = stall.province_id
        app.commune_id = stall.commune_id
        app.street_address = stall.street_address
    if kind == Application.Kind.NEW_STALL:
        app.representative = full_name(household)
        app.phone = _household_phone(household)
        if commune is not None:
            app.commune, app.province_id = commune, commune.province_id
    app.save()
    _audit(app, actor, AuditEntry.Action.CREATE, to_state=app.state)
    if kind == Application.Kind.EDIT_PRODUCT:
        _copy_product(app, product)
    return app


def full_name(user) -> str:
    """Vietnamese order, family name first: "Nguyễn Văn" + "An" → "Nguyễn Văn An"."""
    return " ".join(p for p in (user.last_name.strip(), user.first_name.strip()) if p)


def _household_phone(user) -> str:
    username = user.get_username()
    return username if username.startswith("+84") else ""


def _copy_product(app, product) -> ApplicationProduct:
    """The editable copy of an existing product (its photos and current OCOP certificate)."""

    cert = product.ocop_certificates.order_by("-decision_date").first()
    food = product.certifications.filter(kind=Certification.Kind.FOOD_SAFETY).first()
    copy = ApplicationProduct.objects.create(
        application=app,
        sort_order=0,
        product=product,
        name=product.name,
        category_id=product.category_id,
        short_description=product.short_description,
        description=strip_tags(product.description),
        unit=product.unit,
        price=product.price,
        stock=product.stock,
        weight_grams=product.weight_grams,
        ocop_claimed=cert is not None,
        ocop_stars=cert.stars if cert else None,
        ocop_decision_number=cert.decision_number if cert else "",
        ocop_decision_date=cert.decision_date if cert else None,
        ocop_level=cert.level if cert else "",
        ocop_scan=cert.scan.name if cert and cert.scan else "",
        packaged_food=food is not None,
        food_safety_number=food.number if food else "",
        food_safety_date=food.issued_on if food else None,
    )
    ApplicationPhoto.objects.bulk_create(
        ApplicationPhoto(product=copy, image_id=pi.image_id, sort_order=n)
        for n, pi in enumerate(product.images.order_by("sort_order", "pk"))
    )
    return copy


def record_edit(app, actor, *, field: str, summary: str = "") -> None:
    """Record that ``actor`` saved ``field`` (a wizard step or a field key); refused when not editable."""
    if not can_edit(app, actor):
        if app.state not in EDITABLE_STATES:
            raise TransitionError(
                _("This application is “%(state)s”: it cannot be changed now.") % {"state": app.get_state_display()}
            )
        raise TransitionError(NOT_ALLOWED)
    _audit(app, actor, AuditEntry.Action.EDIT, field=field, comment=summary)


# --- transitions -----------------------------------------------------------------------


@transaction.atomic
def submit(app, actor, *, consent: bool = False, comment: str = "") -> Application:
    locked = _lock(app)
    if not (is_household(locked, actor) or is_reviewer(locked, actor)):
        raise TransitionError(NOT_ALLOWED)
    _check_move(locked, S.SUBMITTED)
    todo = missing(locked)
    if todo:
        raise TransitionError(
            _("The application is not complete yet. Still missing: %(items)s.")
            % {"items": "; ".join(item.message.rstrip(".") for item in todo[:5]) + ("…" if len(todo) > 5 else "")}
        )
    now = timezone.now()
    if not is_household(locked, actor):
        if not consent:
            raise TransitionError(
                _("Tick the box to confirm that the household has agreed to submit this application.")
            )
        locked.consent_given = True
        locked.consent_confirmed_by = actor
        locked.consent_at = now
        _audit(
            locked,
            actor,
            AuditEntry.Action.CONSENT,
            comment=_("The household agreed to submit this application."),
        )
        if locked.officer_id is None and roles.officer_profile(actor) is not None:
            locked.officer = actor
    if locked.officer_id is None and locked.producer_id and locked.producer.officer_id:
        locked.officer_id = locked.producer.officer_id
    from_state = locked.state
    # The first submission: a resubmission after changes keeps its place in the queue.
    locked.submitted_at = locked.submitted_at or now
    _move(locked, actor, S.SUBMITTED, comment=comment)
    locked.comments.filter(resolved=False).update(resolved=True)
    notify_transition(locked, actor, from_state, S.SUBMITTED, comment=comment)
    _refresh(app, locked)
    return app


@transaction.atomic
def withdraw(app, actor, *, comment: str = "") -> Application:
    locked = _lock(app)
    if not (is_household(locked, actor) or is_reviewer(locked, actor)):
        raise TransitionError(NOT_ALLOWED)
    if locked.state in (S.APPROVED, S.PUBLISHED):
        raise TransitionError(_("An approved application can no longer be withdrawn."))
    from_state = locked.state
    _move(locked, actor, S.WITHDRAWN, comment=comment)
    notify_transition(locked, actor, from_state, S.WITHDRAWN, comment=comment)
    _refresh(app, locked)
    return app


def _review_lock(app, actor) -> Application:
    locked = _lock(app)
    if not is_reviewer(locked, actor):
        raise TransitionError(_("Only an officer serving this commune, or an editor, can review this application."))
    return locked


@transaction.atomic
def start_review(app, actor) -> Application:
    locked = _review_lock(app, actor)
    from_state = locked.state
    _move(locked, actor, S.IN_REVIEW)
    if locked.officer_id is None and roles.officer_profile(actor) is not None:
        locked.officer = actor
        locked.save(update_fields=["officer", "updated_at"])
    notify_transition(locked, actor, from_state, S.IN_REVIEW)
    _refresh(app, locked)
    return app


@transaction.atomic
def add_comment(app, actor, *, text: str, field: str = "") -> ReviewComment:
    """A reviewer's comment on one field (a checklist key) or on the whole application."""
    locked = _review_lock(app, actor)
    text = (text or "").strip()
    if not text:
        raise TransitionError(_("Write the comment first."))
    if locked.state not in (S.SUBMITTED, S.IN_REVIEW, S.CHANGES_REQUESTED):
        raise TransitionError(
            _("This application is “%(state)s”: it cannot be commented on now.") % {"state": locked.get_state_display()}
        )
    comment = ReviewComment.objects.create(application=locked, author=actor, field=field, text=text)
    _audit(locked, actor, AuditEntry.Action.COMMENT, comment=text, field=field)
    return comment


@transaction.atomic
def request_changes(app, actor, *, comment: str = "", field_comments: dict | None = None) -> Application:
    locked = _review_lock(app, actor)
    comment = (comment or "").strip()
    field_comments = {k: v.strip() for k, v in (field_comments or {}).items() if v and v.strip()}
    _check_move(locked, S.CHANGES_REQUESTED)
    if not comment and not field_comments and not locked.comments.filter(resolved=False).exists():
        raise TransitionError(_("Write what the household must change."))
    from_state = locked.state
    for field, text in field_comments.items():
        ReviewComment.objects.create(application=locked, author=actor, field=field, text=text)
        _audit(locked, actor, AuditEntry.Action.COMMENT, comment=text, field=field)
    if comment:
        ReviewComment.objects.create(application=locked, author=actor, field="", text=comment)
    _move(locked, actor, S.CHANGES_REQUESTED, comment=comment)
    notify_transition(locked, actor, from_state, S.CHANGES_REQUESTED, comment=comment)
    _refresh(app, locked)
    return app


def approve(app, actor, *, confirm_zero_stock: bool = False) -> Application:
    """Approve and publish in one transaction: on any failure nothing is published or changed.

    A product with a quantity of 0 would be published as sold out: the approver confirms it.
    """

    try:
        with transaction.atomic():
            locked = _review_lock(app, actor)
            _check_move(locked, S.APPROVED)
            if created_for_household_by(locked, actor):
                raise TransitionError(
                    _(
                        "You created this application for the household, so another officer or an editor "
                        "must approve it."
                    )
                )
            todo = missing(locked)
            if todo:
                raise TransitionError(
                    _("The application is not complete: %(items)s.")
                    % {"items": "; ".join(i.message.rstrip(".") for i in todo[:5])}
                )
            empty = [p.name for p in locked.products.all() if not p.stock]
            if empty and not confirm_zero_stock:
                raise TransitionError(
                    _(
                        "%(names)s: the quantity available is 0, so it would show as sold out. Tick the box "
                        "to confirm, or ask the household for the quantity."
                    )
                    % {"names": ", ".join(empty)}
                )
            if len(locked.address_candidates or []) > 1 and locked.address_confirmed_by_id is None:
                raise TransitionError(
                    _(
                        "The old address matches several communes or wards: an officer must confirm "
                        "the new one before approval."
                    )
                )
            now = timezone.now()
            locked.decided_at = now
            _move(locked, actor, S.APPROVED)
            _publish(locked)
            locked.published_at = timezone.now()
            _move(locked, actor, S.PUBLISHED)
            notify_transition(locked, actor, S.IN_REVIEW, S.PUBLISHED)
    except TransitionError:
        raise
    except Exception as exc:
        logger.exception("publishing application %s failed", app.pk)
        raise TransitionError(
            _("Publishing failed, so nothing was published and the application is unchanged. Please try again.")
        ) from exc
    _refresh(app, locked)
    return app


@transaction.atomic
def record_past_publication(app, actor, *, producer) -> Application:
    """Close an in-review NEW_STALL application whose stall is already on the storefront.

    For listings onboarded before this workflow existed (and the demo data): the application is
    approved and marked published as ``producer``'s stall, with the same checks (scope, four eyes)
    and audit trail as ``approve``, but nothing is published a second time.
    """
    locked = _review_lock(app, actor)
    _check_move(locked, S.APPROVED)
    if created_for_household_by(locked, actor):
        raise TransitionError(
            _("You created this application for the household, so another officer or an editor must approve it.")
        )
    if locked.kind != Application.Kind.NEW_STALL or not hasattr(producer, "stall"):
        raise TransitionError(NOT_ALLOWED)
    now = timezone.now()
    locked.producer = producer
    locked.decided_at = now
    _move(locked, actor, S.APPROVED)
    locked.published_at = now
    _move(locked, actor, S.PUBLISHED)
    notify_transition(locked, actor, S.IN_REVIEW, S.PUBLISHED)
    _refresh(app, locked)
    return app


@transaction.atomic
def reject(app, actor, *, reason: str) -> Application:
    locked = _review_lock(app, actor)
    reason = (reason or "").strip()
    _check_move(locked, S.REJECTED)
    if not reason:
        raise TransitionError(_("Write the reason for the rejection: the household will read it."))
    from_state = locked.state
    locked.rejection_reason = reason
    locked.decided_at = timezone.now()
    _move(locked, actor, S.REJECTED, comment=reason)
    notify_transition(locked, actor, from_state, S.REJECTED, comment=reason)
    _refresh(app, locked)
    return app


def _publish(app) -> dict:
    """Create or update the producer (and bank account), stall and products of an approved
    application, through the producers' and the catalog's services.

    Runs inside the approval's transaction; any error propagates, so the rollback leaves
    nothing half-published. Returns what it published.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Publishing must run inside the approval's transaction.")
    if app.kind == app.Kind.NEW_STALL:
        if app.producer_id:
            raise ValueError("This application was already published.")
        producer, stall = producer_services.producer_publish(app)
        app.producer = producer
        app.save(update_fields=["producer", "updated_at"])
    else:
        producer = Producer.objects.select_for_update().get(pk=app.producer_id)
        stall = Stall.objects.filter(producer=producer).first()
    bank = producer_services.bank_account_publish(app, producer)
    products = []
    for item in app.products.select_related("product").prefetch_related("photos"):
        photos = list(item.photos.all())
        for photo in photos:
            if photo.image_id is None:
                photo.image = catalog_services.public_image(photo, title=item.name.strip())
                photo.save(update_fields=["image"])
        product = catalog_services.publish_product(item, producer, stall, image_ids=[p.image_id for p in photos])
        if item.product_id != product.pk:
            item.product = product
            item.save(update_fields=["product"])
        products.append(product)
    return {"producer": producer, "stall": stall, "bank_account": bank, "products": products}


# --- OCOP certificate reminders (the daily job in tasks.py) ------------------------------

REMINDER_DAYS = (90, 30)


def certificate_reminders_run(*, today=None) -> dict[str, int]:
    """Remind the producer's owner and officer 90 and 30 days before a certificate expires, and
    mark certificates past their date EXPIRED (their stars then leave the storefront; the product
    stays listed). Each reminder is recorded, so running twice on a day sends nothing twice."""

    today = today or timezone.localdate()
    counts = {"reminded_90": 0, "reminded_30": 0, "expired": 0}
    active = OcopCertificate.objects.filter(status=OcopCertificate.Status.ACTIVE).select_related(
        "product__producer__owner", "product__producer__officer", "product__producer__stall"
    )
    for days in REMINDER_DAYS:
        nearer = min((d for d in REMINDER_DAYS if d < days), default=-1)
        window = active.filter(
            expires_on__gte=today + datetime.timedelta(days=nearer + 1),
            expires_on__lte=today + datetime.timedelta(days=days),
        ).exclude(
            Exists(
                CertificateReminder.objects.filter(
                    certificate=OuterRef("pk"), kind=str(days), expires_on=OuterRef("expires_on")
                )
            )
        )
        for cert in window:
            with transaction.atomic():
                _, created = CertificateReminder.objects.get_or_create(
                    certificate=cert, kind=str(days), expires_on=cert.expires_on
                )
                if created:
                    _remind(cert, expired=False)
                    counts[f"reminded_{days}"] += 1
    expired_products = set()
    for cert in active.filter(expires_on__lt=today):
        expired_products.add(cert.product_id)
        with transaction.atomic():
            catalog_services.certificate_expire(cert.pk)
            _, created = CertificateReminder.objects.get_or_create(
                certificate=cert, kind="expired", expires_on=cert.expires_on
            )
            if created:
                _remind(cert, expired=True)
            counts["expired"] += 1
    if counts["expired"]:
        # The star badges leave the products' pages and cards, and the stars filter.
        products_changed(expired_products, kinds=("m",), kind="certificate")
    return counts


def _remind(cert, *, expired: bool) -> None:
    producer = cert.product.producer
    stall = getattr(producer, "stall", None)
    with translation.override(settings.LANGUAGE_CODE):
        values = {
            "product": cert.product.name,
            "stars": cert.stars,
            "date": formats.date_format(cert.expires_on, "SHORT_DATE_FORMAT"),
        }
        if expired:
            title = _("The OCOP %(stars)s★ certificate of “%(product)s” expired on %(date)s") % values
            body = _(
                "Its stars no longer show on the storefront; the product stays on sale. "
                "Add the new certificate once it is renewed."
            )
        else:
            title = _("The OCOP %(stars)s★ certificate of “%(product)s” expires on %(date)s") % values
            body = _(
                "Renew it in time: after that day the stars no longer show on the storefront "
                "(the product stays on sale)."
            )
        try:
            phone = normalize_vn_phone(stall.phone) if stall and stall.phone else ""
        except ValidationError:
            phone = ""
        if producer.owner_id:
            notify_user(producer.owner, title=title, body=body, url=reverse("onboarding:notifications"), phone=phone)
        if producer.officer_id and producer.officer_id != producer.owner_id:
            notify_user(producer.officer, title=title, body=body, url=reverse("onboarding:dashboard"))


# --- the wizard's writes (each step's handler calls one of these) -------------------------


@transaction.atomic
def household_application_start(*, household, province=None) -> tuple[Application, bool]:
    """The household's stall application: its open one (one stall per household), or a new draft.

    Returns ``(application, created)``. A household that already owns a producer starts an
    application to add products to its stall.
    """

    producer = Producer.objects.filter(owner=household).order_by("pk").first()
    if producer is None:
        current = (
            Application.objects.filter(household=household, kind=Application.Kind.NEW_STALL)
            .exclude(state__in=[S.REJECTED, S.WITHDRAWN, S.PUBLISHED])
            .order_by("pk")
            .first()
        )
        if current is not None:
            return current, False
        app = create_application(household=household, actor=household, kind=Application.Kind.NEW_STALL)
        if province is not None:
            app.province = province
            app.save(update_fields=["province", "updated_at"])
        return app, True
    kind = Application.Kind.ADD_PRODUCTS
    return create_application(household=household, actor=household, kind=kind, producer=producer), True


@transaction.atomic
def household_register(*, full_name: str, phone: str, password: str, province=None):
    """A household's own account and its stall application at once; returns ``(user, application)``.
    Raises ValidationError for a taken or invalid phone (nothing is created)."""

    user = register_household(full_name=full_name, phone=phone, password=password)
    app, _created = household_application_start(household=user, province=province)
    return user, app


@transaction.atomic
def household_assisted_create(
    *, officer, full_name: str, phone: str, commune=None, language: str = "vi", no_smartphone: bool = False
):
    """An officer creates a household's account and its stall application; returns
    ``(application, set_password_path)``. Raises ValidationError for a taken or invalid phone."""

    household, link = create_household_account(full_name=full_name, phone=phone, created_by=officer)
    app = create_application(household=household, actor=officer, kind=Application.Kind.NEW_STALL, commune=commune)
    if (language, no_smartphone) != (app.language, app.no_smartphone):
        app.language, app.no_smartphone = language, no_smartphone
        app.full_clean(validate_unique=False, validate_constraints=False)
        app.save(update_fields=["language", "no_smartphone", "updated_at"])
    return app, link


# --- households that read little Vietnamese or have no smartphone ------------------------


@transaction.atomic
def household_needs_save(*, application, actor, language: str, no_smartphone: bool) -> Application:
    """The household's language and whether it has a smartphone, set by a reviewer in scope.

    Kept on the application and, once it exists, on its producer (which then counts for every
    later application). Allowed in any state: it is about the household, not the listing.
    """

    locked = _lock(application)
    if not is_reviewer(locked, actor):
        raise TransitionError(NOT_ALLOWED)
    if language not in Producer.Language.values:
        raise TransitionError(_("Choose one of the languages in the list."))
    before = locked.household_needs
    locked.language, locked.no_smartphone = language, bool(no_smartphone)
    locked.save(update_fields=["language", "no_smartphone", "updated_at"])
    if locked.producer_id:
        producer_services.household_needs_set(locked.producer_id, language=language, no_smartphone=no_smartphone)
    if before != (language, bool(no_smartphone)):
        summary = _("Language: %(language)s; no smartphone: %(answer)s") % {
            "language": Producer.Language(language).label,
            "answer": _("yes") if no_smartphone else _("no"),
        }
        _audit(locked, actor, AuditEntry.Action.EDIT, field="household_needs", comment=summary)
    _refresh(application, locked)
    return application


PHONE_REPLY_KINDS = ("answer", "confirm")


@transaction.atomic
def household_reply_by_phone(*, application, actor, kind: str, text: str = "", comment=None) -> AuditEntry:
    """What the household said on the phone, written down by a reviewer in scope.

    ``kind`` ``"answer"``: its answer to an officer's ``comment`` (which is then marked answered);
    ``"confirm"``: it confirms the listing as the officer read it out. The history shows the
    entry as said by the household on the phone and recorded by the officer on its behalf.
    """
    locked = _lock(application)
    if not is_reviewer(locked, actor) or is_household(locked, actor):
        raise TransitionError(NOT_ALLOWED)
    text = (text or "").strip()
    if kind == "answer":
        if comment is None or comment.application_id != locked.pk:
            raise TransitionError(_("Choose the comment the household answered."))
        if not text:
            raise TransitionError(_("Write what the household answered."))
        ReviewComment.objects.filter(pk=comment.pk).update(resolved=True)
        return _audit(locked, actor, AuditEntry.Action.PHONE, comment=text, field=comment.field or "comment")
    if kind == "confirm":
        said = text or _("The household confirms the listing as it was read out to it.")
        return _audit(locked, actor, AuditEntry.Action.PHONE, comment=said, field="confirm")
    raise TransitionError(_("Choose what the household said."))


@transaction.atomic
def application_form_save(*, application, form, actor, step: str, summary: str | None = None):
    """Save a validated wizard form of ``application`` and record it in the audit trail (with
    the household's data consent when the form asked for it).

    Refused (TransitionError, nothing saved) when ``actor`` may not edit ``application`` now.
    """
    if summary is None:
        summary = ", ".join(
            str(form.fields[n].label) for n in form.changed_data if n in form.fields and n != "data_consent"
        )
    record_edit(application, actor, field=step, summary=summary)
    obj = form.save()
    if getattr(form, "wants_data_consent", False):
        data_consent_record(application=application, actor=actor)
    return obj


@transaction.atomic
def application_product_save(
    *, application, form, actor, step: str = "products", photo=None, scan=None
) -> ApplicationProduct:
    """A new or changed product of ``application`` from a validated product form, with a photo
    and a certificate scan when given; all or nothing."""

    record_edit(application, actor, field=step, summary=form.cleaned_data.get("name", ""))
    product = form.save(commit=False)
    product.application = application
    if product.pk is None:
        product.sort_order = application.products.count()
    product.save()
    if scan is not None:
        old = product.ocop_scan.name if product.ocop_scan else ""
        product.ocop_scan.save(scan.name, scan, save=True)
        if old and old != product.ocop_scan.name:
            _scan_delete_on_commit(product.ocop_scan.storage, old)
    if photo is not None:
        store_application_photo(photo, product=product, sort_order=product.photos.count())
    return product


@transaction.atomic
def application_product_delete(*, product, actor) -> None:
    app = product.application
    record_edit(app, actor, field="products", summary=_("removed %(name)s") % {"name": product.name})
    scan = product.ocop_scan.name if product.ocop_scan else ""
    photos = list(product.photos.select_related("image"))
    product.delete()
    for photo in photos:
        _photo_files_delete(photo)
    _scan_delete_on_commit(product.ocop_scan.storage if scan else None, scan)


def application_photos_add(*, product, uploads, actor) -> tuple[int, list[str]]:
    """Each upload checked and saved as a photo of ``product``; returns ``(saved, error messages)``."""

    app = product.application
    if not can_edit(app, actor):
        record_edit(app, actor, field="photos")  # raises the right refusal
    saved, errors = 0, []
    start = product.photos.count()
    for n, upload in enumerate(uploads):
        try:
            with transaction.atomic():
                store_application_photo(upload, product=product, sort_order=start + n)
                saved += 1
        except ValidationError as exc:
            errors.append(f"{upload.name}: {' '.join(exc.messages)}")
    if saved:
        record_edit(
            app, actor, field="photos", summary=_("%(n)s photo(s) of %(name)s") % {"n": saved, "name": product.name}
        )
    return saved, errors


@transaction.atomic
def application_photo_delete(*, photo, actor) -> None:
    product = photo.product
    record_edit(
        product.application, actor, field="photos", summary=_("removed a photo of %(name)s") % {"name": product.name}
    )
    photo.delete()
    _photo_files_delete(photo)


def _photo_files_delete(photo) -> None:
    """What a removed application photo leaves behind: its private file once the removal is
    committed, or, for a photo copied from the live product, that image if nothing uses it."""
    if photo.file:
        storage, name = photo.file.storage, photo.file.name
        transaction.on_commit(lambda: storage.delete(name))
    elif photo.image_id is not None:
        _image_delete_if_unused(photo.image)


@transaction.atomic
def application_documents_save(*, product, form, actor, scan=None) -> ApplicationProduct:
    """The OCOP and food-safety documents of ``product``; a new certificate scan replaces the old file."""
    record_edit(product.application, actor, field="documents", summary=product.name)
    product = form.save()
    if scan is not None:
        old = product.ocop_scan.name if product.ocop_scan else ""
        product.ocop_scan.save(scan.name, scan, save=True)
        if old and old != product.ocop_scan.name:
            _scan_delete_on_commit(product.ocop_scan.storage, old)
    return product


@transaction.atomic
def application_address_save(*, application, form, actor) -> Application:
    """The 2025 address from the address form; a commune chosen from the list replaces the
    communes proposed for an old address."""
    # The form's instance already holds the new address: the check is on it.
    record_edit(application, actor, field="address", summary="")
    app = form.save(commit=False)
    if app.commune_id not in (app.address_candidates or []):
        app.address_candidates = []
        app.address_confirmed_by = None
    app.save()
    return app


@transaction.atomic
def application_legacy_address_save(*, application, actor, text: str):
    """An address written the old way (before July 2025): its 2025 commune proposed; returns the match."""

    match = apply_legacy_address(application, text)
    # Checked on the new address: an officer may not move an application out of their communes.
    record_edit(application, actor, field="address", summary="legacy_address")
    application.save()
    return match


@transaction.atomic
def application_commune_choose(*, application, actor, commune, confirm: bool) -> Application:
    """The 2025 commune chosen among those proposed for an old address; an officer's choice
    (``confirm``) also confirms it (PermissionDenied / ValidationError when not allowed)."""

    if confirm:
        confirm_address(application, actor, commune)
    else:
        application.commune, application.province = commune, commune.province
    # Checked on the new commune: an officer may not move an application out of their communes.
    record_edit(application, actor, field="address", summary="commune")
    application.save()
    return application


@transaction.atomic
def data_consent_record(*, application, actor):
    """Record the household's consent to the notice now in force (once per version)."""

    existing = application.data_consents.filter(notice_version=NOTICE_VERSION).first()
    if existing is not None:
        return existing
    consent = DataConsent.objects.create(
        application=application,
        household_id=application.household_id,
        recorded_by=actor,
        notice_version=NOTICE_VERSION,
        notice_text=notice_text(),
    )
    _audit(
        application,
        actor,
        AuditEntry.Action.CONSENT,
        field="data_consent",
        comment=_("Consent to the processing of personal data (notice %(version)s).") % {"version": NOTICE_VERSION},
    )
    return consent


def has_data_consent(application) -> bool:
    return bool(application.pk) and application.data_consents.filter(notice_version=NOTICE_VERSION).exists()


def _image_delete_if_unused(image) -> None:
    """A photo's image, unless a published product (an edit application's copy) still shows it."""

    if ApplicationPhoto.objects.filter(image=image).exists() or ProductImage.objects.filter(image=image).exists():
        return
    image.delete()


def _scan_delete_on_commit(storage, name) -> None:
    """Delete a replaced certificate scan after commit, unless a certificate or product still uses it."""

    if storage is None or not name:
        return
    if OcopCertificate.objects.filter(scan=name).exists() or ApplicationProduct.objects.filter(ocop_scan=name).exists():
        return
    transaction.on_commit(lambda: storage.delete(name))
