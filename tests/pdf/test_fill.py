"""A page's fill is where its shorter column ends, read off WeasyPrint's boxes."""

from __future__ import annotations

import pytest

from compiler.pdf.fill import page_fill

weasyprint = pytest.importorskip("weasyprint")

PAGE = ("@page { size: 100mm 100mm; margin: 0 } "
        "body { margin: 0; font-size: 10px; line-height: 10px }")
PICTURE = ("data:image/svg+xml,%3Csvg xmlns=%27http://www.w3.org/2000/svg%27 width=%2710%27 "
           "height=%2710%27/%3E")


def _fill(html: str) -> float:
    document = weasyprint.HTML(string=html).render(
        stylesheets=[weasyprint.CSS(string=PAGE)])
    return page_fill(document.pages[0])


def test_the_shorter_column_decides():
    lines = "<br>".join(["x"] * 5)
    # A block 30 mm tall, then two columns: a picture 50 mm tall, five 10 px lines.
    html = (f'<div style="height:30mm"></div><div style="display:flex">'
            f'<div style="width:50%;height:50mm"><img style="display:block;width:10mm;'
            f'height:50mm" src="{PICTURE}"></div>'
            f'<div style="width:50%"><p style="margin:0">'
            f'{lines}</p></div></div>')
    expected = (30 / 25.4 * 96 + 5 * 10) / (100 / 25.4 * 96)
    assert _fill(html) == pytest.approx(expected, abs=0.01)


def test_full_width_text_counts_for_both_columns():
    html = "<p style='margin:0'>" + "word " * 1500 + "</p>"
    assert _fill(html) > 0.95


def test_an_empty_column_is_an_empty_page():
    html = "<p style='margin:0; width:40%'>" + "word " * 30 + "</p>"
    assert _fill(html) == 0.0
