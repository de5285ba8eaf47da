"""``PUBLIC/<edition>/latest.pdf``, ``latest.epub`` and ``latest.kepub.epub``: stable names
for the newest issue.

They are regular files, not symlinks, because static hosting differs on links
(nginx follows them, Apache needs FollowSymLinks, object stores and many
``rsync``/upload setups copy or drop them). Each is switched, as one step of a
publication (``journal``), by hard-linking the dated file to a temporary name in
the same folder and renaming that over ``latest.*``: rename is atomic, so a
download gets the old issue or the new one, never a gap or half a file, and no
bytes are copied. Where hard links are not possible (some network mounts) the
bytes are copied to the temporary name instead; the rename is the same.

Beside them, ``PUBLIC/<edition>/.latest`` is a symbolic link to the newest
issue's day folder (``2026/11/25``): the hint the nginx example uses to name a
download of ``latest.pdf`` after its date (``deploy/nginx-shelf.conf``).

"Newest" is the newest date with a complete issue, not the last run: a
correction to an older day leaves ``latest`` where it is.
"""

from __future__ import annotations

from compiler.shelf.issue import Issue
from compiler.shelf.paths import DELIVERABLES, LATEST_NAMES, day_parts

LATEST_HINT = ".latest"


def latest_links(edition: str, issues: list[Issue]) -> dict[str, str]:
    """``latest.*`` -> the newest issue's dated file, as paths relative to PUBLIC, for
    an edition's issues (newest first)."""
    if not issues:
        return {}
    newest = issues[0]
    day = "/".join(day_parts(newest.date))
    return {f"{edition}/{LATEST_NAMES[kind]}": f"{edition}/{day}/{newest.files[kind].file}"
            for kind in DELIVERABLES if kind in newest.files}


def latest_hint(edition: str, issues: list[Issue]) -> tuple[str, str] | None:
    """(``<edition>/.latest``, the newest issue's day folder relative to the edition)."""
    if not issues:
        return None
    return f"{edition}/{LATEST_HINT}", "/".join(day_parts(issues[0].date))
