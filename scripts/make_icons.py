"""Draw the installable app's icons (static/icons/icon-192.png and icon-512.png): the site's red
with 村 in white, square with room to spare for the launchers' round masks ("maskable").

    .venv/bin/python scripts/make_icons.py  [font file]
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

RED = (155, 28, 28)  # .navbar-cunjian in static/css/cunjian.css
FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def draw(size: int, font_file: str) -> Image.Image:
    image = Image.new("RGB", (size, size), RED)
    font = ImageFont.truetype(font_file, int(size * 0.55), index=0)
    ImageDraw.Draw(image).text(
        (size / 2, size / 2), "村", font=font, fill=(255, 255, 255), anchor="mm"
    )
    return image


def main() -> None:
    font_file = sys.argv[1] if len(sys.argv) > 1 else FONT
    OUT.mkdir(parents=True, exist_ok=True)
    for size in (192, 512):
        draw(size, font_file).save(OUT / f"icon-{size}.png", optimize=True)


if __name__ == "__main__":
    main()
