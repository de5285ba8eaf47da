"""Edition -> print PDF.

The digest is planned as parts (``parts``), each part is typeset by WeasyPrint in a
worker process (``workers``, ``typeset``), page numbers are filled in afterwards
(``slots``), and the parts are joined into one tagged PDF (``join``). ``printer``
runs those steps; ``hooks`` is the only module that touches WeasyPrint's private
names. Kept light: the CLI imports ``workers`` before anything heavy.
"""
