"""Stage one: a content folder becomes an Edition.

Readers turn each story file into a Story or diagnostics (one reader per format),
story HTML is sanitised, photos and figures are checked, and ``assemble`` keeps the
good stories and says why for the rest.
"""
