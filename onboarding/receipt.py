"""The paper side of an application, for households without a smartphone.

- ``status_token`` / ``application_from_token``: a signed token naming one application; its
  status page (``onboarding:status``) shows the state to anyone holding the token, no login.
- ``receipt_pdf``: a one-page A5 receipt in the household's language: what was listed, the
  state, the officer's name and phone, and a QR code of the status page.

Khmer is a complex script: its consonant clusters and vowels are reordered and stacked by
text shaping. reportlab shapes text in paragraphs (``shaping=1``) with uharfbuzz; the Khmer
letters come from the OFL Noto Sans Khmer of the ``fontpkg-noto-sans-khmer`` package, or
the TrueType file named by ``PDF_KHMER_FONT``. Everything else (Vietnamese, digits, ₫) is set
in the first of ``TRACE_PDF_FONTS`` found, as on the traceability stamps.
"""

from __future__ import annotations

import io
import logging
import os
from dataclasses import dataclass
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from reportlab.lib.pagesizes import A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Frame, Paragraph, Spacer, Table, TableStyle

from core.money import format_vnd
from core.pdf_qr import draw_qr
from core.phone import display_vn_phone

from .models import Application

logger = logging.getLogger(__name__)

S = Application.State
STATUS_SALT = "onboarding.application-status"
MAX_PRODUCTS = 10

LATIN_FONTS = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
)

# What each state means for the household, in a sentence (the receipt and the status page).
STATE_MEANING = {
    S.DRAFT: gettext_lazy("Not sent yet: it is still being filled in."),
    S.SUBMITTED: gettext_lazy("Sent: an officer will check it soon."),
    S.IN_REVIEW: gettext_lazy("An officer is checking it now."),
    S.CHANGES_REQUESTED: gettext_lazy("Something must be changed: your officer will call you."),
    S.APPROVED: gettext_lazy("Approved: your products are going on sale."),
    S.PUBLISHED: gettext_lazy("Approved: your products are on sale."),
    S.REJECTED: gettext_lazy("Not accepted. Ask your officer why."),
    S.WITHDRAWN: gettext_lazy("Withdrawn: it will not be checked."),
}


# --- the signed status link ----------------------------------------------------------------


def status_token(app: Application) -> str:
    """``<pk>:<signature>``: only the server's secret key can make one."""
    return signing.Signer(salt=STATUS_SALT).sign(str(app.pk))


def application_from_token(token: str) -> Application | None:
    try:
        pk = signing.Signer(salt=STATUS_SALT).unsign(token or "")
    except signing.BadSignature:
        return None
    if not pk.isdigit():
        return None
    return Application.objects.select_related("producer", "officer__officer_profile").filter(pk=int(pk)).first()


def household_language(app: Application) -> str:
    language = app.household_needs[0]
    return language if language in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


def status_url(app: Application, language: str | None = None) -> str:
    """The status page's absolute address, in the household's language."""
    with translation.override(language or household_language(app)):
        path = reverse("onboarding:status", kwargs={"token": status_token(app)})
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


# --- fonts ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    khmer: str | None  # None: no Khmer font, Khmer receipts are printed in Vietnamese


def khmer_font_path() -> str:
    configured = getattr(settings, "PDF_KHMER_FONT", "")
    if configured:
        return configured
    try:
        import fontpkg_noto_sans_khmer
    except ImportError:
        return ""
    return str(fontpkg_noto_sans_khmer.ROOT / "files" / "NotoSansKhmer[wdth,wght].ttf")


@lru_cache(maxsize=1)
def fonts() -> Fonts:
    regular, bold = "Helvetica", "Helvetica-Bold"
    for reg_path, bold_path in getattr(settings, "TRACE_PDF_FONTS", LATIN_FONTS):
        if os.path.exists(reg_path) and os.path.exists(bold_path):
            pdfmetrics.registerFont(TTFont("ReceiptSans", reg_path))
            pdfmetrics.registerFont(TTFont("ReceiptSans-Bold", bold_path))
            regular, bold = "ReceiptSans", "ReceiptSans-Bold"
            break
    khmer = None
    path = khmer_font_path()
    if path and os.path.exists(path):
        pdfmetrics.registerFont(TTFont("ReceiptKhmer", path))
        khmer = "ReceiptKhmer"
    elif path:
        logger.warning("Khmer font not found at %s: Khmer receipts are printed in Vietnamese", path)
    return Fonts(regular, bold, khmer)


