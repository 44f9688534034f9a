"""A QR code drawn as vectors on a reportlab canvas: the stamp sheets and signs of
traceability and the household's receipt of onboarding print the same way."""

import qrcode
from reportlab.pdfgen import canvas


def draw_qr(pdf: canvas.Canvas, data: str, x: float, y: float, size: float) -> None:
    """A QR code with its lower-left corner at (x, y), ``size`` points wide, quiet zone included."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    n = len(matrix)
    module = size / n
    pdf.setFillColorRGB(1, 1, 1)
    pdf.rect(x, y, size, size, stroke=0, fill=1)
    pdf.setFillColorRGB(0, 0, 0)
    path = pdf.beginPath()
    for r, row in enumerate(matrix):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                # Runs of dark modules as one rectangle, slightly overlapping: no hairline gaps.
                path.rect(x + start * module, y + size - (r + 1) * module, (c - start) * module + 0.01, module + 0.01)
            else:
                c += 1
    pdf.drawPath(path, stroke=0, fill=1)
