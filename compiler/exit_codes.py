"""Exit codes every command shares.

Their own module so the CLI can name them without importing the pipeline:
``edition build`` starts its layout workers before it loads the rest.
"""

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
