"""Placeholder pictures for the demo catalogue, drawn locally with Pillow (no download).

A product picture is a gradient in its OCOP group's colours, a simple shape and the
product's name; a stall gets a round logo with its initials and a wide cover. JPEG,
quality 80: a few tens of kilobytes each.
"""

import io
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii
from django.core.files.images import ImageFile
from PIL import Image, ImageDraw, ImageFont
from wagtail.images import get_image_model
from wagtail.utils.file import hash_filelike

from core.text import vi_slugify

JPEG_QUALITY = 80

# Fonts with Vietnamese glyphs, first found wins. Pillow's own default font (Aileron)
# has no "ư", "ạ", "Đ": without one of these the text is drawn without diacritics.
FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/noto/NotoSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
    "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
    "/Library/Fonts/Arial Bold.ttf",
    "C:/Windows/Fonts/arialbd.ttf",
]
VIETNAMESE_SAMPLE = "Đường thốt nốt ữ ặ ỗ"

# (dark, light) per OCOP subgroup; the group's first digit is the fallback.
PALETTE: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "1": ((191, 84, 23), (250, 200, 120)),
    "1.1": ((46, 125, 50), (174, 219, 120)),
    "1.2": ((140, 98, 57), (232, 205, 160)),
    "1.3": ((198, 40, 40), (255, 183, 120)),
    "1.4": ((120, 45, 20), (240, 170, 90)),
    "1.5": ((27, 94, 32), (165, 214, 167)),
    "1.6": ((78, 52, 46), (188, 150, 120)),
    "2": ((74, 20, 140), (206, 147, 216)),
    "2.2": ((0, 121, 107), (128, 222, 234)),
    "3": ((51, 105, 30), (220, 231, 117)),
    "4": ((121, 85, 72), (239, 210, 160)),
    "5": ((173, 20, 87), (248, 187, 208)),
    "6": ((1, 87, 155), (129, 212, 250)),
}


def colours(category_code: str) -> tuple[tuple[int, int, int], tuple[int, int, int]]:
    return PALETTE.get(category_code) or PALETTE.get(category_code.split(".")[0]) or PALETTE["1"]


def _has_glyphs(font: ImageFont.FreeTypeFont, text: str) -> bool:
    """False if any character renders as the font's "missing glyph" box."""

    def glyph(ch: str) -> bytes:
        canvas = Image.new("L", (48, 48))
        ImageDraw.Draw(canvas).text((4, 4), ch, font=font, fill=255)
        return canvas.tobytes()

    missing = glyph("\U0010fffd")
    return all(glyph(ch) != missing for ch in text if not ch.isspace())


@lru_cache(maxsize=1)
def _font_path() -> str | None:
    for candidate in FONT_CANDIDATES:
        if Path(candidate).is_file():
            try:
                font = ImageFont.truetype(candidate, 24)
            except OSError:
                continue
            if _has_glyphs(font, VIETNAMESE_SAMPLE):
                return candidate
    return None


@lru_cache(maxsize=64)
def _font(size: int) -> ImageFont.FreeTypeFont:
    path = _font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


def renders_vietnamese() -> bool:
    return _font_path() is not None


def _text(text: str) -> str:
    return text if renders_vietnamese() else anyascii(text)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit(draw, text: str, width: int, height: int, start: int, max_lines: int = 4):
    """The largest font size (from ``start`` down) at which the text fits the box."""
    size = start
    while True:
        font = _font(size)
        lines = _wrap(draw, text, font, width)
        line_height = int(size * 1.25)
        too_wide = any(draw.textlength(line, font=font) > width for line in lines)
        if size <= 10 or (len(lines) <= max_lines and len(lines) * line_height <= height and not too_wide):
            return font, lines, line_height
        size -= 2


def _gradient(size: tuple[int, int], top, bottom) -> Image.Image:
    mask = Image.linear_gradient("L").resize(size)
    return Image.composite(Image.new("RGB", size, bottom), Image.new("RGB", size, top), mask)


