"""The ``edition`` command line: parses, calls the pipeline or the shelf, prints.

Kept light: ``edition build`` starts its layout workers before it imports the
pipeline, so WeasyPrint loads in them while this process reads the stories.
"""
