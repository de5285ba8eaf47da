"""Each reader on real samples (tests/data/README): what it takes from which field."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from compiler.ingest import feeds, jsonfeed, ninjs, wordpress
from support import REPO

DATA = REPO / "tests" / "data"


def read_feed(name):
    return feeds.read((DATA / name).read_bytes(), "https://example.org/feed")


def read_json(reader, name):
    return reader.read(json.loads((DATA / name).read_text(encoding="utf-8")), "")


def test_rss_guardian_maps_description_creator_categories_and_media_content():
    items, notes = read_feed("rss/guardian.rss")
    assert notes == [] and len(items) == 55
    first = items[0]
    assert first.title == ("Trump State of the Union address promised unity but emphasized "
                           "discord")
    assert first.id == first.url == ("https://www.theguardian.com/us-news/2018/jan/31/"
                                     "donald-trump-state-of-the-union-address-unity-discord")
    assert first.byline == "David Smith in Washington"  # dc:creator
    assert first.categories[:3] == ("Donald Trump", "State of the Union address", "US news")
    assert first.published == datetime(2018, 1, 31, 7, 26, 5, tzinfo=UTC)
    assert first.language == "en-gb"  # the channel's language / dc:language
    assert "<p>Donald Trump has promised" in first.body_html  # the description is the body
    # the widest of the media:content renditions, with its media:credit
    assert "w=460" in first.picture.url
    assert first.picture.credit == "Photograph: Networ/Sipa USA/REX/Shutterstock"


def test_rss_content_encoded_is_the_body():
    items, _ = read_feed("rss/medium-content-encoded.rss")
    first = items[0]
    assert first.title == "THE CREATIVE FORAGER"
    assert first.byline == "Jeremy Puma"
    assert first.id == "https://medium.com/p/125af37d838f"  # guid isPermaLink="false"
    assert first.categories == ("plants", "environment", "nature", "foraging", "food")
    assert "<h4>Using Wild Ingredients in the\xa0Kitchen</h4>" in first.body_html
    assert first.modified == datetime(2018, 4, 9, 19, 39, 12, tzinfo=UTC)  # atom:updated


def test_atom_html_content_and_the_feed_author():
    items, notes = read_feed("atom/heise.atom")
    assert notes == [] and len(items) == 15
    first = items[0]
    assert first.title == "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei"
    assert first.id == "http://heise.de/-3088438"
    assert first.byline == "heise online"  # RFC 4287: the entry inherits the feed's author
    assert first.published == datetime(2016, 2, 1, 16, 22, tzinfo=UTC)
    assert first.modified == datetime(2016, 2, 1, 16, 54, 50, tzinfo=UTC)
    assert "WildFly" in first.body_html
    assert first.summary == ""  # the summary is the body's text: no standfirst repeating it


def test_atom_xml_lang_on_the_content_is_the_items_language():
    items, _ = read_feed("atom/touchnokia-movabletype.atom")
    assert {item.language for item in items} == {"ru"}
    assert "5800" in items[0].categories


def test_wordpress_rest_with_embed():
    items, notes = read_json(wordpress, "wordpress/worona-posts-category-7.json")
    assert notes == [] and len(items) == 5
    canyon = items[1]
    assert canyon.id == "https://demo.worona.org/?p=54"  # guid.rendered
    assert canyon.title == "Antelope Canyon"  # title.rendered, entities decoded
    assert canyon.byline == "Luis Herranz"  # _embedded.author
    assert canyon.published == datetime(2016, 10, 25, 18, 14, 29, tzinfo=UTC)  # date_gmt
    assert canyon.modified == datetime(2017, 1, 18, 12, 13, 58, tzinfo=UTC)  # modified_gmt
    assert canyon.categories == ("Nature", "Photography", "Travel")  # wp:term category
    assert canyon.tags == ("Antelope Canyon", "Arizona", "Nature")  # wp:term post_tag only
    assert canyon.picture.url == "https://demo.worona.org/wp-content/uploads/2016/11/canyon.jpg"
    assert canyon.picture.alt == "canyon"  # alt_text
    assert canyon.summary.startswith("“Travel is the only thing you buy")  # excerpt.rendered
    assert canyon.url == "https://demo.worona.org/lower-antelope-canyon/"


def test_wordpress_jetpack_related_posts():
    """The samples have no Jetpack; the list is added here in Jetpack's documented shape."""
    posts = json.loads((DATA / "wordpress/worona-posts-category-7.json").read_text())
    posts[0]["jetpack-related-posts"] = [
        {"id": 54, "url": "https://demo.worona.org/lower-antelope-canyon/",
         "title": "Antelope Canyon", "excerpt": "Slot canyons of Arizona"},
        {"id": 9, "url": "https://elsewhere.example/x", "title": "", "excerpt": "no title"},
    ]
    items, _ = wordpress.read(posts, "")
    assert [(r.headline, r.url, r.teaser) for r in items[0].related] == [
        ("Antelope Canyon", "https://demo.worona.org/lower-antelope-canyon/",
         "Slot canyons of Arizona")]


