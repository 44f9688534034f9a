"""Households without a smartphone: the printed receipt read back (rasterised, its QR decoded),
the public status page it opens, the household's language and phone set by its officer, what
the household said on the phone, and the officer's copy of its notifications."""

import os
import re
from pathlib import Path

import pypdfium2
import pytest
import zxingcpp
from django.conf import settings

from core import roles
from onboarding import receipt, services
from onboarding.models import Application, AuditEntry, Notification, ReviewComment
from tests.factories.onboarding import ApplicationPhotoFactory, ApplicationProductFactory, complete_application
from tests.factories.producers import OfficerFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Application.State
ARTIFACTS = Path(settings.BASE_DIR) / "artifacts"
COENG = "\u17d2"  # the Khmer sign that stacks the next consonant: gone once the text is shaped


def rasterise(body: bytes, *, scale: float = 300 / 72):
    document = pypdfium2.PdfDocument(body)
    assert len(document) == 1
    return document[0].render(scale=scale).to_pil()


def qr_codes(image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]


def pdf_text(body: bytes) -> str:
    document = pypdfium2.PdfDocument(body)
    return document[0].get_textpage().get_text_bounded()


def page_size_mm(body: bytes) -> tuple[int, int]:
    width, height = pypdfium2.PdfDocument(body)[0].get_size()
    return round(width / 72 * 25.4), round(height / 72 * 25.4)


@pytest.fixture
def officer(commune):
    profile = OfficerFactory(communes=[commune], phone="+84987654321")
    profile.user.last_name, profile.user.first_name = "Trần Thị", "Bình"
    profile.user.save()
    return profile.user


@pytest.fixture
def listed(application):
    """The application with a second product, a price in the thousands, sent for review."""
    first = application.products.get()
    first.name, first.price, first.unit = "Bánh pía Sóc Trăng nhân đậu xanh", 150000, "hộp"
    first.save()
    ApplicationPhotoFactory(
        product=ApplicationProductFactory(application=application, name="Mắm bò hóc", price=1250000, unit="hũ")
    )
    services.submit(application, application.household)
    return application


def get_receipt(client, user, app):
    client.force_login(user)
    return client.get(f"/can-bo/ho-so/{app.pk}/phieu-in/")


# --- the receipt ------------------------------------------------------------------------


def test_officer_prints_a5_receipt_whose_qr_opens_the_status_page(client, officer, listed):
    response = get_receipt(client, officer, listed)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"
    assert page_size_mm(response.content) == (148, 210)
    text = pdf_text(response.content)
    for expected in (
        f"#{listed.pk}",
        "Bánh pía Sóc Trăng nhân đậu xanh",
        "150.000 ₫ / hộp",
        "1.250.000 ₫ / hũ",
        "Đã gửi",
        "Trần Thị Bình",
        "0987 654 321",
    ):
        assert expected in text, expected
    [url] = qr_codes(rasterise(response.content))
    assert url == receipt.status_url(listed)
    assert url.startswith(settings.WAGTAILADMIN_BASE_URL)

    client.logout()
    page = client.get(url.removeprefix(settings.WAGTAILADMIN_BASE_URL.rstrip("/")))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Đã gửi" in html and listed.stall_name in html
    # Nothing personal about the household: not its name, phone, ID number or bank account.
    for private in (listed.representative, "912 345 678", listed.personal_id, listed.account_number):
        assert private not in html
    assert page["X-Robots-Tag"] == "noindex, nofollow"


def test_khmer_receipt_is_shaped_in_the_khmer_font(client, officer, listed):
    services.household_needs_save(application=listed, actor=officer, language="km", no_smartphone=True)
    response = get_receipt(client, officer, listed)
    assert response.status_code == 200
    body = response.content
    assert b"NotoSansKhmer" in body  # the Khmer font is embedded
    image = rasterise(body)
    [url] = qr_codes(image)
    assert url == receipt.status_url(listed) and "/km/" in url
    text = pdf_text(body)
    # Vietnamese product names and prices stay as written, in the Vietnamese font.
    assert "Bánh pía Sóc Trăng nhân đậu xanh" in text and "150.000 ₫" in text
    # Khmer letters are there, and shaped: the stacking sign became part of the glyphs.
    assert any("\u1780" <= ch <= "\u17ff" for ch in text)
    assert COENG not in text
    ARTIFACTS.mkdir(exist_ok=True)
    rasterise(body, scale=150 / 72).save(ARTIFACTS / "receipt-km.png")


