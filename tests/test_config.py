"""compiler.config: the edition definition is read once and every problem is reported."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from compiler.config import EditionConfig, find_edition, load_config
from support import DAILY


def write_toml(folder: Path, text: str, name: str = "test-edition") -> Path:
    path = folder / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def test_the_daily_definition_loads_with_every_field_from_the_file():
    config, problems = load_config(DAILY)
    assert problems == []
    raw = tomllib.loads(DAILY.read_text(encoding="utf-8"))["edition"]
    assert config.name == DAILY.stem
    assert config.path == DAILY
    assert config.title == raw["title"]
    assert config.sections == tuple(raw["sections"])
    assert config.outputs == tuple(raw["outputs"])
    assert config.page_size == raw["page_size"]
    assert config.max_headline_chars == raw["max_headline_chars"]


def test_name_comes_from_the_file_stem_and_missing_fields_take_defaults(tmp_path):
    path = write_toml(tmp_path, '[edition]\ntitle = "Evening Extra"\n', name="evening")
    config, problems = load_config(path)
    assert problems == []
    assert config.name == "evening"
    assert config.title == "Evening Extra"
    defaults = EditionConfig(name="x")
    assert config.sections == defaults.sections
    assert config.page_size == defaults.page_size
    assert config.outputs == defaults.outputs


def test_letter_page_size_is_accepted(tmp_path):
    config, problems = load_config(write_toml(tmp_path, '[edition]\npage_size = "Letter"\n'))
    assert problems == []
    assert config.page_size == "Letter"


def test_every_problem_is_reported_at_once(tmp_path):
    path = write_toml(
        tmp_path,
        "\n".join(
            [
                "[edition]",
                'colour = "red"',
                "title = 5",
                'page_size = "A5"',
                'outputs = ["pdf", "mobi"]',
                "sections = []",
                'max_headline_chars = "many"',
            ]
        )
        + "\n",
    )
    config, problems = load_config(path)
    assert config is None
    assert set(codes(problems)) == {"E003"}
    text = "\n".join(p.message for p in problems)
    for needle in ("colour", "title", "page_size", "mobi", "sections", "max_headline_chars"):
        assert needle in text, f"{needle} not reported in:\n{text}"
    assert len(problems) >= 6
    assert all(p.path == path for p in problems)


def test_unknown_field_is_named(tmp_path):
    config, problems = load_config(write_toml(tmp_path, '[edition]\npage_sise = "A4"\n'))
    assert config is None
    assert codes(problems) == ["E003"]
    assert "page_sise" in problems[0].message


@pytest.mark.parametrize(
    "line",
    [
        "title = 5",
        'sections = "National"',
        'max_headline_chars = "140"',
        "max_headline_chars = 1.5",
        "render_timeout = true",
        "retention_days = 30.0",
        'outputs = "pdf"',
        "allowed_hosts = [1, 2]",
    ],
)
def test_wrong_type_is_an_error_naming_the_field(tmp_path, line):
    key = line.split("=")[0].strip()
    config, problems = load_config(write_toml(tmp_path, f"[edition]\n{line}\n"))
    assert config is None
    assert codes(problems) and set(codes(problems)) == {"E003"}
    assert any(key in p.message for p in problems)


@pytest.mark.parametrize("size", ["A5", "Legal", "", "a4 landscape"])
def test_unknown_page_size_is_refused(tmp_path, size):
    config, problems = load_config(write_toml(tmp_path, f'[edition]\npage_size = "{size}"\n'))
    assert config is None
    assert codes(problems) == ["E003"]
    assert "page_size" in problems[0].message


def test_bad_toml_is_reported_with_its_line(tmp_path):
    path = write_toml(tmp_path, '[edition]\ntitle = "ok"\npage_size = = "A4"\nlanguage = "en"\n')
    config, problems = load_config(path)
    assert config is None
    assert codes(problems) == ["E002"]
    assert problems[0].line == 3, problems[0]
    assert problems[0].format().startswith(f"{path}:3: E002 ")


def test_missing_file_is_e001(tmp_path):
    config, problems = load_config(tmp_path / "absent.toml")
    assert config is None
    assert codes(problems) == ["E001"]


def test_non_utf8_file_is_e001(tmp_path):
    path = tmp_path / "latin.toml"
    path.write_bytes('[edition]\ntitle = "Caf\xe9"\n'.encode("latin-1"))
    config, problems = load_config(path)
    assert config is None
    assert codes(problems) == ["E001"]


def test_find_edition_by_name_and_by_path(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    write_toml(second, "[edition]\n", name="weekly")
    assert find_edition("weekly", [first, second]) == second / "weekly.toml"
    assert find_edition("monthly", [first, second]) is None
    explicit = write_toml(first, "[edition]\n", name="special")
    assert find_edition(str(explicit), []) == explicit
    assert find_edition(str(first / "nothing.toml"), [first]) is None


def test_languages_and_section_names_load_normalised(tmp_path):
    path = write_toml(tmp_path, '[edition]\nlanguages = ["KM", "km"]\nsections = ["National"]\n'
                      '[edition.section_names]\nNational = " ព័ត៌មានជាតិ "\n')
    config, problems = load_config(path)
    assert problems == []
    assert config.languages == ("km",)
    assert config.section_title("National") == "ព័ត៌មានជាតិ"
    assert config.takes("km-KH") and not config.takes("en")
    assert EditionConfig(name="x").takes("fr")  # no list: every language


@pytest.mark.parametrize("body, needle", [
    ('languages = ["english"]', "languages"),
    ('languages = "km"', "languages"),
    ('sections = ["National"]\n[edition.section_names]\nSport = "កីឡា"', "'Sport'"),
    ('sections = ["National"]\n[edition.section_names]\nNational = ""', "'National'"),
])
def test_bad_languages_or_section_names_are_e003(tmp_path, body, needle):
    config, problems = load_config(write_toml(tmp_path, f"[edition]\n{body}\n"))
    assert config is None
    assert codes(problems) == ["E003"]
    assert needle in problems[0].message


def test_the_khmer_edition_maps_every_daily_section():
    daily, _ = load_config(DAILY)
    khmer, problems = load_config(DAILY.with_name("khmer.toml"))
    assert problems == []
    assert (khmer.language, khmer.languages, khmer.sections) == ("km", ("km",), daily.sections)
    assert {key for key, _ in khmer.section_names} == set(daily.sections)
    assert daily.languages == ("en", "km")
