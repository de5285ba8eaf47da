"""`pip install .` (not only editable) gives an `edition` that finds its layouts and fonts."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile

from conftest import REPO


def test_wheel_carries_layouts_fonts_and_editions_and_installs(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path / "wheels"), str(REPO)], check=True, timeout=600)
    wheel = next((tmp_path / "wheels").glob("edition_compiler-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("compiler/_data/layouts/print/part.html.j2",
                   "compiler/_data/layouts/print/print.css",
                   "compiler/_data/layouts/epub/story.xhtml.j2",
                   "compiler/_data/fonts/NotoSerifKhmer-Regular.ttf",
                   "compiler/_data/fonts/OFL.txt",
                   "compiler/_data/editions/daily.toml"):
        assert needed in names, needed

    target = tmp_path / "venv"
    venv.create(target, system_site_packages=True, with_pip=True)
    python = target / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)],
                   check=True, timeout=600)
    probe = subprocess.run(
        [str(python), "-c", "from compiler.resources import LAYOUTS_DIR, FONTS_DIR;"
         "print(LAYOUTS_DIR); print(FONTS_DIR)"],
        cwd=tmp_path, capture_output=True, text=True, check=True)
    layouts, fonts = probe.stdout.split()
    assert str(target) in layouts and layouts.endswith("_data/layouts")
    assert str(target) in fonts and fonts.endswith("_data/fonts")
    help_text = subprocess.run([str(target / "bin" / "edition"), "--help"], cwd=tmp_path,
                               capture_output=True, text=True, check=True).stdout
    for command in ("build", "check", "nightly", "publish", "preview"):
        assert command in help_text