def test_receipt_in_each_language_fits_one_page_with_many_long_products(client, officer, listed):
    for n in range(14):
        ApplicationProductFactory(
            application=listed,
            name=f"Gạo thơm ST25 Sóc Trăng đặc sản vùng đất phù sa ven biển, túi vải thêu tay số {n}",
            price=95000 + n,
        )
    for language in ("vi", "en", "km"):
        services.household_needs_save(application=listed, actor=officer, language=language, no_smartphone=True)
        body = get_receipt(client, officer, listed).content
        [url] = qr_codes(rasterise(body))  # rasterise() checks it is one page
        assert url == receipt.status_url(listed)
        assert page_size_mm(body) == (148, 210)
    assert "Gạo thơm ST25" in pdf_text(body)


def test_receipt_is_for_reviewers_in_scope_only(client, listed, other_officer, household, editor):
    assert get_receipt(client, other_officer, listed).status_code == 404
    assert get_receipt(client, household, listed).status_code == 404
    assert get_receipt(client, editor, listed).status_code == 200
    client.logout()
    response = client.get(f"/can-bo/ho-so/{listed.pk}/phieu-in/")
    assert response.status_code == 302 and "/dang-nhap/" in response["Location"]


def test_status_link_cannot_be_guessed_or_altered(client, listed):
    other = complete_application()
    token = receipt.status_token(listed)
    assert client.get(f"/ho-so/trang-thai/{token}/").status_code == 200
    pk, signature = token.split(":", 1)
    assert client.get(f"/ho-so/trang-thai/{other.pk}:{signature}/").status_code == 404
    assert client.get(f"/ho-so/trang-thai/{pk}/").status_code == 404
    assert client.get(f"/ho-so/trang-thai/{pk}:{'A' * len(signature)}/").status_code == 404


def test_status_page_in_khmer(client, officer, listed):
    services.household_needs_save(application=listed, actor=officer, language="km", no_smartphone=True)
    url = receipt.status_url(listed)
    html = client.get(url.removeprefix(settings.WAGTAILADMIN_BASE_URL.rstrip("/"))).content.decode()
    assert 'lang="km"' in html
    assert "ផលិតផល" in html  # "product"
    assert "Trần Thị Bình" in html and "0987 654 321" in html


def test_status_page_follows_the_state(client, officer, officer2, listed):
    path = receipt.status_url(listed).removeprefix(settings.WAGTAILADMIN_BASE_URL.rstrip("/"))
    services.start_review(listed, officer2)
    services.request_changes(listed, officer2, comment="Ảnh mờ quá")
    html = client.get(path).content.decode()
    assert "Cần sửa" in html or "Yêu cầu sửa" in html
    assert "Ảnh mờ quá" not in html  # the officer's comment is for the household's account, not the link


# --- the household's language and phone -----------------------------------------------------


def test_officer_sets_language_and_no_smartphone_which_the_producer_keeps(client, officer, officer2, listed):
    client.force_login(officer)
    response = client.post(
        f"/can-bo/ho-so/{listed.pk}/ho-gia-dinh/", {"language": "km", "no_smartphone": "on"}, follow=True
    )
    assert response.status_code == 200
    listed.refresh_from_db()
    assert (listed.language, listed.no_smartphone) == ("km", True)
    entry = listed.audit.filter(field="household_needs").get()
    assert entry.actor == officer and entry.on_behalf
    services.start_review(listed, officer2)
    services.approve(listed, officer2)
    listed.refresh_from_db()
    producer = listed.producer
    assert (producer.language, producer.no_smartphone) == ("km", True)
    assert producer.onboarded_via == producer.Onboarding.SELF_SERVICE
    # Changed afterwards, on the producer too.
    services.household_needs_save(application=listed, actor=officer, language="vi", no_smartphone=False)
    producer.refresh_from_db()
    assert (producer.language, producer.no_smartphone) == ("vi", False)


