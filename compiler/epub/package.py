"""Edition -> EPUB 3 (with an NCX for older readers), packed reproducibly.

ebooklib rebuilds EpubHtml documents through its own parser and turns one that
will not parse into an empty file without a word, so content documents here
are plain EpubItems rendered by our templates and checked with lxml first.
``pack_epub`` stops one step short of the zip (``container.Packed``): the
print page-list is added once the PDF knows its pages, then it is zipped.

Khmer has no spaces between words, and KOReader's line breaker (libunibreak)
and Kobo's Adobe renderer have no Khmer dictionary, so a Khmer line finds no
place to wrap. The text of every Khmer run in the pages' bodies gets U+200B at
the word boundaries ICU finds (``compiler.text.khmer``), as the PDF does; never
in attributes, the head, the nav or the package metadata, which readers show
in their own menus or use for search and sorting.
"""

from __future__ import annotations

import io
import math
import re
from dataclasses import dataclass

from ebooklib import epub
from lxml import etree

from compiler.content.photos import SCREEN, rendition
from compiler.epub import metadata
from compiler.epub.container import Packed, read_zip
from compiler.epub.cover import cover_jpeg
from compiler.epub.subset import subset_font
from compiler.model import Edition, Photo, Story
from compiler.resources import LAYOUTS_DIR
from compiler.text import khmer
from compiler.text.dates import long_date
from compiler.text.fonts import FACES, font_face_css, in_edition
from compiler.text.labels import labels
from compiler.text.numerals import digits, primary
from compiler.text.templates import Links, context, environment

XHTML = "application/xhtml+xml"
ACCESSIBILITY = [
    ("schema:accessMode", "textual"),
    ("schema:accessMode", "visual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityFeature", "alternativeText"),
    ("schema:accessibilityFeature", "displayTransformability"),
    ("schema:accessibilityHazard", "none"),
]
"""And schema:accessibilitySummary, which readers show: in the edition's language
(compiler/text/labels.py)."""


@dataclass
class _Photos:
    """Screen renditions, each added to the book once."""

    book: epub.EpubBook
    cache_dir: object
    names: dict

    def url(self, photo: Photo) -> str:
        key = str(photo.source)
        if key not in self.names:
            name = f"images/photo-{len(self.names) + 1:03d}.jpg"
            data = rendition(photo, SCREEN, self.cache_dir)
            self.book.add_item(epub.EpubImage(uid=f"img-{len(self.names) + 1:03d}",
                                              file_name=name, media_type="image/jpeg",
                                              content=data))
            self.names[key] = name
        return self.names[key]


def _document(uid: str, file_name: str, title: str, xhtml: str) -> tuple[epub.EpubItem, str]:
    """Parse before packing: a document that is not well-formed XML must fail loudly.
    The one parse also gives the page's visible text, for the font subsets."""
    content = with_khmer_breaks(xhtml).encode("utf-8")
    visible_text = "".join(etree.fromstring(content).itertext())
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type=XHTML, content=content)
    item.title = title
    return item, visible_text


def with_khmer_breaks(xhtml: str) -> str:
    """U+200B between Khmer words in the text of the body, and nowhere else: the head
    (title), the attributes and the markup come back byte for byte."""
    head, marker, body = xhtml.partition("<body")
    if not marker or not khmer.has_khmer(body):
        return xhtml
    return head + marker + khmer.break_html(body)


WORDS_PER_MINUTE = 200
_TAG = re.compile(r"<[^>]+>")


def reading_minutes(story: Story) -> int:
    """Whole minutes at 200 words a minute, at least one. Khmer words are ICU's word
    segments that hold Khmer letters (the text has no spaces to count)."""
    text = " ".join((story.headline, story.standfirst, _TAG.sub(" ", story.body_html)))
    words = 0
    for chunk in text.split():
        if khmer.has_khmer(chunk):
            words += sum(1 for piece in khmer.segment(chunk) if khmer.has_khmer(piece))
        else:
            words += 1
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


STORY_END = {
    "en": {"story_end": "End of story", "next": "Next:", "section": "Section:",
           "minutes": "{n} min read", "last": "Last story of the edition"},
    "km": {"story_end": "ចប់អត្ថបទ", "next": "បន្ទាប់៖", "section": "ផ្នែក៖",
           "minutes": "អានរយៈពេល {n} នាទី", "last": "អត្ថបទចុងក្រោយនៃលេខនេះ"},
}
"""The words at a story's end (EPUB only), in the edition's language."""


def story_end_words(language: str) -> dict:
    return STORY_END.get(language.split("-")[0].lower(), STORY_END["en"])


def _language_css(language: str) -> str:
    """What an edition in ``language`` adds to the reader CSS (``reader-km.css``: Khmer
    display type), so the other editions' books stay as they were."""
    extra = LAYOUTS_DIR / "epub" / f"reader-{primary(language)}.css"
    return extra.read_text(encoding="utf-8") if extra.is_file() else ""


def build_epub(edition: Edition, cache_dir=None, font_cache=None) -> bytes:
    """The EPUB without a page-list, zipped: for callers with no PDF to number it."""
    return pack_epub(edition, cache_dir, font_cache).zip()


