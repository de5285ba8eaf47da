"""Helpers for the security and reliability tests (test_hostile, test_isolation, test_kill,
test_reproducible): a request-counting local server, canary files, hand-made bad images,
and scanners that judge the PDF and EPUB with real tools (qpdf, pikepdf, zipfile, lxml)."""
