"""The `edition` command end to end: exit codes, diagnostics on stderr, what is written.

One build of a folder full of bad stories (plus three good ones) is shared by the
module; every other case here stops before layout, so it is quick.
"""

from __future__ import annotations

import io
import json
import os
import pty
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from support import DAILY, REPO, Content, pdftotext, run_cli, story_text

DAY = date(2026, 11, 25)
STEM = f"{DAILY.stem}-{DAY.isoformat()}"
ENV = {"PYTHONPATH": str(REPO)}


def lines(*rows: str) -> str:
    return "\n".join(rows) + "\n"


LONG_HEADLINE = (
    "Provincial officials say the long-delayed road linking the border crossing "
    "to the river port will finally open to lorries before the rainy season ends"
)
GOOD = {
    "a-lead.md": "Good lead story",
    "b-second.md": "Second good story",
    "c-long.md": LONG_HEADLINE,
}


@dataclass(frozen=True)
class Bad:
    file: str
    code: str
    line: int | None
    headline: str
    data: bytes


def bad(file, code, line, headline, text):
    data = text if isinstance(text, bytes) else text.encode("utf-8")
    return Bad(file, code, line, headline, data)


BAD = [
    bad(
        "bad-yaml.md",
        "S002",
        4,
        "Bad yaml story",
        lines(
            "---", "headline: Bad yaml story", "section: National", "byline: a: b", "---", "Body."
        ),
    ),
    bad(
        "no-front.md", "S003", 1, "No front matter story", "No front matter story\n\nJust a body.\n"
    ),
    bad(
        "no-headline.md",
        "S004",
        None,
        "",
        lines("---", "section: National", "byline: Someone", "---", "A body without a headline."),
    ),
    bad(
        "wrong-type.md",
        "S005",
        4,
        "Wrong type story",
        lines(
            "---",
            "headline: Wrong type story",
            "section: National",
            "priority: high",
            "---",
            "Body.",
        ),
    ),
    bad(
        "latin1.md",
        "S006",
        5,
        "Latin one story",
        b"---\nheadline: Latin one story\nsection: National\n---\nCaf\xe9 society.\n",
    ),
    bad(
        "weather.md",
        "S007",
        3,
        "Weather section story",
        lines("---", "headline: Weather section story", "section: Weather", "---", "Body."),
    ),
    bad(
        "empty.md",
        "S008",
        5,
        "Empty body story",
        lines("---", "headline: Empty body story", "section: National", "---", "", "  "),
    ),
    bad(
        "z-duplicate.md",
        "S009",
        None,
        "Duplicate slug story",
        lines(
            "---",
            "headline: Duplicate slug story",
            "section: Business",
            "slug: a-lead",
            "---",
            "Body.",
        ),
    ),
    bad(
        "deep.md",
        "S012",
        None,
        "Deeply nested story",
        story_text(headline="Deeply nested story", body="<div>" * 200 + "x\n"),
    ),
    bad(
        "dated.md",
        "S015",
        4,
        "Badly dated story",
        lines(
            "---",
            "headline: Badly dated story",
            "section: National",
            "published: next Tuesday",
            "---",
            "Body.",
        ),
    ),
]
WARNINGS = [("a-lead.md", "S014"), ("b-second.md", "S011"), ("c-long.md", "S010")]


def good_stories(content: Content) -> None:
    content.story(
        "a-lead",
        headline=GOOD["a-lead.md"],
        priority=1,
        related=[
            {"teaser": "An entry nobody gave a headline"},
            {"headline": "Read this elsewhere", "url": "https://news.example.org/elsewhere"},
        ],
    )
    content.story(
        "b-second",
        text=lines(
            "---",
            f"headline: {GOOD['b-second.md']}",
            "section: Business",
            "colour: red",
            "---",
            "Body.",
        ),
    )
    content.story("c-long", headline=LONG_HEADLINE, section="World")


