"""Generate the sample edition's photos deterministically (Pillow only, no network).

Each picture is a painted scene (sky, ground, buildings, water, crowds...) softened,
textured with seeded noise and vignetted, so that it looks roughly photographic and
compresses like a photograph rather than a flat colour block. Every random number comes
from a ``random.Random`` seeded per image, so re-running the script with the same Pillow
build writes the same bytes.

Usage::

    python tools/make_sample_photos.py [--out editions/sample/images]
"""

from __future__ import annotations

import argparse
import math
import random
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "editions" / "sample" / "images"
QUALITY = 85

Color = tuple[int, int, int]


# --------------------------------------------------------------------------- helpers


def solid(size: tuple[int, int], color: Color) -> Image.Image:
    return Image.new("RGB", size, color)


def vgradient(size: tuple[int, int], top: Color, bottom: Color) -> Image.Image:
    """Vertical gradient from ``top`` to ``bottom``."""
    mask = Image.linear_gradient("L").resize(size, Image.Resampling.BICUBIC)
    return Image.composite(solid(size, bottom), solid(size, top), mask)


def value_noise(size: tuple[int, int], rng: random.Random, cell: int) -> Image.Image:
    """Smooth greyscale noise: random cells of ``cell`` px, upscaled bicubically."""
    w, h = size
    sw, sh = max(2, w // cell + 2), max(2, h // cell + 2)
    small = Image.frombytes("L", (sw, sh), rng.randbytes(sw * sh))
    return small.resize((sw * cell, sh * cell), Image.Resampling.BICUBIC).crop((0, 0, w, h))


def fractal_noise(size: tuple[int, int], rng: random.Random, cells=(256, 96, 32)) -> Image.Image:
    """A few octaves of value noise blended together (clouds, dirt, foliage)."""
    out = value_noise(size, rng, cells[0])
    for i, cell in enumerate(cells[1:], start=1):
        out = Image.blend(out, value_noise(size, rng, cell), 0.5 / i)
    return out


def stretch(img: Image.Image, lo: int, hi: int) -> Image.Image:
    """Map grey levels lo..hi to 0..255 (clamped)."""
    span = max(1, hi - lo)
    return img.point(lambda v: max(0, min(255, (v - lo) * 255 // span)))


def tint(mask: Image.Image, base: Image.Image, color: Color, strength: float) -> Image.Image:
    """Paint ``color`` over ``base`` where ``mask`` is bright, scaled by ``strength``."""
    m = mask.point(lambda v: int(v * strength))
    return Image.composite(solid(base.size, color), base, m)


def jitter(c: Color, rng: random.Random, amount: int = 18) -> Color:
    return tuple(max(0, min(255, v + rng.randint(-amount, amount))) for v in c)  # type: ignore


def shade(c: Color, f: float) -> Color:
    return tuple(max(0, min(255, int(v * f))) for v in c)  # type: ignore


def glow(img: Image.Image, center: tuple[int, int], radius: int, color: Color, alpha: float):
    """Additive soft light spot (sun, floodlight, spotlight)."""
    g = Image.radial_gradient("L").resize((radius * 2, radius * 2), Image.Resampling.BICUBIC)
    g = g.point(lambda v: int(max(0, 255 - v) ** 2 / 255 * alpha))
    layer = Image.new("L", img.size, 0)
    layer.paste(g, (center[0] - radius, center[1] - radius))
    light = Image.composite(solid(img.size, color), solid(img.size, (0, 0, 0)), layer)
    return ImageChops.add(img, light)


def clouds(
    img: Image.Image,
    rng: random.Random,
    top: int,
    bottom: int,
    color: Color,
    cover: int = 140,
    strength: float = 0.8,
) -> Image.Image:
    w, _ = img.size
    n = fractal_noise((w, bottom - top), rng, (320, 120, 40))
    n = stretch(n, cover, 230).filter(ImageFilter.GaussianBlur(6))
    fade = Image.linear_gradient("L").resize((w, bottom - top)).point(lambda v: 255 - v // 2)
    n = ImageChops.multiply(n, fade)
    region = img.crop((0, top, w, bottom))
    img.paste(tint(n, region, color, strength), (0, top))
    return img


def person(
    d: ImageDraw.ImageDraw,
    x: float,
    y: float,
    s: float,
    shirt: Color,
    skin: Color = (150, 105, 80),
    hair: Color = (25, 20, 18),
) -> None:
    """A small standing figure whose feet are at (x, y) and height is ``s``."""
    hw = s * 0.16
    d.rounded_rectangle((x - hw, y - s * 0.78, x + hw, y - s * 0.38), radius=hw * 0.6, fill=shirt)
    d.rectangle((x - hw * 0.8, y - s * 0.4, x + hw * 0.8, y), fill=shade(shirt, 0.35))
    r = s * 0.1
    d.ellipse((x - r, y - s * 0.99, x + r, y - s * 0.79), fill=skin)
    d.pieslice((x - r, y - s, x + r, y - s * 0.8), 180, 360, fill=hair)


def crowd(
    d: ImageDraw.ImageDraw, rng: random.Random, box, n: int, size: float, palette: list[Color]
) -> None:
    """Heads and shoulders packed into ``box`` (x0, y0, x1, y1), back rows first."""
    x0, y0, x1, y1 = box
    pts = sorted((rng.uniform(y0, y1), rng.uniform(x0, x1)) for _ in range(n))
    for y, x in pts:
        k = size * (0.6 + 0.4 * (y - y0) / max(1, y1 - y0))
        d.ellipse((x - k, y - k * 0.2, x + k, y + k * 1.6), fill=jitter(rng.choice(palette), rng))
        d.ellipse((x - k * 0.45, y - k * 1.1, x + k * 0.45, y), fill=jitter((60, 42, 32), rng, 12))


def building(
    d: ImageDraw.ImageDraw,
    rng: random.Random,
    box,
    wall: Color,
    win: Color,
    cols: int,
    rows: int,
    lit: float = 0.0,
    lit_color: Color = (255, 214, 140),
) -> None:
    x0, y0, x1, y1 = box
    d.rectangle(box, fill=wall)
    d.rectangle((x1 - (x1 - x0) * 0.12, y0, x1, y1), fill=shade(wall, 0.82))
    cw, rh = (x1 - x0) / cols, (y1 - y0) / rows
    for r in range(rows):
        for c in range(cols):
            col = lit_color if rng.random() < lit else jitter(win, rng, 10)
            d.rectangle(
                (
                    x0 + c * cw + cw * 0.18,
                    y0 + r * rh + rh * 0.2,
                    x0 + (c + 1) * cw - cw * 0.18,
                    y0 + (r + 1) * rh - rh * 0.15,
                ),
                fill=col,
            )


def finish(
    img: Image.Image,
    rng: random.Random,
    blur: float = 1.4,
    grain: float = 0.16,
    vignette: float = 0.35,
    warmth: Color = (255, 250, 240),
) -> Image.Image:
    """Photographic finish: lens softness, film grain, vignette, slight colour cast."""
    w, h = img.size
    img = img.filter(ImageFilter.GaussianBlur(blur))
    # Low-frequency exposure unevenness.
    blotch = value_noise((w, h), rng, max(w, h) // 5).point(lambda v: 128 + (v - 128) // 5)
    img = ImageChops.soft_light(img, Image.merge("RGB", (blotch,) * 3))
    # Grain (at half resolution so it stays soft and compressible).
    gw, gh = w // 2, h // 2
    g = Image.frombytes("L", (gw, gh), rng.randbytes(gw * gh))
    g = g.resize((w, h), Image.Resampling.BILINEAR)
    g = g.point(lambda v: int(128 + (v - 128) * grain))
    img = ImageChops.soft_light(img, Image.merge("RGB", (g, g, g)))
    # Vignette.
    v = Image.radial_gradient("L").resize((w, h), Image.Resampling.BICUBIC)
    v = v.point(lambda p: int(255 - min(255, max(0, p - 90) * 1.6) * vignette))
    img = ImageChops.multiply(img, Image.merge("RGB", (v, v, v)))
    img = ImageChops.multiply(img, solid((w, h), warmth))
    return img


# --------------------------------------------------------------------------- scenes


def scene_geneva_mission(w: int, h: int, rng: random.Random) -> Image.Image:
    """Glass-fronted office block under a blue sky, flags and trees in front."""
    horizon = int(h * 0.72)
    img = vgradient((w, h), (70, 120, 190), (190, 212, 232))
    img = clouds(img, rng, 0, horizon, (245, 246, 250), cover=120)
    img = glow(img, (int(w * 0.85), int(h * 0.08)), int(w * 0.25), (90, 80, 50), 0.8)
    d = ImageDraw.Draw(img)
    # Distant hills.
    pts = [(0, horizon)]
    for x in range(0, w + 40, 40):
        pts.append((x, horizon - 60 - 40 * math.sin(x / 300) - rng.randint(0, 10)))
    pts.append((w, horizon))
    d.polygon(pts, fill=(118, 138, 150))
    # Main building: glass grid with sky reflections.
    bx0, by0, bx1 = int(w * 0.28), int(h * 0.18), int(w * 0.9)
    refl = vgradient((bx1 - bx0, horizon - by0), (120, 160, 200), (60, 82, 104))
    img.paste(refl, (bx0, by0))
    d = ImageDraw.Draw(img)
    for x in range(bx0, bx1, 62):
        d.line((x, by0, x, horizon), fill=(200, 205, 210), width=6)
    for y in range(by0, horizon, 84):
        d.line((bx0, y, bx1, y), fill=(190, 196, 204), width=10)
    for _ in range(90):
        x = rng.randrange(bx0, bx1 - 62, 62)
        y = rng.randrange(by0, horizon - 84, 84)
        d.rectangle((x + 4, y + 6, x + 58, y + 80), fill=jitter((150, 185, 215), rng, 25))
    d.rectangle((bx0 - 30, by0 - 40, bx1 + 30, by0), fill=(214, 216, 218))
    d.polygon(
        [(bx1, by0), (bx1 + 160, by0 + 90), (bx1 + 160, horizon), (bx1, horizon)],
        fill=(96, 110, 124),
    )
    # Older stone wing on the left.
    building(
        d,
        rng,
        (int(w * 0.02), int(h * 0.38), bx0 - 10, horizon),
        (206, 196, 178),
        (84, 90, 96),
        cols=9,
        rows=6,
    )
    # Plaza and lawn.
    img.paste(vgradient((w, h - horizon), (150, 150, 146), (96, 98, 94)), (0, horizon))
    d = ImageDraw.Draw(img)
    d.polygon([(0, h * 0.86), (w, h * 0.8), (w, h), (0, h)], fill=(74, 112, 52))
    # Flag poles.
    flags = [
        (3, 46, 161),
        (224, 0, 37),
        (0, 114, 188),
        (255, 255, 255),
        (0, 150, 57),
        (252, 209, 22),
        (206, 17, 38),
        (0, 56, 168),
    ]
    for i, col in enumerate(flags):
        x = int(w * 0.08) + i * int(w * 0.105)
        top = int(h * 0.42)
        d.line((x, top, x, horizon + 90), fill=(225, 225, 225), width=9)
        wave = [(x, top), (x + 150, top + 14), (x + 150, top + 104), (x, top + 90)]
        d.polygon(wave, fill=col)
        d.polygon(
            [(x + 75, top + 7), (x + 150, top + 14), (x + 150, top + 104), (x + 75, top + 97)],
            fill=shade(col, 0.8),
        )
    # Trees.
    foliage = fractal_noise((w, h), rng, (60, 20))
    for _ in range(14):
        cx, cy = rng.randint(0, w), int(h * rng.uniform(0.7, 0.82))
        r = rng.randint(90, 170)
        m = Image.new("L", (w, h), 0)
        ImageDraw.Draw(m).ellipse((cx - r, cy - r, cx + r, cy + r * 0.8), fill=255)
        m = ImageChops.multiply(m, stretch(foliage, 60, 200))
        img = Image.composite(solid((w, h), jitter((44, 74, 36), rng, 10)), img, m)
    return finish(img, rng)


def scene_vaccination_tent(w: int, h: int, rng: random.Random) -> Image.Image:
    """Portrait: people queueing under a white canopy in a pagoda yard."""
    img = vgradient((w, h), (120, 170, 215), (214, 222, 226))
    img = clouds(img, rng, 0, int(h * 0.35), (250, 250, 250), cover=110)
    d = ImageDraw.Draw(img)
    # Pagoda roof silhouette behind.
    py = int(h * 0.3)
    d.polygon([(w * 0.1, py), (w * 0.5, py - h * 0.12), (w * 0.9, py)], fill=(170, 60, 40))
    d.polygon(
        [(w * 0.25, py - h * 0.06), (w * 0.5, py - h * 0.17), (w * 0.75, py - h * 0.06)],
        fill=(196, 140, 40),
    )
    d.rectangle((w * 0.15, py, w * 0.85, h * 0.45), fill=(226, 210, 170))
    ground_y = int(h * 0.45)
    ground = fractal_noise((w, h - ground_y), rng, (160, 40, 12))
    base = vgradient((w, h - ground_y), (188, 170, 140), (150, 128, 100))
    img.paste(tint(stretch(ground, 90, 200), base, (120, 100, 76), 0.5), (0, ground_y))
    d = ImageDraw.Draw(img)
    # Canopy.
    cy = int(h * 0.42)
    d.polygon([(-40, cy), (w * 0.5, cy - h * 0.09), (w + 40, cy)], fill=(244, 244, 240))
    d.polygon([(w * 0.5, cy - h * 0.09), (w + 40, cy), (w * 0.5, cy)], fill=(214, 216, 214))
    d.rectangle((-40, cy, w + 40, cy + 40), fill=(232, 232, 226))
    for x in (30, w * 0.5, w - 30):
        d.line((x, cy + 40, x, h * 0.8), fill=(180, 182, 186), width=14)
    # Shade under the canopy.
    shadow = Image.new("L", (w, h), 0)
    ImageDraw.Draw(shadow).rectangle((0, cy + 40, w, int(h * 0.78)), fill=90)
    shadow = shadow.filter(ImageFilter.GaussianBlur(40))
    img = Image.composite(solid((w, h), (40, 36, 32)), img, shadow)
    d = ImageDraw.Draw(img)
    # Table with health workers.
    d.rectangle((w * 0.08, h * 0.58, w * 0.55, h * 0.62), fill=(90, 110, 150))
    for i in range(3):
        person(d, w * (0.14 + i * 0.15), h * 0.58, h * 0.1, (110, 170, 190))
    # Queue of plastic chairs and people.
    shirts = [
        (200, 60, 60),
        (40, 90, 160),
        (230, 200, 80),
        (60, 140, 90),
        (240, 240, 240),
        (150, 80, 140),
        (30, 30, 40),
    ]
    for row in range(5):
        y = h * (0.66 + row * 0.065)
        s = h * (0.1 + row * 0.02)
        for i in range(6 - row // 2):
            x = w * (0.1 + i * 0.17) + rng.uniform(-20, 20)
            d.rounded_rectangle(
                (x - s * 0.22, y - s * 0.35, x + s * 0.22, y + 4), radius=10, fill=(30, 80, 170)
            )
            person(d, x, y, s * 0.95, jitter(rng.choice(shirts), rng))
    return finish(img, rng, blur=1.6)


def scene_riverfront_boats(w: int, h: int, rng: random.Random) -> Image.Image:
    """Large landscape: long racing boats on the river at dusk, crowd on the bank."""
    horizon = int(h * 0.4)
    img = vgradient((w, horizon), (70, 60, 120), (246, 160, 90))
    img = img.resize((w, horizon))
    full = Image.new("RGB", (w, h))
    full.paste(img, (0, 0))
    img = clouds(full, rng, 0, horizon, (250, 180, 150), cover=150, strength=0.6)
    img = glow(img, (int(w * 0.62), horizon - 40), int(w * 0.22), (120, 70, 20), 1.0)
    d = ImageDraw.Draw(img)
    # Far bank skyline.
    x = 0
    while x < w:
        bw = rng.randint(60, 220)
        bh = rng.randint(30, 240) if rng.random() < 0.7 else rng.randint(240, 520)
        building(
            d,
            rng,
            (x, horizon - bh, x + bw, horizon + 10),
            (52, 44, 60),
            (70, 60, 70),
            cols=max(1, bw // 40),
            rows=max(1, bh // 50),
            lit=0.35,
        )
        x += bw + rng.randint(0, 30)
    # Water: sky reflection plus ripple streaks.
    water = img.crop((0, 0, w, horizon)).transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    water = water.resize((w, h - horizon)).filter(ImageFilter.GaussianBlur(18))
    water = ImageChops.multiply(water, solid(water.size, (150, 130, 130)))
    img.paste(water, (0, horizon))
    d = ImageDraw.Draw(img)
    for _ in range(1500):
        y = rng.uniform(horizon + 12, h)
        depth = (y - horizon) / (h - horizon)
        ln = rng.uniform(30, 260) * (0.3 + depth)
        x = rng.uniform(-100, w)
        col = (230, 150, 90) if rng.random() < 0.5 else (40, 34, 60)
        d.line((x, y, x + ln, y), fill=jitter(col, rng, 20), width=max(1, int(4 * depth)))
    # Racing boats with rows of oarsmen.
    hulls = [(170, 30, 30), (220, 170, 40), (30, 90, 170), (30, 130, 70)]
    for i, hull in enumerate(hulls):
        y = horizon + (h - horizon) * (0.22 + i * 0.16)
        length = w * (0.45 + i * 0.09)
        x0 = rng.uniform(-w * 0.1, w - length * 0.7)
        thick = int((30 + i * 16) * w / 4000)
        d.polygon(
            [
                (x0, y - thick * 1.8),
                (x0 + length * 0.05, y),
                (x0 + length * 0.95, y),
                (x0 + length, y - thick * 2.4),
                (x0 + length * 0.9, y - thick * 0.6),
                (x0 + length * 0.1, y - thick * 0.6),
            ],
            fill=hull,
        )
        for k in range(int(length // (thick * 1.6))):
            px = x0 + length * 0.08 + k * thick * 1.6
            if px > x0 + length * 0.92:
                break
            d.ellipse(
                (px - thick * 0.35, y - thick * 2.0, px + thick * 0.35, y - thick * 1.3),
                fill=(40, 30, 26),
            )
            d.rectangle(
                (px - thick * 0.3, y - thick * 1.4, px + thick * 0.3, y - thick * 0.6),
                fill=jitter((220, 60, 50) if i % 2 else (240, 230, 210), rng, 10),
            )
            d.line(
                (px, y - thick, px - thick * 1.2, y + thick * 1.2),
                fill=(60, 40, 30),
                width=max(2, thick // 6),
            )
    # Crowd on the near bank.
    bank = int(h * 0.86)
    d.rectangle((0, bank, w, h), fill=(36, 30, 36))
    crowd(
        d,
        rng,
        (0, bank - 20, w, h + 40),
        1400,
        26,
        [(210, 60, 60), (240, 240, 240), (40, 80, 160), (230, 190, 60), (30, 30, 30)],
    )
    return finish(img, rng, blur=2.0)


def scene_gold_mine(w: int, h: int, rng: random.Random) -> Image.Image:
    """Open-pit mine: ochre terraces, a green pool, forested hills, haul trucks."""
    horizon = int(h * 0.3)
    img = vgradient((w, h), (150, 180, 205), (215, 220, 215))
    img = clouds(img, rng, 0, horizon, (240, 240, 236), cover=130, strength=0.7)
    d = ImageDraw.Draw(img)
    land = Image.new("L", (w, h), 0)
    for layer, col in enumerate([(120, 140, 130), (80, 110, 80), (54, 86, 50)]):
        pts = [(0, h)]
        base = horizon + layer * 40
        for x in range(0, w + 30, 30):
            wave = 70 * math.sin(x / (260 + layer * 90) + layer)
            pts.append((x, base - wave - rng.randint(0, 8)))
        pts.append((w, h))
        d.polygon(pts, fill=col)
        if layer > 0:
            ImageDraw.Draw(land).polygon(pts, fill=255)
    forest = stretch(fractal_noise((w, h), rng, (120, 30, 10)), 80, 200)
    img = tint(ImageChops.multiply(forest, land), img, (30, 56, 30), 0.45)
    d = ImageDraw.Draw(img)
    cx, cy = w * 0.52, h * 0.68
    terraces = [
        (196, 150, 90),
        (176, 124, 70),
        (204, 164, 104),
        (160, 110, 62),
        (190, 140, 84),
        (150, 100, 58),
        (184, 132, 80),
        (140, 94, 56),
    ]
    for i, col in enumerate(terraces):
        rx, ry = w * (0.44 - i * 0.048), h * (0.3 - i * 0.032)
        off = i * 10
        d.ellipse((cx - rx, cy - ry + off, cx + rx, cy + ry + off), fill=shade(col, 0.86))
        d.ellipse((cx - rx + 12, cy - ry + off + 18, cx + rx - 12, cy + ry + off), fill=col)
    d.ellipse((cx - w * 0.07, cy + 50, cx + w * 0.07, cy + 120), fill=(70, 130, 120))
    dirt = stretch(fractal_noise((w, h), rng, (80, 24, 8)), 100, 220)
    pit = Image.new("L", (w, h), 0)
    ImageDraw.Draw(pit).ellipse(
        (cx - w * 0.44, cy - h * 0.3, cx + w * 0.44, cy + h * 0.3), fill=110
    )
    img = Image.composite(solid((w, h), (110, 76, 44)), img, ImageChops.multiply(pit, dirt))
    d = ImageDraw.Draw(img)
    for _ in range(9):
        a = rng.uniform(0, math.tau)
        ring = rng.randint(1, 6)
        rx, ry = w * (0.44 - ring * 0.048), h * (0.3 - ring * 0.032)
        tx, ty = cx + rx * 0.92 * math.cos(a), cy + ry * 0.92 * math.sin(a) + ring * 10
        d.rectangle((tx - 22, ty - 14, tx + 22, ty + 8), fill=(236, 190, 30))
        d.rectangle((tx + 8, ty - 24, tx + 22, ty - 12), fill=(60, 60, 64))
    return finish(img, rng, warmth=(255, 246, 228))


def scene_port(w: int, h: int, rng: random.Random) -> Image.Image:
    """Container terminal: stacks of coloured boxes, gantry cranes, sea and sky."""
    horizon = int(h * 0.5)
    img = vgradient((w, h), (110, 160, 210), (220, 226, 230))
    img = clouds(img, rng, 0, horizon, (250, 250, 250), cover=135)
    d = ImageDraw.Draw(img)
    sea = vgradient((w, int(h * 0.12)), (70, 110, 140), (40, 84, 110))
    img.paste(sea, (0, horizon))
    d = ImageDraw.Draw(img)
    for _ in range(300):
        y = rng.uniform(horizon, horizon + h * 0.12)
        x = rng.uniform(0, w)
        d.line((x, y, x + rng.uniform(20, 90), y), fill=(150, 180, 200), width=2)
    quay = int(horizon + h * 0.12)
    img.paste(vgradient((w, h - quay), (150, 148, 140), (110, 108, 104)), (0, quay))
    d = ImageDraw.Draw(img)
    # Ship hull at berth.
    d.polygon(
        [(w * 0.05, horizon - 40), (w * 0.62, horizon - 40), (w * 0.58, quay), (w * 0.08, quay)],
        fill=(40, 44, 52),
    )
    d.rectangle((w * 0.52, horizon - 220, w * 0.6, horizon - 40), fill=(236, 236, 232))
    colours = [
        (180, 40, 36),
        (30, 80, 150),
        (40, 120, 70),
        (220, 120, 30),
        (120, 120, 126),
        (200, 180, 40),
        (90, 40, 100),
        (236, 236, 232),
    ]
    for layer in range(3):
        y_base = quay + 40 + layer * h * 0.12
        cw, ch = 110 + layer * 40, 48 + layer * 16
        for stack in range(int(w // (cw * 6)) + 1):
            sx = stack * cw * 6 + rng.randint(0, 60) - layer * 50
            for c in range(5):
                for r in range(rng.randint(2, 5)):
                    col = jitter(rng.choice(colours), rng, 15)
                    x, y = sx + c * cw, y_base - (r + 1) * ch
                    d.rectangle((x, y, x + cw - 4, y + ch - 4), fill=col)
                    for k in range(1, 8):
                        xx = x + k * (cw - 4) / 8
                        d.line((xx, y + 3, xx, y + ch - 7), fill=shade(col, 0.75), width=2)
    # Containers on deck.
    for c in range(26):
        for r in range(rng.randint(1, 4)):
            x, y = w * 0.07 + c * 44, horizon - 40 - (r + 1) * 30
            if x < w * 0.5:
                d.rectangle((x, y, x + 40, y + 27), fill=jitter(rng.choice(colours), rng, 15))
    # Gantry cranes.
    for i in range(4):
        x = w * (0.1 + i * 0.15)
        col = (60, 120, 170) if i % 2 else (200, 60, 40)
        top = int(h * 0.12) + rng.randint(0, 60)
        d.line((x, quay, x, top), fill=col, width=22)
        d.line((x + 150, quay, x + 150, top), fill=col, width=22)
        d.line((x - 260, top + 30, x + 420, top + 30), fill=col, width=26)
        d.line((x, top, x + 150, top + 200), fill=col, width=10)
        d.line((x + 150, top, x, top + 200), fill=col, width=10)
        d.line((x - 200, top + 40, x - 200, horizon - 120), fill=(30, 30, 34), width=4)
    return finish(img, rng)


def scene_mekong(w: int, h: int, rng: random.Random) -> Image.Image:
    """Aerial view: a wide brown river curving between green fields and a sandbar."""
    fields = Image.new("RGB", (w, h), (90, 130, 60))
    d = ImageDraw.Draw(fields)
    greens = [
        (86, 128, 58),
        (120, 150, 70),
        (70, 110, 50),
        (150, 160, 90),
        (104, 140, 64),
        (170, 150, 100),
    ]
    step = 120
    for gy in range(-step, h + step, step):
        for gx in range(-step, w + step, step * 2):
            dx, dy = rng.randint(-30, 30), rng.randint(-20, 20)
            quad = [
                (gx + dx, gy + dy),
                (gx + step * 2 + dx, gy + dy + 10),
                (gx + step * 2 - dx, gy + step - dy),
                (gx - dx, gy + step + 10),
            ]
            d.polygon(quad, fill=jitter(rng.choice(greens), rng, 10), outline=(130, 120, 90))
    img = tint(
        stretch(fractal_noise((w, h), rng, (200, 50, 12)), 80, 210), fields, (50, 80, 40), 0.5
    )
    d = ImageDraw.Draw(img)

    def centre(y: float) -> float:
        return w * 0.5 + w * 0.22 * math.sin(y / h * math.pi * 1.3 + 0.6)

    left, right = [], []
    for y in range(-20, h + 40, 20):
        width = w * (0.26 + 0.05 * math.sin(y / 300))
        left.append((centre(y) - width / 2, y))
        right.append((centre(y) + width / 2, y))
    d.polygon(left + right[::-1], fill=(150, 118, 80))
    for y in range(-20, h + 40, 20):  # darker mid-channel
        c = centre(y)
        d.ellipse((c - w * 0.08, y - 30, c + w * 0.08, y + 30), fill=(128, 98, 68))
    for k in range(24):  # a long sandbar hugging the inside of the bend
        y = h * 0.42 + k * h * 0.012
        sx = centre(y) + w * 0.045
        r = w * 0.028 * math.sin(math.pi * (k + 0.5) / 24)
        d.ellipse((sx - r, y - 20, sx + r, y + 20), fill=(214, 196, 150))
    silt = stretch(fractal_noise((w, h), rng, (90, 30, 10)), 110, 200)
    river = Image.new("L", (w, h), 0)
    ImageDraw.Draw(river).polygon(left + right[::-1], fill=90)
    img = Image.composite(solid((w, h), (176, 140, 96)), img, ImageChops.multiply(river, silt))
    d = ImageDraw.Draw(img)
    for _ in range(5):  # boats with wakes
        y = rng.uniform(h * 0.1, h * 0.9)
        x = centre(y) + rng.uniform(-w * 0.04, w * 0.04)
        d.line((x - 6, y + 20, x - 34, y + 150), fill=(196, 170, 132), width=5)
        d.line((x + 6, y + 20, x + 34, y + 150), fill=(196, 170, 132), width=5)
        d.ellipse((x - 10, y - 28, x + 10, y + 28), fill=(240, 240, 236))
    # Riverside villages: small roofs along the banks.
    for side in (left, right):
        for x, y in side[::3]:
            for _ in range(3):
                px, py = x + rng.uniform(-160, 160), y + rng.uniform(-30, 30)
                if abs(px - centre(py)) > w * 0.16:
                    col = rng.choice([(170, 60, 40), (200, 200, 200), (120, 80, 60)])
                    d.rectangle((px, py, px + 26, py + 18), fill=col)
    img = clouds(img, rng, 0, h // 3, (245, 245, 245), cover=190, strength=0.5)
    return finish(img, rng, blur=1.8, vignette=0.25)


def scene_floods(w: int, h: int, rng: random.Random) -> Image.Image:
    """Overcast street of shophouses standing in brown floodwater."""
    waterline = int(h * 0.6)
    img = vgradient((w, h), (150, 156, 160), (205, 206, 204))
    img = clouds(img, rng, 0, int(h * 0.4), (120, 124, 130), cover=100, strength=0.7)
    d = ImageDraw.Draw(img)
    facades = [
        (226, 200, 120),
        (200, 120, 100),
        (170, 190, 170),
        (236, 232, 220),
        (150, 170, 200),
        (220, 170, 150),
    ]
    x = -20
    while x < w:
        bw = rng.randint(220, 340)
        top = int(h * rng.uniform(0.12, 0.3))
        wall = jitter(rng.choice(facades), rng, 10)
        d.rectangle((x, top, x + bw, waterline + 20), fill=wall)
        for fl in range(3):
            fy = top + 40 + fl * (waterline - top) // 3
            d.rectangle((x + 20, fy, x + bw - 20, fy + 90), fill=(60, 64, 70))
            d.rectangle((x + 10, fy + 100, x + bw - 10, fy + 112), fill=shade(wall, 0.7))
            for k in range(6):
                bx = x + 20 + k * (bw - 40) / 5
                d.line((bx, fy + 100, bx, fy + 70), fill=shade(wall, 0.6), width=4)
        d.rectangle((x, top - 24, x + bw, top), fill=shade(wall, 0.8))
        d.line((x + bw, top, x + bw, waterline), fill=(40, 40, 40), width=3)
        x += bw
    for _ in range(4):  # overhead cables
        y0, y1 = rng.randint(int(h * 0.1), int(h * 0.3)), rng.randint(int(h * 0.1), int(h * 0.3))
        d.line((0, y0, w, y1), fill=(30, 30, 30), width=3)
    # Muddy water with the street reflected in it.
    refl = img.crop((0, waterline - (h - waterline), w, waterline))
    refl = refl.transpose(Image.Transpose.FLIP_TOP_BOTTOM).filter(ImageFilter.GaussianBlur(10))
    muddy = Image.blend(refl, solid(refl.size, (132, 104, 70)), 0.62)
    img.paste(muddy, (0, waterline))
    d = ImageDraw.Draw(img)
    for _ in range(900):
        y = rng.uniform(waterline, h)
        x = rng.uniform(-50, w)
        d.line(
            (x, y, x + rng.uniform(20, 140), y),
            fill=jitter((170, 140, 100) if rng.random() < 0.6 else (90, 70, 50), rng, 12),
            width=2,
        )
    # A boat ferrying people and a wading figure.
    bx, by = w * 0.3, h * 0.8
    d.polygon(
        [(bx, by), (bx + 520, by), (bx + 480, by + 60), (bx + 40, by + 60)], fill=(60, 90, 140)
    )
    for k in range(4):
        person(d, bx + 80 + k * 110, by + 10, 230, jitter((200, 60, 50), rng, 60))
    person(d, w * 0.75, h * 0.88, 360, (230, 230, 226))
    d.rectangle((w * 0.75 - 70, h * 0.88 - 120, w * 0.75 + 70, h * 0.88 + 20), fill=(128, 100, 68))
    return finish(img, rng, warmth=(240, 244, 250))


def scene_stadium(w: int, h: int, rng: random.Random) -> Image.Image:
    """Night match: floodlit pitch, packed stands, players in red and blue."""
    img = vgradient((w, h), (10, 14, 34), (40, 44, 70))
    d = ImageDraw.Draw(img)
    stand_top, stand_bottom = int(h * 0.16), int(h * 0.5)
    d.polygon(
        [(0, stand_bottom), (0, stand_top + 60), (w, stand_top), (w, stand_bottom)],
        fill=(34, 34, 40),
    )
    crowd(
        d,
        rng,
        (0, stand_top + 40, w, stand_bottom),
        5000,
        9,
        [(200, 30, 40), (230, 230, 230), (30, 60, 160), (30, 30, 34), (240, 200, 50)],
    )
    for y in range(stand_top + 60, stand_bottom, 70):
        d.line((0, y, w, y - 20), fill=(70, 70, 76), width=4)
    d.rectangle((0, stand_bottom - 30, w, stand_bottom), fill=(180, 30, 40))
    pitch = [(-w * 0.3, h), (w * 0.04, stand_bottom), (w * 0.96, stand_bottom), (w * 1.3, h)]
    d.polygon(pitch, fill=(50, 130, 50))
    for i in range(9):  # mowing stripes
        t0, t1 = i / 9, (i + 0.5) / 9
        y0 = stand_bottom + (h - stand_bottom) * t0**1.4
        y1 = stand_bottom + (h - stand_bottom) * t1**1.4
        d.rectangle((0, y0, w, y1), fill=(60, 146, 58))
    d.polygon(pitch, outline=(230, 240, 230), width=6)
    mid = stand_bottom + (h - stand_bottom) * 0.42
    d.line((0, mid, w, mid), fill=(230, 240, 230), width=6)
    d.ellipse((w * 0.38, mid - 90, w * 0.62, mid + 90), outline=(230, 240, 230), width=6)
    for i in range(14):
        x = rng.uniform(w * 0.1, w * 0.9)
        t = rng.uniform(0.1, 0.9)
        y = stand_bottom + (h - stand_bottom) * t
        person(
            d, x, y, 60 + 220 * t, (200, 30, 40) if i % 2 else (30, 60, 170), skin=(170, 120, 90)
        )
    d.ellipse((w * 0.55 - 14, h * 0.7 - 14, w * 0.55 + 14, h * 0.7 + 14), fill=(250, 250, 250))
    for x in (w * 0.08, w * 0.5, w * 0.92):  # floodlights
        img = glow(img, (int(x), int(h * 0.06)), int(w * 0.16), (200, 200, 170), 0.9)
        d = ImageDraw.Draw(img)
        d.rectangle((x - 90, h * 0.04, x + 90, h * 0.09), fill=(250, 250, 235))
    return finish(img, rng, blur=1.5, vignette=0.45)


def scene_kun_khmer(w: int, h: int, rng: random.Random) -> Image.Image:
    """Portrait: two fighters under spotlights in a roped ring, dark crowd behind."""
    img = vgradient((w, h), (12, 10, 16), (30, 24, 30))
    d = ImageDraw.Draw(img)
    crowd(
        d,
        rng,
        (0, h * 0.3, w, h * 0.56),
        900,
        22,
        [(50, 40, 40), (80, 70, 60), (110, 30, 30), (40, 50, 80)],
    )
    for _ in range(60):  # phone screens and bokeh
        x, y, r = rng.uniform(0, w), rng.uniform(h * 0.25, h * 0.55), rng.uniform(6, 30)
        d.ellipse((x - r, y - r, x + r, y + r), fill=jitter((170, 170, 200), rng, 40))
    ring_top = int(h * 0.56)
    d.polygon(
        [(-w * 0.2, h), (w * 0.06, ring_top), (w * 0.94, ring_top), (w * 1.2, h)],
        fill=(40, 70, 150),
    )
    d.polygon(
        [(w * 0.1, h), (w * 0.3, ring_top), (w * 0.7, ring_top), (w * 0.9, h)], fill=(210, 210, 214)
    )
    for i, col in enumerate([(200, 30, 40), (240, 240, 240), (30, 60, 170)]):
        y = ring_top - 90 - i * 110
        d.line((0, y + 40, w, y), fill=col, width=16)
    for x in (w * 0.06, w * 0.94):
        d.rectangle((x - 24, ring_top - 420, x + 24, ring_top), fill=(190, 30, 40))
    skin = [(168, 112, 78), (140, 92, 64)]
    shorts = [(200, 30, 40), (30, 60, 170)]
    for i, x in enumerate((w * 0.36, w * 0.64)):
        base = h * 0.86
        s = h * 0.42
        d.polygon(
            [
                (x - s * 0.1, base - s * 0.72),
                (x + s * 0.1, base - s * 0.72),
                (x + s * 0.08, base - s * 0.42),
                (x - s * 0.08, base - s * 0.42),
            ],
            fill=skin[i],
        )
        d.rectangle((x - s * 0.1, base - s * 0.44, x + s * 0.1, base - s * 0.3), fill=shorts[i])
        d.line((x - s * 0.06, base - s * 0.3, x - s * 0.1, base), fill=skin[i], width=int(s * 0.06))
        d.line(
            (x + s * 0.06, base - s * 0.3, x + s * 0.14, base - s * 0.02),
            fill=skin[i],
            width=int(s * 0.06),
        )
        d.ellipse((x - s * 0.07, base - s * 0.88, x + s * 0.07, base - s * 0.72), fill=skin[i])
        sign = 1 if i == 0 else -1
        gx = x + sign * s * 0.2
        d.line(
            (x + sign * s * 0.08, base - s * 0.66, gx, base - s * 0.74),
            fill=skin[i],
            width=int(s * 0.05),
        )
        d.ellipse((gx - s * 0.05, base - s * 0.8, gx + s * 0.05, base - s * 0.7), fill=shorts[i])
        d.ellipse(
            (x - s * 0.08, base - s * 0.9, x + s * 0.08, base - s * 0.86), fill=(230, 220, 200)
        )  # mongkol-style headband
    img = glow(img, (int(w * 0.5), int(h * 0.62)), int(w * 0.7), (120, 110, 90), 0.9)
    img = glow(img, (int(w * 0.5), 0), int(w * 0.5), (60, 60, 60), 0.8)
    return finish(img, rng, blur=1.3, vignette=0.55, warmth=(255, 240, 226))


def scene_street_market(w: int, h: int, rng: random.Random) -> Image.Image:
    """Portrait: a busy street in perspective, shophouses, awnings, traffic."""
    img = vgradient((w, h), (160, 190, 220), (230, 228, 220))
    vx, vy = w * 0.52, h * 0.4
    d = ImageDraw.Draw(img)
    road = [(vx - 40, vy), (vx + 40, vy), (w * 1.4, h), (-w * 0.4, h)]
    d.polygon(road, fill=(92, 92, 96))
    asphalt = stretch(fractal_noise((w, h), rng, (60, 16, 6)), 90, 210)
    m = Image.new("L", (w, h), 0)
    ImageDraw.Draw(m).polygon(road, fill=120)
    img = Image.composite(solid((w, h), (60, 60, 64)), img, ImageChops.multiply(m, asphalt))
    d = ImageDraw.Draw(img)
    facades = [(236, 220, 180), (210, 170, 140), (190, 200, 190), (240, 236, 226), (200, 180, 210)]
    for side in (-1, 1):
        edge_x = 0 if side < 0 else w
        for k in range(12):
            t0, t1 = k / 12, (k + 1) / 12
            xa = vx + (edge_x - vx) * t0**1.6 - side * 60
            xb = vx + (edge_x - vx) * t1**1.6 - side * 60
            top_a, top_b = vy - (vy - h * 0.05) * t0**1.6, vy - (vy - h * 0.05) * t1**1.6
            bot_a, bot_b = vy + (h * 0.9 - vy) * t0**1.6, vy + (h * 0.9 - vy) * t1**1.6
            col = jitter(rng.choice(facades), rng, 10)
            d.polygon([(xa, top_a), (xb, top_b), (xb, bot_b), (xa, bot_a)], fill=col)
            # Awning over the stall.
            aw = [
                (xa, bot_a - (bot_a - top_a) * 0.28),
                (xb, bot_b - (bot_b - top_b) * 0.28),
                (xb - side * 60 * t1, bot_b - (bot_b - top_b) * 0.18),
                (xa - side * 60 * t0, bot_a - (bot_a - top_a) * 0.18),
            ]
            d.polygon(
                aw, fill=rng.choice([(200, 40, 40), (40, 100, 180), (230, 170, 40), (60, 150, 90)])
            )
            for _ in range(6):  # goods on display
                gx = xa + (xb - xa) * rng.random()
                gy = bot_a - (bot_a - top_a) * rng.uniform(0.02, 0.15)
                r = 6 + 30 * t1
                d.ellipse(
                    (gx - r, gy - r, gx + r, gy + r),
                    fill=jitter(
                        rng.choice([(240, 150, 40), (200, 40, 40), (90, 160, 60), (240, 220, 120)]),
                        rng,
                        20,
                    ),
                )
            for j in range(3):  # windows
                wy = top_a + (bot_a - top_a) * (0.12 + j * 0.18)
                wy2 = top_b + (bot_b - top_b) * (0.12 + j * 0.18)
                d.polygon(
                    [
                        (xa + (xb - xa) * 0.2, wy),
                        (xa + (xb - xa) * 0.8, wy2),
                        (xa + (xb - xa) * 0.8, wy2 + 40 * t1 + 6),
                        (xa + (xb - xa) * 0.2, wy + 40 * t0 + 6),
                    ],
                    fill=(70, 74, 80),
                )
    for _ in range(6):  # overhead cables
        d.line(
            (0, rng.uniform(h * 0.1, h * 0.3), w, rng.uniform(h * 0.1, h * 0.3)),
            fill=(30, 30, 30),
            width=3,
        )
    # Motorbikes and riders, nearer ones bigger.
    for _ in range(40):
        t = rng.random() ** 0.7
        y = vy + (h - vy) * t
        x = vx + (rng.uniform(-0.5, 0.5) * w * 1.4) * t
        s = 30 + 420 * t
        d.ellipse((x - s * 0.25, y - s * 0.08, x - s * 0.05, y + s * 0.1), fill=(20, 20, 22))
        d.ellipse((x + s * 0.05, y - s * 0.08, x + s * 0.25, y + s * 0.1), fill=(20, 20, 22))
        d.rounded_rectangle(
            (x - s * 0.22, y - s * 0.2, x + s * 0.22, y),
            radius=s * 0.05,
            fill=jitter((150, 30, 40), rng, 80),
        )
        person(
            d,
            x,
            y - s * 0.05,
            s * 0.9,
            jitter((80, 80, 120), rng, 80),
            hair=jitter((200, 200, 200), rng, 50),
        )
    return finish(img, rng, blur=1.5)


# --------------------------------------------------------------------------- catalogue

Scene = Callable[[int, int, random.Random], Image.Image]

PHOTOS: list[tuple[str, Scene, tuple[int, int], int]] = [
    ("geneva-mission.jpg", scene_geneva_mission, (2400, 1600), 101),
    ("vaccination-tent.jpg", scene_vaccination_tent, (1600, 2400), 102),
    ("riverfront-boats.jpg", scene_riverfront_boats, (4000, 3000), 103),
    ("okvau-gold-mine.jpg", scene_gold_mine, (2400, 1600), 104),
    ("sihanoukville-port.jpg", scene_port, (2400, 1600), 105),
    ("mekong-aerial.jpg", scene_mekong, (2400, 1600), 106),
    ("central-vietnam-floods.jpg", scene_floods, (2400, 1600), 107),
    ("olympic-stadium.jpg", scene_stadium, (2400, 1600), 108),
    ("kun-khmer-ring.jpg", scene_kun_khmer, (1600, 2400), 109),
    ("phnom-penh-street.jpg", scene_street_market, (1600, 2400), 110),
]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--only", nargs="*", help="file names to (re)generate")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    total = 0
    for name, scene, (w, h), seed in PHOTOS:
        if args.only and name not in args.only:
            continue
        img = scene(w, h, random.Random(seed)).convert("RGB")
        path = args.out / name
        img.save(path, "JPEG", quality=QUALITY)
        size = path.stat().st_size
        total += size
        print(f"{name:28s} {w}x{h}  {size / 1024:7.0f} KiB")
    print(f"{'total':28s} {'':9s}  {total / 1024:7.0f} KiB")


if __name__ == "__main__":
    main()
