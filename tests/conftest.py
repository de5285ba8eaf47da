"""Fixtures shared by every test; the helpers they use are in tests/support."""

from __future__ import annotations

import pytest

from support import SAMPLE, Content, run_cli


@pytest.fixture
def content(tmp_path) -> Content:
    return Content(tmp_path / "content")


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory):
    """The sample edition built once by the real CLI for every test that judges it."""
    out = tmp_path_factory.mktemp("sample-out")
    result = run_cli("build", SAMPLE, "--out", out, "--date", "2026-11-25", "--quiet")
    assert result.returncode == 0, result.stderr
    return out, result


def pytest_addoption(parser):
    parser.addoption("--update-visual", action="store_true",
                     help="Regenerate the visual references (tests/end_to_end/visual, "
                          "docs/page-*.png).")


@pytest.fixture
def update_visual(request) -> bool:
    return request.config.getoption("--update-visual")