def _mix(a, b, t: float):
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _centred(draw, lines, font, line_height, box_top, width, fill, shadow=None):
    for i, line in enumerate(lines):
        w = draw.textlength(line, font=font)
        x, y = (width - w) / 2, box_top + i * line_height
        if shadow:
            draw.text((x + 2, y + 2), line, font=font, fill=shadow)
        draw.text((x, y), line, font=font, fill=fill)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def product_image(title: str, subtitle: str, category_code: str, *, size: int = 800, variant: int = 1) -> bytes:
    dark, light = colours(category_code)
    image = _gradient((size, size), light, dark) if variant == 1 else _gradient((size, size), dark, light)
    draw = ImageDraw.Draw(image)
    u = size / 100
    if variant == 1:
        # A "plate" with a soft ring, the way a product sits on a table.
        draw.ellipse((12 * u, 6 * u, 88 * u, 82 * u), fill=_mix(light, (255, 255, 255), 0.55))
        draw.ellipse((15 * u, 9 * u, 85 * u, 79 * u), outline=_mix(dark, light, 0.4), width=max(2, int(u / 2)))
        text_top, text_height, colour, shadow = 24 * u, 36 * u, _mix(dark, (0, 0, 0), 0.35), None
    else:
        for i in range(-100, 200, 12):
            draw.line(((i * u, 0), ((i + 60) * u, size)), fill=_mix(dark, light, 0.25), width=max(2, int(2 * u)))
        draw.rounded_rectangle((10 * u, 22 * u, 90 * u, 70 * u), radius=6 * u, fill=_mix(light, (255, 255, 255), 0.7))
        text_top, text_height, colour, shadow = 28 * u, 36 * u, dark, None
    font, lines, line_height = _fit(draw, _text(title), int(54 * u), int(text_height), int(9 * u))
    block = len(lines) * line_height
    _centred(draw, lines, font, line_height, text_top + (text_height - block) / 2, size, colour, shadow)
    small = _font(max(10, int(4.2 * u)))
    sub_lines = _wrap(draw, _text(subtitle), small, int(90 * u))[:2]
    _centred(draw, sub_lines, small, int(5.4 * u), 86 * u, size, (255, 255, 255), _mix(dark, (0, 0, 0), 0.5))
    return _jpeg(image)


def _initials(name: str) -> str:
    words = [w for w in name.split() if w[:1].isalpha()]
    return "".join(w[0] for w in words[:2]).upper() or "?"


def logo_image(name: str, category_code: str, *, size: int = 400) -> bytes:
    dark, light = colours(category_code)
    image = Image.new("RGB", (size, size), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((0, 0, size - 1, size - 1), fill=dark)
    draw.ellipse((size * 0.06, size * 0.06, size * 0.94, size * 0.94), outline=light, width=max(2, size // 60))
    font = _font(int(size * 0.36))
    text = _text(_initials(name))
    box = draw.textbbox((0, 0), text, font=font)
    x = (size - (box[2] - box[0])) / 2 - box[0]
    y = (size - (box[3] - box[1])) / 2 - box[1]
    draw.text((x, y), text, font=font, fill=(255, 255, 255))
    return _jpeg(image)


def cover_image(name: str, tagline: str, category_code: str, *, width: int = 1200, height: int = 400) -> bytes:
    dark, light = colours(category_code)
    image = _gradient((height, width), dark, light).rotate(90, expand=True)
    draw = ImageDraw.Draw(image)
    # Rolling hills: a field, a garden, a river bank.
    for i, t in enumerate((0.35, 0.55, 0.75)):
        cx = width * (0.2 + 0.3 * i)
        draw.ellipse(
            (cx - width * 0.45, height * (0.55 + 0.1 * i), cx + width * 0.45, height * 2), fill=_mix(dark, light, t)
        )
    font, lines, line_height = _fit(draw, _text(name), int(width * 0.8), int(height * 0.3), int(height * 0.16), 2)
    _centred(draw, lines, font, line_height, height * 0.12, width, (255, 255, 255), _mix(dark, (0, 0, 0), 0.5))
    small = _font(max(10, int(height * 0.06)))
    sub = _wrap(draw, _text(tagline), small, int(width * 0.85))[:2]
    _centred(draw, sub, small, int(height * 0.08), height * 0.5, width, (255, 255, 255), _mix(dark, (0, 0, 0), 0.5))
    return _jpeg(image)


def save_drawn(*, title: str, collection, data: bytes):
    """Store a drawn JPEG as a Wagtail image of ``collection`` (the seeds' one way to add a picture)."""
    image = get_image_model()(
        title=title,
        collection=collection,
        file=ImageFile(io.BytesIO(data), name=f"demo-{vi_slugify(title, max_length=60)}.jpg"),
        file_size=len(data),
        file_hash=hash_filelike(io.BytesIO(data)),
    )
    image.save()
    return image
