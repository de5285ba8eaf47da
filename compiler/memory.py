"""Hand freed memory back to the system after the big, short-lived allocations.

Decoding photos in threads and holding laid-out parts leave glibc's arenas full
of freed blocks that still count against the process; a nightly build on a small
machine should not look (or be) twice its real size. No-op where there is no glibc.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from functools import lru_cache


@lru_cache(maxsize=1)
def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def give_back(collect: bool = True) -> None:
    """``collect=False`` only trims: a full collection walks every live object, which
    is not worth it where little garbage is left (50 ms on a correction's path)."""
    if collect:
        gc.collect()
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)
