"""``PUBLIC/<edition>/latest.pdf`` and ``latest.epub``: stable names for the newest issue.

They are regular files, not symlinks, because static hosting differs on links
(nginx follows them, Apache needs FollowSymLinks, object stores and many
``rsync``/upload setups copy or drop them). Each is switched, as one step of a
publication (``journal``), by hard-linking the dated file to a temporary name in
the same folder and renaming that over ``latest.*``: rename is atomic, so a
download gets the old issue or the new one, never a gap or half a file, and no
bytes are copied. Where hard links are not possible (some network mounts) the
bytes are copied to the temporary name instead; the rename is the same.

"Newest" is the newest date with a complete issue, not the last run: a
correction to an older day leaves ``latest`` where it is.
"""

from __future__ import annotations

from compiler.shelf.issue import Issue
from compiler.shelf.paths import DELIVERABLES, LATEST_NAMES, day_parts


def latest_links(edition: str, issues: list[Issue]) -> dict[str, str]:
    """``latest.*`` -> the newest issue's dated file, as paths relative to PUBLIC, for
    an edition's issues (newest first)."""
    if not issues:
        return {}
    newest = issues[0]
    day = "/".join(day_parts(newest.date))
    return {f"{edition}/{LATEST_NAMES[kind]}": f"{edition}/{day}/{newest.files[kind].file}"
            for kind in DELIVERABLES if kind in newest.files}
