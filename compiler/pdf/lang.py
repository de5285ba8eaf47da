"""Per-element /Lang in the tagged PDF, so screen readers switch to Khmer voices.

WeasyPrint writes the document language to the catalog only; an English
edition with a Khmer story would be read aloud with English rules. Its tagger
builds the structure tree in one recursive generator, ``_build_box_tree``; we
wrap it to copy each HTML ``lang`` onto the structure element of that box.
Inner elements are tagged first, and an outer language never overwrites them.
If WeasyPrint renames the function, ``install`` reports it and the test for
Khmer /Lang fails, rather than the build breaking.
"""

from __future__ import annotations

import pydyf
from weasyprint.pdf import tags

_original = getattr(tags, "_build_box_tree", None)


def _with_lang(box, parent, *args, **kwargs):
    language = None
    element = getattr(box, "element", None)
    if element is not None and hasattr(element, "get"):
        language = element.get("lang")
    for struct in _original(box, parent, *args, **kwargs):
        if language and "Lang" not in struct and getattr(box, "element_tag", None) not in (
                "html", "body"):
            struct["Lang"] = pydyf.String(language)
        yield struct


def install() -> bool:
    if _original is None:
        return False
    tags._build_box_tree = _with_lang
    return True