@dataclass
class Run:
    out: Path
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture(scope="module")
def bad_build(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("cli-bad")
    content = Content(root / "content")
    good_stories(content)
    for case in BAD:
        content.raw(case.file.removesuffix(".md"), case.data)
    out = root / "out"
    result = run_cli("build", content.root, "--out", out, "--date", DAY.isoformat(), "--quiet")
    return Run(out, result.returncode, result.stdout, result.stderr)


def stderr_lines_for(stderr: str, file: str) -> list[str]:
    return [line for line in stderr.splitlines() if f"stories/{file}" in line]


def tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*")) if folder.exists() else []


# ---------- one build with every kind of bad story ----------


def test_bad_stories_are_left_out_and_the_edition_is_still_written(bad_build):
    assert bad_build.returncode == 0, bad_build.stderr
    # Hidden entries (a layout cache) may sit beside the outputs; the outputs are these:
    assert sorted(p.name for p in bad_build.out.iterdir() if not p.name.startswith(".")) == sorted(
        [f"{STEM}.pdf", f"{STEM}.epub", f"{STEM}.kepub.epub", f"{STEM}.report.json"]
    )
    assert "Traceback" not in bad_build.stderr


@pytest.mark.parametrize("case", BAD, ids=[c.code for c in BAD])
def test_each_bad_story_gets_one_line_naming_file_code_and_line(bad_build, case):
    found = stderr_lines_for(bad_build.stderr, case.file)
    assert len(found) == 1, found or bad_build.stderr
    if case.line:
        assert found[0].startswith(f"stories/{case.file}:{case.line}: {case.code} "), found[0]
    else:  # the reader cannot know the line; it may give the nearest one
        assert re.match(rf"^stories/{re.escape(case.file)}(:\d+)?: {case.code} \S", found[0]), (
            found[0]
        )


@pytest.mark.parametrize("file, code", WARNINGS, ids=[c for _, c in WARNINGS])
def test_warnings_are_reported_and_the_story_runs(bad_build, file, code):
    found = stderr_lines_for(bad_build.stderr, file)
    assert [line for line in found if f" {code} " in line], bad_build.stderr
    report = json.loads((bad_build.out / f"{STEM}.report.json").read_text(encoding="utf-8"))
    assert f"stories/{file}" in report["included"]


def test_pdf_and_epub_hold_the_good_stories_and_none_of_the_bad(bad_build):
    from compiler.content.limits import shortened

    text = " ".join(pdftotext(bad_build.out / f"{STEM}.pdf").split())
    with zipfile.ZipFile(bad_build.out / f"{STEM}.epub") as epub:
        book = " ".join(
            " ".join(
                epub.read(n).decode("utf-8") for n in epub.namelist() if n.endswith(".xhtml")
            ).split()
        )
    for headline in GOOD.values():
        # A headline over max_headline_chars (140) is kept, shortened at a word (S010).
        shown = shortened(headline, 140)
        assert shown in text
        assert shown in book
    assert LONG_HEADLINE not in text
    for case in BAD:
        if case.headline:
            assert case.headline not in text, case.file
            assert case.headline not in book, case.file


def test_report_lists_included_and_left_out_stories_with_reasons(bad_build):
    report = json.loads((bad_build.out / f"{STEM}.report.json").read_text(encoding="utf-8"))
    assert report["exit_code"] == 0
    assert report["edition"] == DAILY.stem
    assert sorted(report["included"]) == sorted(f"stories/{f}" for f in GOOD)
    reasons = {
        entry["file"]: [p["code"] for p in entry["problems"]] for entry in report["left_out"]
    }
    assert reasons == {f"stories/{case.file}": [case.code] for case in BAD}
    for entry in report["left_out"]:
        for problem in entry["problems"]:
            assert problem["severity"] == "error"
            assert problem["message"] and problem["fix"]
    lines_by_file = {f"stories/{c.file}": c.line for c in BAD if c.line}
    for entry in report["left_out"]:
        if entry["file"] in lines_by_file:
            assert entry["problems"][0]["line"] == lines_by_file[entry["file"]]
    warned = {(d["file"], d["code"]) for d in report["diagnostics"] if d["severity"] == "warning"}
    assert warned == {(f"stories/{file}", code) for file, code in WARNINGS}
    assert set(report["outputs"]) == {"pdf", "epub", "kepub"}


# ---------- failures: nothing is written ----------


@pytest.mark.parametrize("problem", ["bad story", "warning only"])
def test_strict_fails_on_any_problem_and_writes_nothing(tmp_path, problem):
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story", priority=1)
    if problem == "bad story":
        content.story("weather", headline="Weather", section="Weather")
    else:
        content.story(
            "odd",
            text=lines("---", "headline: Odd", "section: National", "colour: red", "---", "Body."),
        )
    out = tmp_path / "out"
    result = run_cli(
        "build", content.root, "--out", out, "--date", DAY.isoformat(), "--quiet", "--strict"
    )
    assert result.returncode == 1, result.stderr
    assert tree(out) == []
    assert re.search(r"^stories/(weather|odd)\.md:\d+: S0(07|11) ", result.stderr, re.MULTILINE)


def test_strict_with_clean_content_builds(tmp_path):
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story", priority=1)
    toml = tmp_path / "tiny.toml"
    toml.write_text('[edition]\nsections = ["National"]\noutputs = ["epub"]\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli(
        "build",
        content.root,
        "--edition",
        toml,
        "--out",
        out,
        "--date",
        DAY.isoformat(),
        "--quiet",
        "--strict",
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    with zipfile.ZipFile(out / f"tiny-{DAY.isoformat()}.epub") as epub:
        assert epub.testzip() is None
        assert any(b"A good story" in epub.read(n) for n in epub.namelist())


def test_no_usable_story_fails_and_writes_nothing(tmp_path):
    content = Content(tmp_path / "content")
    content.story("weather", headline="Weather", section="Weather")
    content.raw("broken", b"\xff\xfe not text")
    out = tmp_path / "out"
    result = run_cli("build", content.root, "--out", out, "--date", DAY.isoformat(), "--quiet")
    assert result.returncode == 1
    assert tree(out) == []
    assert stderr_lines_for(result.stderr, "weather.md")
    assert stderr_lines_for(result.stderr, "broken.md")
    assert "Traceback" not in result.stderr


def test_empty_content_folder_fails_with_e004(tmp_path):
    content = Content(tmp_path / "content")
    out = tmp_path / "out"
    result = run_cli("build", content.root, "--out", out, "--date", DAY.isoformat(), "--quiet")
    assert result.returncode == 1
    assert "E004" in result.stderr
    assert tree(out) == []


def test_failed_build_keeps_the_previous_edition(tmp_path):
    content = Content(tmp_path / "content")
    content.story("weather", headline="Weather", section="Weather")
    out = tmp_path / "out"
    out.mkdir()
    previous = out / f"{STEM}.pdf"
    previous.write_bytes(b"%PDF-1.7 yesterday's edition")
    result = run_cli("build", content.root, "--out", out, "--date", DAY.isoformat(), "--quiet")
    assert result.returncode == 1
    assert previous.read_bytes() == b"%PDF-1.7 yesterday's edition"
    assert tree(out) == [previous.name]


@pytest.mark.parametrize(
    "args",
    [
        ("build", "{missing}"),
        ("build", "{file}"),
        ("build", "{content}", "--date", "2026-13-01"),
        ("build", "{content}", "--date", "yesterday"),
        ("build", "{content}", "--edition", "no-such-edition"),
        ("build", "{content}", "--edition", "{missing}/x.toml"),
        ("build", "{content}", "--no-such-option"),
        ("check", "{missing}"),
        ("check", "{content}", "--edition", "no-such-edition"),
    ],
    ids=[
        "missing-folder",
        "file-not-folder",
        "bad-date",
        "word-date",
        "unknown-edition",
        "missing-toml",
        "unknown-option",
        "check-missing-folder",
        "check-unknown-edition",
    ],
)
def test_usage_errors_exit_2_and_write_nothing(tmp_path, args):
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story")
    a_file = tmp_path / "file.md"
    a_file.write_text("x", encoding="utf-8")
    out = tmp_path / "out"
    values = {"missing": tmp_path / "absent", "file": a_file, "content": content.root}
    argv = [arg.format(**values) for arg in args] + ["--out", out] * (args[0] == "build")
    work = tmp_path / "cwd"
    work.mkdir()
    result = run_cli(*argv, cwd=work, env=ENV)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.strip()
    assert "Traceback" not in result.stderr
    assert tree(out) == [] and tree(work) == []


def test_bad_edition_definition_reports_every_problem_and_writes_nothing(tmp_path):
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story")
    toml = tmp_path / "broken.toml"
    toml.write_text('[edition]\ncolour = "red"\ntitle = 5\npage_size = "A5"\n', encoding="utf-8")
    out = tmp_path / "out"
    result = run_cli("build", content.root, "--edition", toml, "--out", out, "--quiet")
    assert result.returncode == 1
    problems = [line for line in result.stderr.splitlines() if " E003 " in line]
    assert len(problems) == 3, result.stderr
    for word in ("colour", "title", "page_size"):
        assert any(word in line for line in problems), word
    assert tree(out) == []


@pytest.mark.parametrize("command", ["build", "publish"])
def test_unknown_edition_is_one_e001_line_naming_what_was_looked_for_and_what_exists(
        tmp_path, command):
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story")
    work = tmp_path / "cwd"
    (work / "editions").mkdir(parents=True)
    (work / "editions" / "local.toml").write_text("[edition]\n", encoding="utf-8")
    args = {"build": ["build", content.root, "--out", tmp_path / "out"],
            "publish": ["publish", content.root, tmp_path / "public", "--date", "2026-11-25"]}
    result = run_cli(*args[command], "--edition", "weekly", cwd=work, env=ENV)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    line = result.stderr.strip()
    assert line.startswith("edition: E001 "), line
    assert "weekly.toml" in line and "editions/" in line
    assert "editions found: daily, khmer, local" in line
    assert "a path to a .toml file" in line
    assert "Traceback" not in result.stderr
    assert tree(tmp_path / "out") == [] and not (tmp_path / "public").exists()


def test_an_edition_path_that_does_not_exist_is_e001_naming_the_path(tmp_path):
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story")
    missing = tmp_path / "nowhere" / "weekly.toml"
    result = run_cli("check", content.root, "--edition", missing, env=ENV)
    assert result.returncode == 2
    assert result.stderr.startswith(f"edition: E001 edition definition cannot be read: "
                                    f"there is no file {missing}"), result.stderr


@pytest.mark.parametrize("command", ["build", "check", "publish", "nightly", "preview"])
def test_help_shows_edition_as_optional_with_its_default(command):
    result = run_cli(command, "--help", env=ENV)
    assert result.returncode == 0
    options = result.stdout.split("Options:")[1]
    edition = " ".join(options.split("  --edition")[1].split("\n  -")[0].split())
    assert "[default: daily]" in edition
    assert "required" not in edition
    assert "NAME|PATH" in edition


def test_counted_nouns_agree_with_their_number():
    from compiler.commands.words import counted

    assert counted(1, "story", "stories") == "1 story"
    assert counted(0, "story", "stories") == "0 stories"
    assert counted(2, "warning", "warnings") == "2 warnings"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_on_a_terminal_shows_the_stage_lines_without_log_time_or_place():
    from compiler.progress import Progress

    screen = _Terminal()
    progress = Progress(3, stream=screen)
    for label in ("Reading stories", "Packing the EPUB", "Done"):
        progress.stage(label)
    progress.done()
    progress.done()  # the CLI may call it twice (on failure, then at the end)
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|[\r⠋]", "\n", screen.getvalue())
    kept = [line.strip() for line in shown.splitlines() if line.strip()]
    for line in ("[1/3] Reading stories", "[2/3] Packing the EPUB", "[3/3] Done"):
        assert line in kept
    assert "progress.py" not in screen.getvalue()
    assert not re.search(r"\d\d:\d\d:\d\d", screen.getvalue())


def test_progress_in_a_log_is_one_plain_line_per_stage():
    from compiler.progress import Progress

    log = io.StringIO()
    progress = Progress(2, stream=log)
    progress.stage("Reading stories")
    progress.stage("Done")
    progress.done()
    assert log.getvalue() == "[1/2] Reading stories\n[2/2] Done\n"


def test_a_build_on_a_terminal_shows_clean_stage_lines(tmp_path):
    """The real CLI on a pseudo-terminal: rich's live display, no logging decorations."""
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story")
    toml = tmp_path / "tiny.toml"
    toml.write_text('[edition]\nsections = ["National"]\noutputs = ["epub"]\n', encoding="utf-8")
    leader, follower = pty.openpty()
    env = {**os.environ, **ENV, "SOURCE_DATE_EPOCH": "1764028800", "TERM": "xterm",
           "COLUMNS": "100"}
    child = subprocess.Popen(
        [sys.executable, "-m", "compiler", "build", str(content.root), "--edition", str(toml),
         "--out", str(tmp_path / "out"), "--date", DAY.isoformat()],
        cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    screen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # EIO: the child has gone and closed the terminal
            break
        if not chunk:
            break
        screen += chunk
    os.close(leader)
    assert child.wait(timeout=600) == 0, screen
    text = screen.decode("utf-8", "replace")
    assert "[1/4] Reading stories" in text
    assert "[4/4] Done" in text  # an EPUB-only edition has no PDF stage to count
    assert "progress.py" not in text
    assert not re.search(r"\[\d\d:\d\d:\d\d\]", text)


# ---------- edition check ----------


def check(tmp_path, content: Content, *extra: str):
    work = tmp_path / "cwd"
    work.mkdir(exist_ok=True)
    result = run_cli("check", content.root, *extra, cwd=work, env=ENV)
    assert tree(work) == [], "check wrote files"
    return result


def test_check_on_clean_content_exits_0_and_says_nothing_on_stderr(tmp_path):
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story", priority=1)
    content.story("other", headline="Another story", section="Sport")
    before = tree(content.root)
    result = check(tmp_path, content)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert re.search(r"\b2 stories usable, 0 left out, 0 errors, 0 warnings", result.stdout)
    assert tree(content.root) == before


def test_check_prints_every_problem_at_once_and_exits_1(tmp_path):
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story", priority=1)
    cases = [c for c in BAD if c.code in ("S002", "S005", "S007", "S015")]
    for case in cases:
        content.raw(case.file.removesuffix(".md"), case.data)
    content.story(
        "odd",
        text=lines("---", "headline: Odd", "section: National", "colour: red", "---", "Body."),
    )
    result = check(tmp_path, content)
    assert result.returncode == 1
    for case in cases:
        found = stderr_lines_for(result.stderr, case.file)
        assert len(found) == 1 and found[0].startswith(
            f"stories/{case.file}:{case.line}: {case.code} "
        ), result.stderr
    assert stderr_lines_for(result.stderr, "odd.md")[0].startswith("stories/odd.md:4: S011 ")
    assert re.search(
        rf"\b2 stories usable, {len(cases)} left out, {len(cases)} errors, "
        r"1 warning\b",
        result.stdout,
    ), result.stdout


def test_check_with_only_warnings_passes_unless_strict(tmp_path):
    content = Content(tmp_path / "content")
    content.story(
        "odd",
        text=lines("---", "headline: Odd", "section: National", "colour: red", "---", "Body."),
    )
    assert check(tmp_path, content).returncode == 0
    strict = check(tmp_path, content, "--strict")
    assert strict.returncode == 1
    assert "S011" in strict.stderr


def test_check_survives_an_impossible_published_date(tmp_path):
    """2026-02-30 looks like a YAML date but is not one; it must be S015, not a crash."""
    content = Content(tmp_path / "content")
    content.story("good", headline="A good story", priority=1)
    content.story(
        "feb30",
        text=lines(
            "---",
            "headline: Leap of faith",
            "section: National",
            "published: 2026-02-30",
            "---",
            "Body.",
        ),
    )
    result = check(tmp_path, content)
    assert "Traceback" not in result.stderr
    assert stderr_lines_for(result.stderr, "feb30.md")[:1] == [
        line for line in result.stderr.splitlines() if line.startswith("stories/feb30.md:4: S015 ")
    ]
    assert result.returncode == 1
    assert re.search(r"\b1 story usable, 1 left out", result.stdout), result.stdout


def test_the_command_line_loads_without_the_pipeline():
    """``edition build`` starts its layout workers before it imports the pipeline; that
    only helps while importing the CLI (and the shelf commands it registers) stays light."""
    heavy = ("compiler.build", "compiler.content.assemble", "compiler.epub.package",
             "compiler.pdf.printer",
             "ebooklib", "pikepdf", "PIL", "markdown_it", "weasyprint", "uharfbuzz")
    probe = subprocess.run(
        [sys.executable, "-c", "import sys, compiler.commands.main; "
         f"print(' '.join(m for m in {heavy!r} if m in sys.modules))"],
        capture_output=True, text=True, check=True, cwd=REPO)
    assert probe.stdout.split() == []