def test_household_needs_refused_outside_the_scope(client, listed, other_officer, household):
    for user in (other_officer, household):
        client.force_login(user)
        response = client.post(f"/can-bo/ho-so/{listed.pk}/ho-gia-dinh/", {"language": "km", "no_smartphone": "on"})
        assert response.status_code == 404
    listed.refresh_from_db()
    assert (listed.language, listed.no_smartphone) == ("vi", False)


def test_unknown_language_is_refused_with_a_message(client, officer, listed):
    client.force_login(officer)
    response = client.post(f"/can-bo/ho-so/{listed.pk}/ho-gia-dinh/", {"language": "fr"}, follow=True)
    assert "Chọn một ngôn ngữ trong danh sách." in response.content.decode()
    listed.refresh_from_db()
    assert listed.language == "vi"


def test_assisted_household_created_with_its_language(client, officer, commune):
    client.force_login(officer)
    response = client.post(
        "/can-bo/ho-so/tao/",
        {
            "full_name": "Thạch Thị Sa Rươl",
            "phone": "0911 222 333",
            "commune": commune.pk,
            "language": "km",
            "no_smartphone": "on",
        },
    )
    assert response.status_code == 302
    app = Application.objects.get(household__username="+84911222333")
    assert (app.language, app.no_smartphone) == ("km", True)
    assert app.created_by == officer


def test_application_page_offers_the_print_button_to_the_officer_only(client, officer, listed, household):
    client.force_login(officer)
    html = client.get(f"/ho-so/{listed.pk}/").content.decode()
    assert f"/can-bo/ho-so/{listed.pk}/phieu-in/" in html
    client.force_login(household)
    html = client.get(f"/ho-so/{listed.pk}/").content.decode()
    assert "phieu-in" not in html


# --- what the household said on the phone -------------------------------------------------


def test_officer_records_the_households_answer_to_a_comment(client, officer, officer2, listed, household):
    services.start_review(listed, officer2)
    comment = services.add_comment(listed, officer2, text="Giá hộp bánh có đúng 150.000 ₫ không?")
    client.force_login(officer)
    response = client.post(
        f"/can-bo/ho-so/{listed.pk}/qua-dien-thoai/",
        {"kind": "answer", "comment": comment.pk, "text": "Đúng, 150.000 ₫ một hộp."},
        follow=True,
    )
    assert response.status_code == 200
    comment.refresh_from_db()
    assert comment.resolved
    entry = listed.audit.get(action=AuditEntry.Action.PHONE)
    assert entry.actor == officer and entry.on_behalf and entry.comment == "Đúng, 150.000 ₫ một hộp."
    client.force_login(household)
    html = client.get(f"/ho-so/{listed.pk}/").content.decode()
    assert "do Trần Thị Bình ghi thay hộ qua điện thoại" in html
    assert "Đúng, 150.000 ₫ một hộp." in html


def test_officer_records_that_the_household_confirms_the_listing(client, officer, listed):
    client.force_login(officer)
    client.post(f"/can-bo/ho-so/{listed.pk}/qua-dien-thoai/", {"kind": "confirm", "text": ""})
    entry = listed.audit.get(action=AuditEntry.Action.PHONE)
    assert entry.field == "confirm" and entry.on_behalf
    assert entry.comment  # the standard sentence


def test_answer_without_a_comment_is_refused_and_nothing_recorded(client, officer, listed):
    client.force_login(officer)
    response = client.post(f"/can-bo/ho-so/{listed.pk}/qua-dien-thoai/", {"kind": "answer", "text": ""}, follow=True)
    html = response.content.decode()
    assert "Chọn nhận xét mà hộ đã trả lời." in html
    assert not listed.audit.filter(action=AuditEntry.Action.PHONE).exists()


