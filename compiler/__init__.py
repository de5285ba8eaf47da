"""Edition compiler: a day's stories in, a print PDF digest and an EPUB out."""

__version__ = "0.1.0"