def pack_epub(edition: Edition, cache_dir=None, font_cache=None) -> Packed:
    config = edition.config
    book = epub.EpubBook()
    book.set_identifier(edition.identifier)
    date_long = long_date(edition.date, config.language)
    book.set_title(f"{config.title}, {date_long}")
    book.set_language(config.language)
    book.add_author(config.publisher or config.title)
    if config.publisher:
        book.add_metadata("DC", "publisher", config.publisher)
    book.add_metadata("DC", "date", edition.date.isoformat())
    words = labels(config.language)
    book.add_metadata("DC", "description", words.description.format(
        title=config.title, date=date_long, lead=edition.lead.headline))
    for section in edition.sections:
        book.add_metadata("DC", "subject", section.title)
    for prop, value in ACCESSIBILITY:
        book.add_metadata(None, "meta", value, {"property": prop})
    book.add_metadata(None, "meta", words.accessibility_summary,
                      {"property": "schema:accessibilitySummary"})
    metadata.add_series(book, edition)

    photos = _Photos(book, cache_dir, {})
    links = Links(photo=photos.url, story=lambda story: story.file_name)
    env = environment("epub")
    ctx = context(edition, links)
    texts: list[str] = []  # each page's visible text, in spine order

    def page(template: str, uid: str, file_name: str, title: str, lang: str, **extra):
        xhtml = env.get_template(template).render(ctx, page_title=title, lang=lang, **extra)
        item, visible_text = _document(uid, file_name, title, xhtml)
        texts.append(visible_text)
        book.add_item(item)
        return item

    book.set_cover("images/cover.jpg", cover_jpeg(edition, cache_dir), create_page=False)
    words = labels(config.language)
    end_words = story_end_words(config.language)
    cover = page("cover.xhtml.j2", "cover", "cover.xhtml", words.cover, config.language)
    contents = page("contents.xhtml.j2", "contents", "contents.xhtml",
                    words.contents, config.language)
    places = {"front-page": cover.file_name, "contents": contents.file_name}
    spine: list = [cover, contents]
    toc: list = [epub.Link("contents.xhtml", words.contents, "nav-contents")]
    stories = edition.stories
    following = {a.slug: b for a, b in zip(stories, stories[1:], strict=False)}
    first_section = None
    for section in edition.sections:
        opener = page("section.xhtml.j2", f"section-{section.slug}", f"{section.slug}.xhtml",
                      section.title, config.language, section=section)
        first_section = first_section or opener
        places[section.anchor] = opener.file_name
        spine.append(opener)
        links_in_section = []
        for story in section.stories:
            item = page("story.xhtml.j2", f"story-{story.slug}", story.file_name,
                        story.headline, story.language, story=story,
                        next_story=following.get(story.slug), section_file=opener.file_name,
                        minutes=digits(reading_minutes(story), config.language),
                        ends=end_words)
            places[story.anchor] = item.file_name
            spine.append(item)
            links_in_section.append(epub.Link(story.file_name, story.headline,
                                              f"nav-{story.slug}"))
        toc.append((epub.Section(section.title, f"{section.slug}.xhtml"), links_in_section))
    if edition.has_more_stories:
        spine.append(page("more-stories.xhtml.j2", "more-stories", "more-stories.xhtml",
                          words.more_stories, config.language))
        places["more-stories"] = "more-stories.xhtml"
        toc.append(epub.Link("more-stories.xhtml", words.more_stories, "nav-more-stories"))

    text = "".join(texts) + book.title
    css = font_face_css(lambda face: f"../fonts/{face.file}", config.language)
    css += (LAYOUTS_DIR / "epub" / "reader.css").read_text(encoding="utf-8")
    css += _language_css(config.language)
    book.add_item(epub.EpubItem(uid="style", file_name="styles/reader.css",
                                media_type="text/css", content=css.encode("utf-8")))
    for index, face in enumerate(f for f in FACES if in_edition(f, config.language)):
        subset = subset_font(face.path, text, font_cache)
        book.add_item(epub.EpubItem(uid=f"font-{index:02d}", file_name=f"fonts/{face.file}",
                                    media_type="font/ttf", content=subset))

    book.toc = toc
    book.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title=words.contents)
    nav.add_link(href="styles/reader.css", rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.spine = spine  # the nav document serves readers' menus; contents.xhtml is the page
    book.guide = [
        {"type": "cover", "href": "cover.xhtml", "title": words.cover},
        {"type": "toc", "href": "contents.xhtml", "title": words.contents},
        # "text" is ebooklib's name for the bodymatter landmark: the first section opener
        {"type": "text", "href": (first_section or contents).file_name, "title": words.stories},
    ]
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {
        "raise_exceptions": True,
        "mtime": edition.timestamp.replace(tzinfo=None),
        "play_order": {"enabled": True, "start_from": 1},
        "landmark_title": words.guide,
        "epub3_pages": False,
        "compresslevel": 0,  # write_zip compresses, once
    })
    files = read_zip(buffer.getvalue())
    folder = "EPUB/"
    files[f"{folder}content.opf"] = metadata.package_language(files[f"{folder}content.opf"],
                                                              config.language)
    files[f"{folder}nav.xhtml"] = metadata.nav_languages(files[f"{folder}nav.xhtml"], edition)
    files[f"{folder}toc.ncx"] = metadata.ncx_depth(files[f"{folder}toc.ncx"])
    files[metadata.APPLE_OPTIONS_NAME] = metadata.APPLE_OPTIONS
    return Packed(files, edition.timestamp,
                  {anchor: folder + name for anchor, name in places.items()},
                  f"{folder}content.opf")
