"""Edition -> EPUB 3 (with an NCX for Kobo), written reproducibly.

ebooklib rebuilds EpubHtml documents through its own parser and turns one that
will not parse into an empty file without a word, so content documents here
are plain EpubItems rendered by our templates and checked with lxml first.
ebooklib also stamps zip entries with the current time; ``normalise_zip``
rewrites the archive with mimetype first, sorted paths and fixed timestamps.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ebooklib import epub
from lxml import etree

from compiler.content.photos import SCREEN, rendition
from compiler.epub.cover import cover_jpeg
from compiler.epub.subset import subset_font
from compiler.model import Edition, Photo
from compiler.resources import LAYOUTS_DIR
from compiler.text.fonts import FACES, font_face_css
from compiler.text.labels import labels
from compiler.text.templates import Links, context, environment, long_date

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
    ("schema:accessibilitySummary",
     "News stories with headings for each section and story, a table of contents, "
     "and text alternatives for every photo. No hazards."),
]


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
    content = xhtml.encode("utf-8")
    visible_text = "".join(etree.fromstring(content).itertext())
    item = epub.EpubItem(uid=uid, file_name=file_name, media_type=XHTML, content=content)
    item.title = title
    return item, visible_text


def build_epub(edition: Edition, cache_dir=None, font_cache=None) -> bytes:
    config = edition.config
    book = epub.EpubBook()
    book.set_identifier(edition.identifier)
    book.set_title(f"{config.title}, {long_date(edition.date)}")
    book.set_language(config.language)
    book.add_author(config.publisher or config.title)
    if config.publisher:
        book.add_metadata("DC", "publisher", config.publisher)
    book.add_metadata("DC", "date", edition.date.isoformat())
    book.add_metadata("DC", "description",
                      f"{config.title} for {long_date(edition.date)}: {edition.lead.headline}")
    for section in edition.sections:
        book.add_metadata("DC", "subject", section.name)
    for prop, value in ACCESSIBILITY:
        book.add_metadata(None, "meta", value, {"property": prop})

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
    cover = page("cover.xhtml.j2", "cover", "cover.xhtml", words.cover, config.language)
    contents = page("contents.xhtml.j2", "contents", "contents.xhtml",
                    words.contents, config.language)
    spine: list = [cover, contents]
    toc: list = [epub.Link("contents.xhtml", words.contents, "nav-contents")]
    first_story = None
    for section in edition.sections:
        opener = page("section.xhtml.j2", f"section-{section.slug}", f"{section.slug}.xhtml",
                      section.name, config.language, section=section)
        spine.append(opener)
        links_in_section = []
        for story in section.stories:
            item = page("story.xhtml.j2", f"story-{story.slug}", story.file_name,
                        story.headline, story.language, story=story)
            first_story = first_story or item
            spine.append(item)
            links_in_section.append(epub.Link(story.file_name, story.headline,
                                              f"nav-{story.slug}"))
        toc.append((epub.Section(section.name, f"{section.slug}.xhtml"), links_in_section))
    if edition.has_more_stories:
        spine.append(page("more-stories.xhtml.j2", "more-stories", "more-stories.xhtml",
                          words.more_stories, config.language))
        toc.append(epub.Link("more-stories.xhtml", words.more_stories, "nav-more-stories"))

    text = "".join(texts) + book.title
    css = font_face_css(lambda face: f"../fonts/{face.file}")
    css += (LAYOUTS_DIR / "epub" / "reader.css").read_text(encoding="utf-8")
    book.add_item(epub.EpubItem(uid="style", file_name="styles/reader.css",
                                media_type="text/css", content=css.encode("utf-8")))
    for index, face in enumerate(FACES):
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
        {"type": "text", "href": (first_story or contents).file_name, "title": words.stories},
    ]
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {
        "raise_exceptions": True,
        "mtime": edition.timestamp.replace(tzinfo=None),
        "play_order": {"enabled": True, "start_from": 1},
        "landmark_title": words.guide,
        "epub3_pages": False,
        "compresslevel": 0,  # normalise_zip compresses, once
    })
    return normalise_zip(buffer.getvalue(), edition.timestamp, {
        "EPUB/content.opf": lambda data: _package_language(data, config.language),
        "EPUB/nav.xhtml": lambda data: _nav_languages(data, edition),
    })


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _package_language(opf: bytes, language: str) -> bytes:
    """ebooklib cannot set xml:lang on <package>; readers and Ace need it."""
    root = etree.fromstring(opf)
    root.set(XML_LANG, language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def _nav_languages(nav: bytes, edition: Edition) -> bytes:
    """Each story link in the nav carries its story's language (Khmer in an English book)."""
    root = etree.fromstring(nav)
    languages = {story.file_name: story.language for story in edition.stories}
    for link in root.iter("{http://www.w3.org/1999/xhtml}a"):
        language = languages.get(link.get("href", ""))
        if language and language != edition.config.language:
            link.set("lang", language)
            link.set(XML_LANG, language)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


ALREADY_COMPRESSED = (".jpg", ".jpeg", ".png", ".gif", ".webp")
"""Stored as they are: deflating a photo costs time and saves nothing."""


def normalise_zip(data: bytes, timestamp, transforms: dict | None = None) -> bytes:
    """Same content -> same bytes: mimetype stored first, sorted names, fixed times."""
    transforms = transforms or {}
    stamp = max(timestamp.timetuple()[:6], (1980, 1, 1, 0, 0, 0))
    source = zipfile.ZipFile(io.BytesIO(data))
    names = sorted(source.namelist(), key=lambda n: (n != "mimetype",
                                                      n != "META-INF/container.xml", n))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            if name == "mimetype" or name.endswith(ALREADY_COMPRESSED):
                info.compress_type = zipfile.ZIP_STORED
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
            content = source.read(name)
            if name in transforms:
                content = transforms[name](content)
            target.writestr(info, content, compresslevel=9)
    return out.getvalue()