def _is_khmer(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


def markup(text: str, *, khmer_font: str | None) -> str:
    """Paragraph markup of ``text``: its Khmer runs in the Khmer font, the rest in the style's."""
    text = str(text)
    if not khmer_font:
        return escape(text)
    out, run, run_khmer = [], "", False
    for ch in text:
        # Spaces and punctuation stay with the run they are in.
        k = _is_khmer(ch) if not ch.isspace() else run_khmer
        if run and k != run_khmer:
            out.append(f'<font name="{khmer_font}">{escape(run)}</font>' if run_khmer else escape(run))
            run = ""
        run += ch
        run_khmer = k
    if run:
        out.append(f'<font name="{khmer_font}">{escape(run)}</font>' if run_khmer else escape(run))
    return "".join(out)


# --- the receipt ------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    unit: str
    price: int | None


@dataclass(frozen=True)
class Receipt:
    number: int
    stall_name: str
    household_name: str
    state: str
    state_label: str
    products: list[ReceiptLine]
    officer_name: str
    officer_phone: str
    url: str
    language: str


def receipt_for(app: Application, *, officer, language: str | None = None) -> Receipt:
    """What the receipt of ``app`` shows; ``officer`` is the one the household calls."""

    language = language or household_language(app)
    if language == "km" and fonts().khmer is None:
        language = settings.LANGUAGE_CODE
    profile = getattr(officer, "officer_profile", None) if officer is not None else None
    phone = profile.phone if profile is not None and profile.phone else ""
    if phone.startswith("+84"):
        phone = display_vn_phone(phone)
    with translation.override(language):
        state_label = str(S(app.state).label)
    products = [
        ReceiptLine(name=p.name or "", unit=p.unit or "", price=p.price)
        for p in app.products.order_by("sort_order", "pk")
    ]
    officer_name = ""
    if officer is not None:
        officer_name = " ".join(p for p in (officer.last_name.strip(), officer.first_name.strip()) if p)
        officer_name = officer_name or officer.get_username()
    return Receipt(
        number=app.pk,
        stall_name=app.stall_name or app.legal_name or (str(app.producer) if app.producer_id else ""),
        household_name=app.representative,
        state=app.state,
        state_label=state_label,
        products=products,
        officer_name=officer_name,
        officer_phone=phone,
        url=status_url(app, language),
        language=language,
    )


def _labelled(label: str, value: str) -> str:
    # Khmer writes its own colon (៖): the separator is translated with the label.
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _story(receipt, count, para, width, printed, small, body, strong, title, big) -> list:
    """The receipt's upper part with the first ``count`` products."""
    story = [
        para("OCOP Market", small),
        para(_("Application receipt #%(n)s") % {"n": receipt.number}, title),
        para(_("Printed on %(date)s") % {"date": printed}, small),
        Spacer(1, 3 * mm),
    ]
    if receipt.stall_name:
        story.append(para(_labelled(_("Stall"), receipt.stall_name), strong))
    if receipt.household_name:
        story.append(para(_labelled(_("Household"), receipt.household_name), body))
    story += [
        Spacer(1, 3 * mm),
        para(_labelled(_("State"), receipt.state_label), big),
        para(str(STATE_MEANING[receipt.state]), body),
        Spacer(1, 3 * mm),
        para(_("What was listed"), strong),
    ]
    shown = receipt.products[:count]
    if shown:
        rows = []
        for line in shown:
            price = format_vnd(line.price) if line.price is not None else "—"
            if line.unit and line.price is not None:
                price = f"{price} / {line.unit}"
            rows.append([para(line.name or "—", body), para(price, body)])
        table = Table(rows, colWidths=[width * 0.58, width * 0.42])
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LINEBELOW", (0, 0), (-1, -1), 0.3, (0.7, 0.7, 0.7)),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
                ]
            )
        )
        story.append(table)
    more = len(receipt.products) - len(shown)
    if more:
        story.append(para(_("And %(n)s more products.") % {"n": more}, body))
    elif not receipt.products:
        story.append(para(_("No product yet."), body))
    return story


def receipt_pdf(receipt: Receipt) -> bytes:
    """One A5 page; at most ``MAX_PRODUCTS`` products are listed, the rest counted."""
    f = fonts()
    khmer = f.khmer if receipt.language == "km" else None
    page_w, page_h = A5
    margin = 12 * mm
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A5, pageCompression=1)

    def style(name, size, *, bold=False, leading=None, color=None):
        return ParagraphStyle(
            name,
            fontName=f.bold if bold else f.regular,
            fontSize=size,
            leading=leading or size * (1.55 if khmer else 1.3),
            shaping=1,
            textColor=color or (0, 0, 0),
        )

    def para(text, st):
        return Paragraph(markup(text, khmer_font=khmer), st)

    small = style("small", 8.5, color=(0.25, 0.25, 0.25))
    body = style("body", 10)
    strong = style("strong", 10, bold=True)
    title = style("title", 14, bold=True)
    big = style("big", 13, bold=True)

    with translation.override(receipt.language):
        pdf.setTitle(_("Application receipt #%(n)s") % {"n": receipt.number})
        printed = timezone.localtime().strftime("%d/%m/%Y %H:%M")
        width = page_w - 2 * margin
        qr_size = 38 * mm
        footer_h = qr_size + 4 * mm
        height = page_h - 2 * margin - footer_h
        # As many products as fit on the one page; the others are counted.
        for count in range(min(len(receipt.products), MAX_PRODUCTS), -1, -1):
            story = _story(receipt, count, para, width, printed, small, body, strong, title, big)
            if sum(flowable.wrap(width, height)[1] for flowable in story) <= height:
                break
        officer = [
            para(_("Your officer"), strong),
            para(receipt.officer_name or "—", body),
        ]
        if receipt.officer_phone:
            officer.append(para(receipt.officer_phone, big))
        officer += [
            Spacer(1, 2 * mm),
            para(_("Scan the code with any phone to see the state of this application. No login needed."), small),
        ]
        Frame(margin, margin + footer_h, width, height, 0, 0, 0, 0).addFromList(story, pdf)
        text_frame = Frame(margin, margin, page_w - 2 * margin - qr_size - 4 * mm, footer_h, 0, 0, 0, 0)
        text_frame.addFromList(officer, pdf)
        draw_qr(pdf, receipt.url, page_w - margin - qr_size, margin, qr_size)
        pdf.setFont(f.regular, 6)
        pdf.drawString(margin, margin - 5 * mm, receipt.url)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
