"""The subscriber shelf: finished builds become a dated public archive.

A build's out folder is private and overwritten every night; the publication
folder (``PUBLIC``) is what a static web server hands to subscribers and
e-readers, so a publication is one transaction (``journal``): a crash, a full
disk or a refused write leaves the old shelf or, once repaired, the new one.

    paths.py        where each file of an issue lives under PUBLIC
    report.py       what the build knew (lead, headlines, sections, counts), from its report
    epubinfo.py     the cover picture and the book's identity, from the built EPUB
    issue.py        the per-day ``issue.json`` record every page and feed is made from
    archive.py      publish one finished build: check it, then one transaction
    sameness.py     what a reader gets, blind to build times (corrections vs reruns)
    journal.py      the transaction: staged, committed by one rename, rolled forward
    verify.py       is the shelf consistent? and the repair
    latest.py       the stable ``latest.pdf`` / ``latest.epub`` / ``latest.kepub.epub`` names
    retention.py    drop days older than the edition keeps
    corrections.py  the record of re-published days
    opds.py         the OPDS 1.2 catalogue
    page.py         the static download pages
    site.py         every catalogue and page, from the issues' records
    lock.py         one nightly run at a time
    nightly.py      build, publish, log one line
    several.py      several editions of one day in one night: one lock, shared work
    preview.py      the edition as HTML on 127.0.0.1, rebuilt on change

The ``publish``, ``nightly`` and ``preview`` commands are in compiler/commands/shelf.py.
"""
