"""Every page of a PDF on one picture, numbered, to look at a whole edition at once.

    python tools/contact_sheet.py dist/daily-2026-11-25.pdf docs/contact-sheet.png

Pages are drawn by poppler's pdftoppm (the same renderer the visual tests use) and laid
out in rows with Pillow; the page number is printed under each page.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw


def contact_sheet(pdf: Path, out: Path, columns: int = 6, dpi: int = 30,
                  first: int | None = None, last: int | None = None) -> Path:
    with tempfile.TemporaryDirectory() as work:
        command = ["pdftoppm", "-png", "-r", str(dpi)]
        if first:
            command += ["-f", str(first)]
        if last:
            command += ["-l", str(last)]
        subprocess.run([*command, str(pdf), f"{work}/p"], check=True)
        files = sorted(Path(work).glob("p-*.png"), key=lambda f: int(f.stem.split("-")[1]))
        pages = [Image.open(f).convert("RGB") for f in files]
    width = max(p.width for p in pages)
    height = max(p.height for p in pages)
    gap, label = 8, 14
    rows = -(-len(pages) // columns)
    sheet = Image.new("RGB", (columns * (width + gap) + gap,
                              rows * (height + gap + label) + gap), "#777")
    draw = ImageDraw.Draw(sheet)
    for index, page in enumerate(pages):
        x = gap + (index % columns) * (width + gap)
        y = gap + (index // columns) * (height + gap + label)
        sheet.paste(page, (x, y))
        number = int(files[index].stem.split("-")[1])
        draw.text((x + width // 2 - 6, y + height + 1), str(number), fill="white")
    out.parent.mkdir(parents=True, exist_ok=True)
    # 256 colours: a sheet of pages is mostly text, and stays small enough to commit.
    sheet.quantize(256, dither=Image.Dither.NONE).save(out, optimize=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdf", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--columns", type=int, default=6)
    parser.add_argument("--dpi", type=int, default=30)
    parser.add_argument("--first", type=int)
    parser.add_argument("--last", type=int)
    args = parser.parse_args()
    contact_sheet(args.pdf, args.out, args.columns, args.dpi, args.first, args.last)


if __name__ == "__main__":
    main()
