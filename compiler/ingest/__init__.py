"""Feeds and CMS exports -> a content folder (``edition ingest``).

A reader per format turns a source into ``Item`` objects; the rest is shared:

    item.py        Item, Picture, Link: one story as a source gives it, and text helpers
    fetch.py       the one HTTP client: allowed hosts, public addresses, limits, redirects
    sources.py     a SOURCE (file or URL) read, sniffed and handed to its reader
    feeds.py       RSS 2.0, Atom and Drupal's RSS, through feedparser
    wordpress.py   WordPress REST posts (``?_embed``), Jetpack related posts
    ninjs.py       IPTC ninjs 1.x, 2.x and 3.x
    jsonfeed.py    JSON Feed 1.0 and 1.1
    prepare.py     an Item -> a story: section, language, body, related headlines
    photos.py      main photos fetched in parallel, checked, written under images/
    store.py       stories written, the state kept between runs, pruning
    run.py         one ingest: sources read, items prepared and written, one line each

Ingest is the only part of the compiler that uses the network; the build never does.
"""
