"""compiler.content.photos: refuse what would hurt the build, then make reproducible renditions."""

from __future__ import annotations

import io
import struct
import threading
import zlib
from pathlib import Path

import pytest
from PIL import Image

from compiler.content.photos import MAX_PIXELS, PRINT, SCREEN, load_photo, rendition
from compiler.diagnostics import Severity
from support import make_photo


def png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose IHDR claims width x height, with a tiny IDAT: nothing is allocated."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
        + chunk(b"IEND", b"")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def load(content, src: str, **spec):
    story = content.root / "stories" / "story.md"
    return load_photo({"src": src, **spec}, story, content.root, 7)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_a_good_photo_loads_with_its_size_and_texts(content):
    path = content.photo("river.jpg", size=(1200, 800))
    photo, problems = load(
        content,
        "../images/river.jpg",
        caption=" Boats  on the river ",
        credit="Staff",
        alt="Wooden boats moored at a jetty",
    )
    assert problems == []
    assert photo.source == path.resolve()
    assert (photo.width, photo.height) == (1200, 800)
    assert photo.caption == "Boats on the river"
    assert photo.alt == "Wooden boats moored at a jetty"


def test_missing_photo_is_p001(content):
    photo, problems = load(content, "../images/absent.jpg", alt="x")
    assert photo is None
    assert codes(problems) == ["P001"]
    assert problems[0].line == 7
    assert problems[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    "src",
    [
        "../../outside.jpg",
        "/etc/hostname",
        "https://example.com/photo.jpg",
        "file:///etc/hostname",
        "data:image/png;base64,iVBORw0KGgo=",
    ],
)
def test_photo_outside_the_content_folder_is_p002(content, src):
    outside = content.root.parent / "outside.jpg"
    Image.new("RGB", (10, 10)).save(outside, "JPEG")
    photo, problems = load(content, src, alt="x")
    assert photo is None
    assert codes(problems) == ["P002"]


def test_symlink_pointing_outside_is_p002(content):
    outside = content.root.parent / "secret.jpg"
    Image.new("RGB", (10, 10)).save(outside, "JPEG")
    (content.root / "images" / "innocent.jpg").symlink_to(outside)
    photo, problems = load(content, "../images/innocent.jpg", alt="x")
    assert photo is None
    assert codes(problems) == ["P002"]


def test_symlinked_folder_pointing_outside_is_p002(content):
    outside = content.root.parent / "elsewhere"
    outside.mkdir()
    Image.new("RGB", (10, 10)).save(outside / "a.jpg", "JPEG")
    (content.root / "images" / "linked").symlink_to(outside, target_is_directory=True)
    photo, problems = load(content, "../images/linked/a.jpg", alt="x")
    assert photo is None
    assert codes(problems) == ["P002"]


def test_symlink_inside_the_content_folder_is_fine(content):
    real = content.photo("real.jpg", size=(40, 30))
    (content.root / "images" / "alias.jpg").symlink_to(real)
    photo, problems = load(content, "../images/alias.jpg", alt="x")
    assert problems == []
    assert photo.source == real.resolve()


def corrupt(path: Path) -> None:
    path.write_bytes(b"this is not an image at all" * 10)


def truncated_jpeg(path: Path) -> None:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "JPEG", quality=90)
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 2])


