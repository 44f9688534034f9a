"""Printable PDFs: sheets of QR stamps for a batch, and the stall's VietQR sign.

Drawn with reportlab (pure Python). QR codes are drawn as vector squares from the
``qrcode`` matrix, so they print sharp at any size. Vietnamese needs a TrueType font with
its letters: the first of ``TRACE_PDF_FONTS`` found (Debian's fonts-dejavu-core by default);
without one, the text is printed without diacritics rather than with missing glyphs.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from functools import lru_cache

from anyascii import anyascii
from django.conf import settings
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from core.pdf_qr import draw_qr

DEFAULT_FONTS = (
    ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
    (
        "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
        "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    ),
)
MAX_STAMPS = 2000


@dataclass(frozen=True)
class Layout:
    """A sheet of A4 labels (common office label sizes)."""

    key: str
    columns: int
    rows: int
    label_w: float  # mm
    label_h: float
    margin_left: float
    margin_top: float

    @property
    def per_page(self) -> int:
        return self.columns * self.rows

    @property
    def label(self) -> str:
        return _("A4, %(cols)s × %(rows)s labels of %(w)s × %(h)s mm") % {
            "cols": self.columns,
            "rows": self.rows,
            "w": f"{self.label_w:g}",
            "h": f"{self.label_h:g}",
        }


LAYOUTS = {
    "3x8": Layout("3x8", 3, 8, 70, 37, 0, 0.5),
    "4x10": Layout("4x10", 4, 10, 52.5, 29.7, 0, 0),
}


@dataclass(frozen=True)
class Fonts:
    regular: str
    bold: str
    unicode: bool

    def text(self, value: str) -> str:
        return value if self.unicode else anyascii(value)


@lru_cache(maxsize=1)
def _fonts() -> Fonts:
    for regular, bold in getattr(settings, "TRACE_PDF_FONTS", DEFAULT_FONTS):
        if os.path.exists(regular) and os.path.exists(bold):
            pdfmetrics.registerFont(TTFont("TraceSans", regular))
            pdfmetrics.registerFont(TTFont("TraceSans-Bold", bold))
            return Fonts("TraceSans", "TraceSans-Bold", True)
    return Fonts("Helvetica", "Helvetica-Bold", False)


def _wrap(text: str, font: str, size: float, width: float, max_lines: int) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        candidate = f"{line} {word}".strip()
        if pdfmetrics.stringWidth(candidate, font, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        line = word
        while pdfmetrics.stringWidth(line, font, size) > width and len(line) > 1:
            line = line[:-1]
        if len(lines) == max_lines:
            break
    if line and len(lines) < max_lines:
        lines.append(line)
    if len(lines) == max_lines and " ".join(lines) != " ".join(words):
        last = lines[-1]
        while last and pdfmetrics.stringWidth(last + "…", font, size) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines


@dataclass(frozen=True)
class Stamp:
    url: str
    product_name: str
    batch_code: str
    trace_code: str
    stars: int | None


def stamp_sheet(stamp: Stamp, *, count: int, layout: Layout) -> bytes:
    """``count`` identical stamps on as many A4 pages as they need."""
    if count < 1:
        raise ValueError("no stamps")
    fonts = _fonts()
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, pageCompression=1)
    pdf.setTitle(fonts.text(f"{stamp.product_name} – {stamp.batch_code}"))
    page_w, page_h = A4
    lw, lh = layout.label_w * mm, layout.label_h * mm
    pad = 2 * mm
    qr_size = lh - 2 * pad
    text_x_off = pad + qr_size + 1.5 * mm
    text_w = lw - text_x_off - pad
    name_size = 7.5 if layout.key == "3x8" else 6.2
    small = name_size - 1
    stars = ""
    if stamp.stars:
        stars = "★" * stamp.stars + " OCOP" if fonts.unicode else f"OCOP {stamp.stars} sao"
    name_lines = _wrap(fonts.text(stamp.product_name), fonts.bold, name_size, text_w, 3)
    batch_line = fonts.text(_("Batch %(code)s") % {"code": stamp.batch_code})
    for n in range(count):
        slot = n % layout.per_page
        if n and slot == 0:
            pdf.showPage()
        col, row = slot % layout.columns, slot // layout.columns
        x = layout.margin_left * mm + col * lw
        top = page_h - layout.margin_top * mm - row * lh
        y = top - lh
        draw_qr(pdf, stamp.url, x + pad, y + pad, qr_size)
        ty = top - pad - name_size
        pdf.setFont(fonts.bold, name_size)
        for line in name_lines:
            pdf.drawString(x + text_x_off, ty, line)
            ty -= name_size * 1.15
        pdf.setFont(fonts.regular, small)
        ty -= 1
        pdf.drawString(x + text_x_off, ty, batch_line[:40])
        ty -= small * 1.25
        pdf.setFont(fonts.bold, small)
        pdf.drawString(x + text_x_off, ty, stamp.trace_code)
        if stars:
            pdf.setFillColorRGB(0.72, 0.45, 0.0)
            pdf.setFont(fonts.bold, small)
            pdf.drawString(x + text_x_off, y + pad, stars)
            pdf.setFillColorRGB(0, 0, 0)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


@dataclass(frozen=True)
class Sign:
    payload: str
    stall_name: str
    account_holder: str
    bank_name: str
    account_number: str


SIGN_SIZES = {"a5": A5, "a4": A4}


def payment_sign(sign: Sign, *, size: str = "a5") -> bytes:
    """The stall's VietQR sign: its name, the QR, the bank, account and holder; the payer types the amount."""
    fonts = _fonts()
    page_w, page_h = SIGN_SIZES[size]
    scale = page_w / A5[0]
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=(page_w, page_h), pageCompression=1)
    pdf.setTitle(fonts.text(sign.stall_name))
    cx = page_w / 2
    y = page_h - 18 * mm * scale
    pdf.setFont(fonts.bold, 13 * scale)
    pdf.drawCentredString(cx, y, fonts.text(_("Scan to pay by bank transfer")))
    y -= 10 * mm * scale
    name_size = 18 * scale
    for line in _wrap(fonts.text(sign.stall_name), fonts.bold, name_size, page_w - 20 * mm * scale, 2):
        pdf.setFont(fonts.bold, name_size)
        pdf.drawCentredString(cx, y, line)
        y -= name_size * 1.2
    qr_size = min(page_w - 30 * mm * scale, 105 * mm * scale)
    y -= qr_size + 2 * mm * scale
    draw_qr(pdf, sign.payload, cx - qr_size / 2, y, qr_size)
    y -= 9 * mm * scale
    pdf.setFont(fonts.bold, 12 * scale)
    pdf.drawCentredString(cx, y, "VietQR · NAPAS 247")
    rows = [
        (_("Bank"), sign.bank_name),
        (_("Account number"), sign.account_number),
        (_("Account holder"), sign.account_holder),
    ]
    y -= 9 * mm * scale
    for label, value in rows:
        pdf.setFont(fonts.regular, 11 * scale)
        pdf.drawRightString(cx - 2 * mm, y, fonts.text(f"{label}:"))
        pdf.setFont(fonts.bold, 11 * scale)
        pdf.drawString(cx + 2 * mm, y, fonts.text(value))
        y -= 7 * mm * scale
    y -= 3 * mm * scale
    pdf.setFont(fonts.regular, 10 * scale)
    pdf.drawCentredString(
        cx, y, fonts.text(_("Type the amount in your banking app, then show the seller the transfer."))
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
