"""Slugs: the ASCII names of sections and stories in anchors, ids and file names.

Its own module because both the edition definition (section slugs must not
collide) and the model use it, and the model imports the definition.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata


def slugify(text: str) -> str:
    """ASCII slugs keep ids and EPUB file names valid everywhere."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if slug:
        return slug
    # Khmer (or any non-Latin) names have no ASCII letters: a short hash keeps them apart.
    return "x-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