def truncated_png(path: Path) -> None:
    buffer = io.BytesIO()
    Image.effect_noise((400, 300), 60).convert("RGB").save(buffer, "PNG")
    path.write_bytes(buffer.getvalue()[: len(buffer.getvalue()) // 3])


def empty(path: Path) -> None:
    path.write_bytes(b"")


def bmp(path: Path) -> None:
    Image.new("RGB", (10, 10)).save(path, "BMP")


@pytest.mark.parametrize("make", [corrupt, truncated_jpeg, truncated_png, empty, bmp])
def test_undecodable_photo_is_p003(content, make):
    path = content.root / "images" / "bad.jpg"
    make(path)
    photo, problems = load(content, "../images/bad.jpg", alt="x")
    assert photo is None
    assert codes(problems) == ["P003"]


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    "width, height",
    [
        (100_000, 100_000),  # far over: Pillow's own bomb check
        (8_000, 7_000),  # just over MAX_PIXELS: our check
    ],
)
def test_photo_over_the_pixel_limit_is_p004_without_decoding(content, width, height):
    assert width * height > MAX_PIXELS
    path = png_header_only(content.root / "images" / "huge.png", width, height)
    assert path.stat().st_size < 200
    photo, problems = load(content, "../images/huge.png", alt="x")
    assert photo is None
    assert codes(problems) == ["P004"]
    assert problems[0].severity is Severity.WARNING


@pytest.mark.parametrize(
    "make, words",
    [
        (empty, "bad.jpg: the file is empty (0 bytes)"),
        (corrupt, "bad.jpg: the file is not a JPEG, PNG, WebP or GIF image"),
        (truncated_jpeg, "bad.jpg: the file ends before the image does (it is truncated)"),
        (truncated_png, "bad.jpg: the file ends before the image does (it is truncated)"),
        (bmp, "bad.jpg: BMP is not supported (use JPEG, PNG, WebP or GIF)"),
    ],
)
def test_undecodable_photo_says_what_is_wrong_in_words_not_python(content, make, words):
    make(content.root / "images" / "bad.jpg")
    _, problems = load(content, "../images/bad.jpg", alt="x")
    message = problems[0].format(content.root)
    assert words in message
    for internal in ("<_io.", "BytesIO", "0x", "cannot identify image file"):
        assert internal not in message


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    "width, height, words",
    [
        (20_000, 20_000, "huge.png: 400 megapixels, over the 50-megapixel limit"),  # Pillow's
        (8_000, 7_000, "huge.png: 56 megapixels (8000x7000), over the 50-megapixel limit"),
    ],
)
def test_photo_over_the_pixel_limit_names_its_size_and_the_limit_enforced(content, width,
                                                                          height, words):
    assert MAX_PIXELS == 50_000_000  # the limit the README states
    png_header_only(content.root / "images" / "huge.png", width, height)
    _, problems = load(content, "../images/huge.png", alt="x")
    message = problems[0].format(content.root)
    assert codes(problems) == ["P004"]
    assert words in message
    for pillows in ("100000000", "decompression bomb", "Image size"):
        assert pillows not in message


def test_missing_alt_falls_back_to_the_caption_with_p005(content):
    content.photo("a.jpg")
    photo, problems = load(content, "../images/a.jpg", caption="Fishermen mend their nets")
    assert photo.alt == "Fishermen mend their nets"
    assert codes(problems) == ["P005"]
    assert problems[0].severity is Severity.WARNING


def test_missing_src_is_s005(content):
    photo, problems = load(content, "", alt="x")
    assert photo is None
    assert codes(problems) == ["S005"]


def photo_of(content, name, size, **kwargs):
    content.photo(name, size=size, **kwargs)
    photo, problems = load(content, f"../images/{name}", alt="x")
    assert problems == []
    return photo


@pytest.mark.parametrize(
    "size, wanted", [((3000, 2000), SCREEN), ((1000, 2400), SCREEN), ((5000, 800), PRINT)]
)
def test_rendition_long_side_is_at_most_the_limit_and_keeps_the_shape(content, size, wanted):
    limit = wanted.long_side
    photo = photo_of(content, "big.jpg", size)
    with Image.open(io.BytesIO(rendition(photo, wanted))) as image:
        assert image.format == "JPEG"
        assert max(image.size) == limit
        assert abs(image.size[0] / image.size[1] - size[0] / size[1]) < 0.01


def test_small_photos_are_not_enlarged(content):
    photo = photo_of(content, "small.jpg", (300, 200))
    for wanted in (PRINT, SCREEN):
        with Image.open(io.BytesIO(rendition(photo, wanted))) as image:
            assert image.size == (300, 200)


def test_rendition_is_reproducible_and_cached(content, tmp_path):
    photo = photo_of(content, "repro.jpg", (3000, 1500))
    first = rendition(photo, SCREEN)
    assert rendition(photo, SCREEN) == first
    cache = tmp_path / "cache"
    assert rendition(photo, SCREEN, cache) == first
    assert len(list(cache.glob("*.jpg"))) == 2, "one decode leaves both copies"
    assert rendition(photo, SCREEN, cache) == first
    assert rendition(photo, PRINT, cache) == rendition(photo, PRINT)
    assert rendition(photo, PRINT) != first


