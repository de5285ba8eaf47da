"""Per-element /Lang in the tagged PDF, so screen readers switch to Khmer voices.

WeasyPrint writes the document language to the catalog only; an English
edition with a Khmer story would be read aloud with English rules. Its tagger
builds the structure tree in one recursive generator, ``_build_box_tree``; we
wrap it to copy each HTML ``lang`` onto the structure element of that box.
Inner elements are tagged first, and an outer language never overwrites them.
The wrapping goes through ``hooks.wrap_box_tree``; if WeasyPrint renames the
function, ``install`` reports it and the test for Khmer /Lang fails (as does
``hooks.check``), rather than the build breaking.
"""

from __future__ import annotations

import pydyf

from compiler.pdf import hooks


def _with_lang(original, box, parent, *args, **kwargs):
    language = None
    element = hooks.box_element(box)
    if element is not None and hasattr(element, "get"):
        language = element.get("lang")
    for struct in original(box, parent, *args, **kwargs):
        if language and "Lang" not in struct and hooks.box_tag(box) not in ("html", "body"):
            struct["Lang"] = pydyf.String(language)
        yield struct


def install() -> bool:
    return hooks.wrap_box_tree(_with_lang)