def test_ninjs_1x_body_xhtml_byline_and_keyed_associations():
    items, _ = read_json(ninjs, "ninjs/1.4-ninjsExComplex1.json")
    (item,) = items
    assert item.title == "Captain of wrecked cruise ship on trial in Italy"
    assert item.byline == "Paulo Santalucia and Frances d'Emilio"
    assert item.body_html.startswith("<p>GROSSETO, Italy (AP)")  # body_xhtml over body_text
    assert item.language == "en"
    assert item.modified == datetime(2013, 7, 9, 10, 37, tzinfo=UTC)  # versioncreated
    assert item.picture.url.endswith("-big.jpg")  # associations.mainpic, largest rendition
    assert item.picture.credit == "Paulo Santalucia"


def test_ninjs_1x_extension_keys():
    items, _ = read_json(ninjs, "ninjs/1.6-004_simple_text_article.json")
    assert items[0].title == "Captain of wrecked cruise ship on trial in Italy"  # headline_main
    assert items[0].body_html.startswith("<p>GROSSETO")  # body_richtext


def test_ninjs_2x_and_3x_read_alike():
    two, _ = read_json(ninjs, "ninjs/2.1-tt_text_image_2.json")
    three, _ = read_json(ninjs, "ninjs/3.0-tt_text_image_3.json")
    for (item,) in (two, three):
        assert item.title == "Militärövning i jätteformat hålls 2023"  # headlines[role=main]
        assert "<p>" in item.body_html and "Aurora" in item.body_html  # bodies, html first
        assert item.summary.startswith("Pandemin satte stopp")  # descriptions
        assert item.language == "sv"
        assert item.priority == 3  # urgency
        assert "Inrikes" in item.categories  # genres and subjects
        assert item.picture.credit == "Karl Melander/TT"  # associations[].by
        # the rendition closest above print size (4724 px), not a thumbnail
        assert item.picture.url.endswith("a001_NormalHires.jpg")
    assert two[0].version == three[0].version


def test_ninjs_description_only_and_photo_only_items():
    ntb, _ = read_json(ninjs, "ninjs/3.0-ntb_text.json")
    assert ntb[0].body_html == "" and ntb[0].byline == "NTB"  # by
    photo, _ = read_json(ninjs, "ninjs/3.1-006_photo_only.json")
    assert photo[0].usable is False  # a picture is not a story
    multimedia, _ = read_json(ninjs, "ninjs/3.1-007_multimedia.json")
    assert multimedia[0].picture is not None and multimedia[0].language == "en"


def test_jsonfeed_items():
    items, notes = read_json(jsonfeed, "jsonfeed/feedparser-example.json")
    assert notes == [] and len(items) == 2
    assert items[0].id == "2" and items[0].title == "post 2"
    assert items[0].body_html == "<p>This is a second item.</p>"  # content_text, escaped
    assert items[0].categories == ("test", "JSON")
    assert items[0].byline == "me"  # the feed's author (JSON Feed 1.0)
    assert items[1].title == "" and "<script>" in items[1].body_html
    assert items[1].byline == "you"


def test_jsonfeed_1_1_language_and_authors():
    document = {"version": "https://jsonfeed.org/version/1.1", "language": "km",
                "items": [{"id": "a", "title": "t", "content_html": "<p>x</p>",
                           "authors": [{"name": "Sok Chea"}, {"name": "Dara"}],
                           "image": "https://img.example/a.jpg",
                           "date_modified": "2026-11-25T06:30:00+07:00"}]}
    (item,), _ = jsonfeed.read(document, "")
    assert item.language == "km" and item.byline == "Sok Chea and Dara"
    assert item.picture.url == "https://img.example/a.jpg"
    assert item.modified.utcoffset().total_seconds() == 7 * 3600


def test_khmer_from_xml_lang_and_dc_language():
    """Made here: RSS whose channel says dc:language en and whose one item's content
    carries xml:lang="km", and one whose channel says dc:language km."""
    head = ('<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            '<title>t</title><dc:language>{}</dc:language>')
    item = ('<item><title>ពិធីបុណ្យអុំទូក</title><guid>{0}</guid>'
            '<content:encoded{1}>&lt;p&gt;ទូកង&lt;/p&gt;</content:encoded></item>')
    mixed = (head.format("en") + item.format("a", ' xml:lang="km"') + item.format("b", "")
             + "</channel></rss>")
    items, _ = feeds.read(mixed.encode(), "")
    assert [i.language for i in items] == ["km", "en"]
    khmer = head.format("km") + item.format("c", "") + "</channel></rss>"
    assert feeds.read(khmer.encode(), "")[0][0].language == "km"
