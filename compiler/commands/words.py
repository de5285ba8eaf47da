"""Counted nouns for messages people read: "1 story", "2 stories", never "1 stories".

One helper, so every command says a count the same way. English plurals are too
irregular to guess ("story"/"stories", "day"/"days"), so the caller names both forms.
"""

from __future__ import annotations


def counted(count: int, one: str, many: str) -> str:
    """``counted(1, "story", "stories")`` is ``"1 story"``; 0 and 2 take ``many``."""
    return f"{count} {one if count == 1 else many}"
