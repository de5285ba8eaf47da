"""What both outputs share about words: fonts, Khmer word breaks, labels, dates and
the Jinja2 templates (``render`` always means filling a Jinja2 template).
"""
