"""Where the bundled layouts, fonts and editions live, installed or in a checkout.

A wheel carries them inside the package (``compiler/_data``); a checkout or an
editable install reads them from the repository's top level.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def resource_dir(name: str) -> Path:
    installed = PACKAGE_DIR / "_data" / name
    if installed.is_dir():
        return installed
    return PACKAGE_DIR.parent / name


LAYOUTS_DIR = resource_dir("layouts")
FONTS_DIR = resource_dir("fonts")
EDITIONS_DIR = resource_dir("editions")