def test_threads_asking_for_one_photo_share_one_decode(content, tmp_path, monkeypatch):
    from compiler.content import photos as images

    photo = photo_of(content, "shared.jpg", (3000, 2000))
    decodes = []
    real_chain = images._chain
    monkeypatch.setattr(images, "_chain", lambda data: decodes.append(1) or real_chain(data))
    cache = tmp_path / "cache"
    results = []
    threads = [threading.Thread(target=lambda w=w: results.append(rendition(photo, w, cache)))
               for w in (PRINT, SCREEN, PRINT, SCREEN)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(decodes) == 1
    assert sorted(set(results)) == sorted({rendition(photo, PRINT), rendition(photo, SCREEN)})


def test_rendition_strips_metadata_and_applies_orientation(content):
    path = content.root / "images" / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise when shown
    exif[0x010F] = "Secret Camera Maker"
    Image.new("RGB", (400, 200), (200, 30, 30)).save(path, "JPEG", exif=exif)
    photo, _ = load(content, "../images/rotated.jpg", alt="x")
    data = rendition(photo, SCREEN)
    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (200, 400)
        assert 0x0112 not in image.getexif()
    assert b"Secret Camera Maker" not in data


def test_transparent_png_becomes_an_rgb_jpeg_on_white(content):
    path = content.root / "images" / "logo.png"
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(path, "PNG")
    photo, _ = load(content, "../images/logo.png", alt="x")
    with Image.open(io.BytesIO(rendition(photo, PRINT))) as image:
        assert image.mode == "RGB"
        assert min(image.getpixel((25, 25))) > 240


def test_a_photo_changed_after_its_check_is_not_cached_under_the_old_content(content, tmp_path):
    photo = photo_of(content, "swap.jpg", (900, 600))
    cache = tmp_path / "cache"
    make_photo(photo.source, size=(600, 900))  # replaced while the build runs
    with Image.open(io.BytesIO(rendition(photo, SCREEN, cache))) as image:
        assert image.size == (600, 900), "the copy shows what is on disk now"
    assert not list(cache.glob("*.jpg")), "nothing stored under the checked file's digest"


def test_photos_with_copies_in_the_cache_are_checked_without_decoding(content, tmp_path,
                                                                      monkeypatch):
    from compiler.content import photos as images

    cache = tmp_path / "build-cache"
    photo = photo_of(content, "known.jpg", (1200, 800))
    assert images.decoded_before(cache) == frozenset()
    rendition(photo, PRINT, cache / images.COPIES_FOLDER)
    known = images.decoded_before(cache)
    assert known == {photo.digest}

    loads = []
    real_load = Image.Image.load
    monkeypatch.setattr(Image.Image, "load", lambda self: loads.append(1) or real_load(self))
    again, problems = load_photo({"src": "../images/known.jpg", "alt": "x"},
                                 content.root / "stories" / "story.md", content.root, 7, known)
    assert problems == [] and (again.width, again.height) == (1200, 800)
    assert loads == [], "bytes that decoded whole before are not decoded again"
    load(content, "../images/known.jpg", alt="x")
    assert loads, "without the cache the photo is decoded to check it"


def test_a_truncated_photo_is_caught_even_when_its_name_was_known(content, tmp_path):
    from compiler.content import photos as images

    cache = tmp_path / "build-cache"
    photo = photo_of(content, "later-cut.jpg", (1200, 800))
    rendition(photo, PRINT, cache / images.COPIES_FOLDER)
    truncated_jpeg(photo.source)  # same file name, other (broken) bytes
    again, problems = load_photo({"src": "../images/later-cut.jpg", "alt": "x"},
                                 content.root / "stories" / "story.md", content.root, 7,
                                 images.decoded_before(cache))
    assert again is None and codes(problems) == ["P003"]


def test_print_copies_are_linked_from_the_cache_not_written_again(content, tmp_path):
    from compiler.pdf.photos import PHOTO_FOLDER, PHOTO_NAME, PrintPhotos

    photo = photo_of(content, "linked.jpg", (3000, 2000))
    cache = tmp_path / "copies"
    for work in (tmp_path / "night-1", tmp_path / "night-2"):
        photos = PrintPhotos(work, cache, [photo])
        photos.wait()
        photos.close()
        name = photos.url(photo).split(":", 1)[1]
        assert PHOTO_NAME.match(name)
        built, cached = work / PHOTO_FOLDER / name, cache / name
        assert built.stat().st_ino == cached.stat().st_ino, "one file, two names"
    with Image.open(built) as image:
        assert max(image.size) == PRINT.long_side


def test_a_photo_changed_before_its_print_copy_is_printed_but_not_cached(content, tmp_path):
    from compiler.pdf.photos import PHOTO_FOLDER, PrintPhotos

    photo = photo_of(content, "changing.jpg", (900, 600))
    make_photo(photo.source, size=(600, 900))  # replaced after the check, before the copy
    cache = tmp_path / "copies"
    photos = PrintPhotos(tmp_path / "work", cache, [photo])
    photos.wait()
    photos.close()
    built = tmp_path / "work" / PHOTO_FOLDER / photos.url(photo).split(":", 1)[1]
    with Image.open(built) as image:
        assert image.size == (600, 900), "the part prints what is on disk now"
    assert not list(cache.glob("*.jpg")), "nothing cached under the checked bytes' digest"
