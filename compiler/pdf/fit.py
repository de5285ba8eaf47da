"""A story's photo fitted to what is left of a page, as the page is laid out.

A story whose headline, photo and first lines do not fit in what is left of a page
would start the next one, and the rest of the page would stay empty: WeasyPrint moves a
multi-column body whose first block does not fit (its issues #1963 and #2032). No CSS
rule can know the space left, so WeasyPrint asks here first (hooks.wrap_story_layout),
and the story is laid out again in that space with its photo fitted. The first fit that
lets it start there is kept:

1. the photo's height capped to 90 %, then 75 %, of what print.css gives it (its aspect
   ratio kept: it narrows as it shortens);
2. else the photo moved down the story's body, after the fewest blocks that fill the
   columns of the space, so the text fills the page and the photo heads a later column;
3. else capped to 32 mm, the least that still reads.

A fit depends on nothing but where the story stands on its page, so a run laid out
alone (a correction) fits its photos as its section's flow did, and nothing is kept
between builds. It costs layouts of one story's first page, only for a story that would
have jumped: 41 tries, 0.6 s, on a 20-story day (docs/layout.md).
"""

from __future__ import annotations

from compiler.pdf import hooks

PX_PER_MM = 96 / 25.4
SHARES = (0.9, 0.75)
"""Caps tried first, as shares of the photo's height: a little smaller is the least change."""
SMALLEST = 32 * PX_PER_MM
"""A photo is never capped below this height (px): smaller, it no longer reads."""
SHORT = 6 * PX_PER_MM
"""A column may end this much (about a line) above the other where text fills a page."""


def install() -> bool:
    """Fit photos, and level section ends (balance.py), in every layout this process
    makes from now on (typeset.typeset_part)."""
    from compiler.pdf.balance import balance_end

    return hooks.wrap_story_layout(fit_story, balance_end)


def fit_story(article, again) -> bool | None:
    """Fit the photo leading ``article``'s columns so the story starts where ``again()``
    lays it out: True once it does (the box tree keeps the fit), False if no fit helps
    (the tree is put back), None when the story has no such photo."""
    photo = hooks.story_photo(article)
    if photo is None:
        return None

    def starts(after: int = 0, height: float | None = None, moved: bool = False) -> bool:
        hooks.arrange_photo(photo, after, height)
        laid_out = again()
        if laid_out is None or not moved:
            return laid_out is not None
        ends = hooks.column_ends(laid_out)
        return not hooks.holds(laid_out, photo) and min(ends) >= max(ends) - SHORT

    if any(starts(height=photo["height"] * share) for share in SHARES):
        return True
    if _moved(photo, starts) or starts(height=SMALLEST):
        return True
    hooks.arrange_photo(photo, 0, None)
    return False


def _moved(photo, starts) -> bool:
    """Move the photo after the fewest blocks whose text fills the columns of the space
    left, the photo heading a column of a later page; found by halving, as a later place
    only adds text before the photo. The chosen layout is made last, so it is kept."""
    low, high = 1, photo["text"] - 1  # never after the story's last block
    if high < low or not starts(high, moved=True):
        return False
    last = high  # the place the last layout was made with
    while low < high:
        last = (low + high) // 2
        if starts(last, moved=True):
            high = last
        else:
            low = last + 1
    return last == low or starts(low, moved=True)
