"""`pip install .` (not only editable) gives an `edition` that finds its layouts and fonts
and builds an edition."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
import zipfile

import pikepdf

from support import FIXED_EPOCH, REPO


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

    # The installed command builds the sample from another folder: its layout workers
    # find the installed package (not this checkout) and its bundled fonts.
    out = tmp_path / "out"
    built = subprocess.run([str(target / "bin" / "edition"), "build",
                            str(REPO / "editions" / "sample"), "--out", str(out),
                            "--date", "2026-11-25", "--quiet", "--no-cache"],
                           cwd=tmp_path, capture_output=True, text=True, timeout=600,
                           env={**os.environ, "SOURCE_DATE_EPOCH": FIXED_EPOCH})
    assert built.returncode == 0, built.stderr
    report = json.loads((out / "daily-2026-11-25.report.json").read_text(encoding="utf-8"))
    with pikepdf.open(out / "daily-2026-11-25.pdf") as pdf:
        assert len(pdf.pages) == report["pages"] > 10
    fonts = subprocess.run(["pdffonts", str(out / "daily-2026-11-25.pdf")], capture_output=True,
                           text=True, check=True).stdout
    assert "Edition-Serif-Khmer" in fonts and "Edition-Sans-Bold" in fonts
