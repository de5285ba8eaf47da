"""A section's last story ended with its two columns level, as the page is laid out.

WeasyPrint balances a multi-column box by starting from the average column height and
growing it by the least that lets the next block in: it keeps the first height that
fits, which can be three lines from the best one (a photo whose height is not a whole
number of lines, a subhead kept with its paragraph). Mid-section the next story follows
and nobody sees it; at a section's end the page stops there. So where a section's last
story ends on a page with its columns more than ``TOLERANCE`` lines apart, it is laid
out again (``hooks.wrap_story_layout``) with its columns filled one after the other to
heights a quarter line apart around the one WeasyPrint chose (a column that keeps more
text may end lower or, as its next block will not break, higher), orphans and widows
still kept; the nearest that levels them and still ends the story on this page is kept.
After the heights within a line, the story's "See also" is tried across both columns
under them (set so in print.css, WeasyPrint would send it alone to the next page when it
did not fit; here it is kept only if the story still ends on this page).
"""

from __future__ import annotations

from compiler.pdf import hooks

TOLERANCE = 2
"""Lines the two columns of a section's end may differ by (issue 12)."""
STEP = 0.25
"""Heights tried, in lines apart: a photo or a subhead sets a column's lines off the
line grid, and half-line steps missed splits that quarter lines found."""
REACH = 3
"""Lines either way of WeasyPrint's height that are tried."""


def balance_end(article, laid_out, again) -> bool | None:
    """Level the columns of a section's last story that ends in ``laid_out``: True when
    a levelled layout is kept (the nearest height to WeasyPrint's that levels them; it
    was made last), False if none does (the style is put back, for ``again()`` to lay it
    out as it was), None if nothing to do."""
    columns = hooks.story_columns(article)
    if not columns or "section-last" not in columns["classes"]:
        return None
    ends = hooks.column_ends(laid_out)
    if len(ends) < 2:  # one column, or no body on this page (only the story's foot)
        return None
    top, line = hooks.column_lines(laid_out)
    if not line or max(ends) - min(ends) <= TOLERANCE * line:
        return None
    natural, steps = max(ends) - top, round(REACH / STEP)
    heights = [natural + k * STEP * line
               for k in sorted(range(-steps, steps + 1), key=abs)[1:]]  # nearest first
    near = round(1 / STEP) * 2  # those within a line of WeasyPrint's
    tries = [(h, False) for h in heights[:near]]
    tries += [(None, True)] if columns["see_also"] else []  # its lines may tip a column
    for height, span in tries + [(h, False) for h in heights[near:]]:
        hooks.fill_columns(columns, height, span)
        box, goes_on = again()
        tried = hooks.column_ends(box) if box is not None and not goes_on else []
        # What did not fit went on to the next page, or into a column more.
        if len(tried) == len(ends) and max(tried) - min(tried) <= TOLERANCE * line:
            return True
    hooks.fill_columns(columns, None)
    return False
