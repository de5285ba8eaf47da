"""The house style is enforced, not hoped for: ruff over the package and the tests."""

import shutil
import subprocess

import pytest

from support import REPO


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff is in the test extras")
def test_ruff_is_clean():
    result = subprocess.run(["ruff", "check", "compiler", "tests", "tools", "benchmarks"],
                            cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_modules_stay_small():
    """STYLE.md: modules under about 400 lines."""
    long = {str(p.relative_to(REPO)): n for p in (REPO / "compiler").rglob("*.py")
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 400}
    assert not long, long