def test_household_and_other_commune_cannot_record_phone_replies(client, listed, household, other_officer):
    for user in (household, other_officer):
        client.force_login(user)
        assert client.post(f"/can-bo/ho-so/{listed.pk}/qua-dien-thoai/", {"kind": "confirm"}).status_code == 404
    with pytest.raises(services.TransitionError):
        services.household_reply_by_phone(application=listed, actor=household, kind="confirm")
    assert not listed.audit.filter(action=AuditEntry.Action.PHONE).exists()


def test_comment_of_another_application_is_refused(officer, officer2, listed, commune):
    other = complete_application(commune=commune, state=S.IN_REVIEW)
    foreign = ReviewComment.objects.create(application=other, author=officer2, text="?")
    with pytest.raises(services.TransitionError):
        services.household_reply_by_phone(application=listed, actor=officer, kind="answer", text="x", comment=foreign)


# --- notifications --------------------------------------------------------------------------

LONG_NAME = "Gian hàng Đặc sản Mắm bò hóc và Bánh pía nhân sầu riêng trứng muối của Hộ Thạch Thị Sa Rươl " * 3


@pytest.mark.parametrize("language", ["vi", "en", "km"])
def test_every_notification_has_a_short_text_of_160_characters_at_most(
    language, household, commune, officer, officer2, notify_outbox, django_capture_on_commit_callbacks
):
    household.email = "ho@example.com"
    household.save()
    app = complete_application(
        household=household,
        commune=commune,
        officer=officer,
        stall_name=LONG_NAME[:150],
        language=language,
        no_smartphone=True,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.submit(app, household)
        services.start_review(app, officer2)
        services.request_changes(app, officer2, comment="Sửa giá " * 50)
    notes = list(Notification.objects.filter(application=app))
    assert notes and all(0 < len(n.short) <= 160 for n in notes)
    assert notify_outbox and all(0 < len(m.short) <= 160 and m.sms_text == m.short for m in notify_outbox)
    to_household = max((n for n in notes if n.user == household), key=lambda n: n.pk)  # changes requested
    if language == "km":
        assert any("\u1780" <= ch <= "\u17ff" for ch in to_household.short)
    elif language == "en":
        assert "needs changes" in to_household.short
    else:
        assert "cần sửa" in to_household.short
    assert to_household.short.endswith("0987 654 321")  # the officer's phone survives the cut
    assert "…" in to_household.short


def test_officer_receives_the_notifications_of_a_household_without_smartphone(household, commune, officer, officer2):
    app = complete_application(household=household, commune=commune, officer=officer, no_smartphone=True)
    services.submit(app, household)
    services.start_review(app, officer2)
    services.request_changes(app, officer2, comment="Chụp lại ảnh sản phẩm")
    copies = Notification.objects.filter(user=officer, title__startswith="Cho hộ")
    assert copies.count() == 2  # in review, changes requested
    latest = copies.order_by("-pk").first()
    assert "Chụp lại ảnh sản phẩm" in latest.body and "0912 345 678" in latest.body
    assert len(latest.short) <= 160
    # The reviewer who acted gets no copy of what they just did.
    assert not Notification.objects.filter(user=officer2, title__startswith="Cho hộ").exists()


def test_household_with_smartphone_gets_no_officer_copy(household, commune, officer, officer2):
    app = complete_application(household=household, commune=commune, officer=officer)
    services.submit(app, household)
    services.start_review(app, officer2)
    assert not Notification.objects.filter(user=officer, title__startswith="Cho hộ").exists()


def test_unassigned_household_without_smartphone_reaches_every_officer_of_its_commune(
    household, commune, officer, officer2, other_officer
):
    app = complete_application(household=household, commune=commune, officer=None, no_smartphone=True)
    editor = UserFactory(groups=[roles.EDITOR])
    services.submit(app, household)
    services.start_review(app, editor)
    assert set(Notification.objects.filter(title__startswith="Cho hộ").values_list("user", flat=True)) == {
        officer.pk,
        officer2.pk,
    }


def test_certificate_reminder_short_text_is_cut_to_160():
    from onboarding.notifications import notify_user

    user = UserFactory()
    note = notify_user(user, title="Chứng nhận OCOP của “" + LONG_NAME + "” sắp hết hạn")
    assert 150 < len(note.short) <= 160 and note.short.endswith("…")


# --- how existing producers were onboarded (the data migration) ---------------------------------


def test_migration_derives_how_producers_were_onboarded(officer, officer2, commune, household):
    import importlib

    from django.apps import apps

    from producers.models import Producer
    from tests.factories.producers import ProducerFactory

    derive = importlib.import_module("onboarding.migrations.0006_derive_producer_onboarding").derive
    self_made = complete_application(household=household, commune=commune, officer=officer)
    other = UserFactory(groups=[roles.FARMER])
    assisted = complete_application(household=other, created_by=officer, commune=commune, officer=officer)
    services.submit(self_made, household)
    services.submit(assisted, officer, consent=True)
    for app in (self_made, assisted):
        services.start_review(app, officer2)
        services.approve(app, officer2)
    imported = ProducerFactory()
    Producer.objects.update(onboarded_via="")
    derive(apps, None)
    self_made.refresh_from_db()
    assisted.refresh_from_db()
    assert self_made.producer.onboarded_via == "self_service"
    assert assisted.producer.onboarded_via == "assisted"
    imported.refresh_from_db()
    assert imported.onboarded_via == ""  # not recorded: no application made it


def test_receipt_without_khmer_font_falls_back_to_vietnamese(settings, officer, listed, tmp_path):
    receipt.fonts.cache_clear()
    settings.PDF_KHMER_FONT = str(tmp_path / "missing.ttf")
    try:
        services.household_needs_save(application=listed, actor=officer, language="km", no_smartphone=True)
        data = receipt.receipt_for(listed, officer=officer)
        assert data.language == "vi"
        body = receipt.receipt_pdf(data)
        assert "Đã gửi" in pdf_text(body)
    finally:
        receipt.fonts.cache_clear()


def test_khmer_font_comes_from_the_installed_package(settings):
    settings.PDF_KHMER_FONT = ""
    receipt.fonts.cache_clear()
    path = receipt.khmer_font_path()
    assert path.endswith(".ttf") and os.path.exists(path)
    assert receipt.fonts().khmer == "ReceiptKhmer"


def test_any_message_has_an_sms_text_of_160_characters_at_most():
    from core.notify import Message

    long = Message(subject="Đơn hàng mới từ " + LONG_NAME, body="…", phone="+84912345678")
    assert len(long.sms_text) <= 160 and long.sms_text.endswith("…")
    assert Message(subject="Đơn hàng #12 đã thanh toán", body="").sms_text == "Đơn hàng #12 đã thanh toán"
    assert Message(subject="x", body="", short="Ngắn").sms_text == "Ngắn"


def test_a_khmer_household_reads_its_notifications_in_khmer_and_its_officer_in_vietnamese(
    household, commune, officer, officer2
):
    app = complete_application(household=household, commune=commune, officer=officer, language="km")
    services.submit(app, household)
    services.start_review(app, officer2)
    services.request_changes(app, officer2, comment="Chụp lại ảnh sản phẩm")
    to_household = Notification.objects.filter(user=household).order_by("-pk").first()
    assert re.search(r"[\u1780-\u17ff]", to_household.title), to_household.title
    words = to_household.title.replace(app.stall_name, "")  # the stall's name is the household's own
    assert not re.search(r"[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", words, re.I), words
    assert to_household.url.startswith("/km/")  # the link opens the Khmer screens
    assert to_household.body == "Chụp lại ảnh sản phẩm"  # the officer's words as typed
    to_officer = Notification.objects.filter(user=officer).order_by("-pk").first()
    assert not re.search(r"[\u1780-\u17ff]", to_officer.title) and not to_officer.url.startswith("/km/")
