"""Performance benchmark: the edition compiler's CLI against bare WeasyPrint.

    python benchmarks/run.py [--sizes 20,60,200] [--out DIR] [--skip-baseline] [--correction]

For each size it generates a deterministic edition (English news prose, half the stories
with 3000x2000 photos, related links in and out of the edition, a few Khmer stories), then

* runs the real CLI, ``python -m compiler build CONTENT --out DIR --date D --quiet``, in a
  subprocess (with a fresh ``--cache-dir`` when the CLI has one), measuring wall time, CPU
  time, the peak of the summed RSS of the whole process tree (sampled every 50 ms), pages
  (pdfinfo), and the PDF and EPUB sizes;
* runs the baseline: the same edition laid out by bare WeasyPrint as ONE document in ONE
  process (``print_html`` + ``stylesheets`` + ``EditionFetcher``, ``HTML.render`` and
  ``write_pdf``), measured the same way;
* with ``--correction``, after the full build of the 60-story edition (or the size closest to
  60), changes one figure in one story and rebuilds with the same cache folder.

It prints a table and the machine, writes JSON to ``--out`` (``latest.json``) and draws
``docs/performance.png``. Only the CLI and the few functions above are relied on, so the
benchmark keeps working while the build's internals change (the baseline also accepts the
parts-era ``whole_stylesheets(edition)`` when ``stylesheets`` is gone).

Every build in a run imports one snapshot of compiler/, layouts/, fonts/ and editions/
copied at the start (``--no-snapshot`` to measure the live checkout), and each build also
reports how much CPU the rest of the machine used meanwhile. On a shared machine use
``--repeat 2 --wait-idle 60``: the fastest of the repeats is kept. docs/performance.md has
the figures and how to read them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

DAY = "2026-11-25"
SOURCE_DATE_EPOCH = "1795590000"  # 2026-11-25, so every run writes the same bytes
SAMPLE_SECONDS = 0.05
DEFAULT_PHOTO_CACHE = Path(tempfile.gettempdir()) / "edition-bench-photos"


# --------------------------------------------------------------------------- measuring


class TreeSampler(threading.Thread):
    """Every 50 ms: RSS of the process and all its descendants; keeps the largest sum."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.root = psutil.Process(pid)
        self.peak_sum = 0
        self.peak_single = 0
        self.peak_processes = 0
        self.samples = 0
        self.cpu_seen: dict[int, float] = {}  # pid -> user+sys CPU seconds at the last sample
        self._halt = threading.Event()

    def run(self) -> None:
        psutil = self.psutil
        while not self._halt.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            largest = 0
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                    times = proc.cpu_times()
                except psutil.Error:
                    continue
                self.cpu_seen[proc.pid] = times.user + times.system
                total += rss
                largest = max(largest, rss)
            self.samples += 1
            self.peak_sum = max(self.peak_sum, total)
            self.peak_single = max(self.peak_single, largest)
            self.peak_processes = max(self.peak_processes, len(procs))
            self._halt.wait(SAMPLE_SECONDS)

    def stop(self) -> None:
        self._halt.set()
        self.join(2)

    def cpu_split(self) -> dict[str, float]:
        """CPU seconds of the top process and of its descendants, as last sampled."""
        main = self.cpu_seen.get(self.root.pid, 0.0)
        return {"main_process": main, "descendants": sum(self.cpu_seen.values()) - main}


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (all processes, all cores)."""
    import psutil

    t = psutil.cpu_times()
    return sum(t) - t.idle - getattr(t, "iowait", 0.0) - getattr(t, "guest", 0.0) - getattr(
        t, "guest_nice", 0.0)


def wait_until_idle(limit: float) -> float:
    """Wait (up to limit seconds) until the machine is mostly idle; return its busy %."""
    import psutil

    deadline = time.monotonic() + limit
    while True:
        busy = psutil.cpu_percent(interval=2)
        if busy < 30 or time.monotonic() >= deadline:
            return busy


def measured(cmd: list[str], cwd: Path, env: dict, timeout: float, wait_idle: float = 0) -> dict:
    """Run cmd; wall time, CPU time of the whole tree, peak summed RSS, output, and how
    much CPU everything else on the machine used meanwhile (the benchmark's noise)."""
    busy_before_start = wait_until_idle(wait_idle) if wait_idle > 0 else None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    machine_before = machine_busy_seconds()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sampler = TreeSampler(proc.pid)
    sampler.start()
    timed_out = False
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        import psutil

        for child in psutil.Process(proc.pid).children(recursive=True):
            child.kill()
        proc.kill()
        stdout, stderr = proc.communicate()
    wall = time.perf_counter() - start
    machine_after = machine_busy_seconds()
    sampler.stop()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    others = max(0.0, (machine_after - machine_before) - cpu)
    return {
        "cpu_split_s": sampler.cpu_split(),
        "others_cpu_s": others,
        "others_share": others / (wall * (cores or 1)),
        "busy_pct_before": busy_before_start,
        "returncode": proc.returncode, "timed_out": timed_out, "wall_s": wall, "cpu_s": cpu,
        "peak_mb": sampler.peak_sum / 2**20, "peak_single_mb": sampler.peak_single / 2**20,
        "max_processes": sampler.peak_processes, "rss_samples": sampler.samples,
        "load_before": load, "stdout": stdout, "stderr": stderr,
    }


def pdf_pages(path: Path) -> int | None:
    try:
        out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"^Pages:\s+(\d+)", out.stdout, re.M)
    return int(match.group(1)) if match else None


CODE_FOLDERS = ("compiler", "layouts", "fonts", "editions")
CODE_ROOT = ROOT
EDITION_VARIABLE = "EDITION_BENCHMARK_EDITION"
"""Set by --edition: the definition both ours and bare use (default: the bundled daily)."""
"""Where the measured compiler is imported from: the checkout, or a snapshot of it."""


def snapshot_code(dest: Path) -> tuple[Path, str]:
    """Copy the compiler, layouts, fonts and editions, so every build in the run measures
    the same code even while others edit the checkout (the part cache's key covers the
    compiler's source, so an edit between two builds would also void the correction test).
    Returns the snapshot and a digest of its files that names the code measured."""
    digest = hashlib.sha256()
    for name in CODE_FOLDERS:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, dest / name, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".cache"))
    for path in sorted(dest.rglob("*")):
        if path.is_file():
            digest.update(str(path.relative_to(dest)).encode())
            digest.update(path.read_bytes())
    return dest, digest.hexdigest()[:16]


def cli_env(home: Path) -> dict:
    """A clean environment for one build: fixed date, the compiler importable, and any
    default cache folder (XDG) pointed somewhere fresh so no build is warmed by another."""
    env = dict(os.environ)
    env["SOURCE_DATE_EPOCH"] = SOURCE_DATE_EPOCH
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(CODE_ROOT), env.get("PYTHONPATH")]))
    env["XDG_CACHE_HOME"] = str(home / "xdg-cache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cache_option() -> str | None:
    """The CLI's cache-folder option, if it has one yet."""
    out = subprocess.run([sys.executable, "-m", "compiler", "build", "--help"],
                         cwd=tempfile.gettempdir(),
                         capture_output=True, text=True, env=cli_env(Path(tempfile.gettempdir())))
    for name in ("--cache-dir", "--cache-folder", "--cache"):
        if re.search(rf"(^|[\s,]){re.escape(name)}\b(?!-)", out.stdout, re.M):
            return name
    return None


# --------------------------------------------------------------------------- the two builds


def run_cli(content: Path, home: Path, out: Path, cache: Path | None, cache_flag: str | None,
            timeout: float, wait_idle: float = 0) -> dict:
    cmd = [sys.executable, "-m", "compiler", "build", str(content), "--out", str(out),
           "--date", DAY, "--quiet"]
    if os.environ.get(EDITION_VARIABLE):
        cmd += ["--edition", os.environ[EDITION_VARIABLE]]
    if cache_flag and cache is not None:
        cmd += [cache_flag, str(cache)]
    home.mkdir(parents=True, exist_ok=True)
    result = measured(cmd, home, cli_env(home), timeout, wait_idle)
    pdf = next(iter(sorted(out.glob("*.pdf"))), None) if out.is_dir() else None
    epub = next(iter(sorted(out.glob("*.epub"))), None) if out.is_dir() else None
    report = next(iter(sorted(out.glob("*.report.json"))), None) if out.is_dir() else None
    result["command"] = " ".join(cmd)
    result["pages"] = pdf_pages(pdf) if pdf else None
    result["pdf_mb"] = pdf.stat().st_size / 2**20 if pdf else None
    result["epub_mb"] = epub.stat().st_size / 2**20 if epub else None
    result["stages_s"] = {}
    result["left_out"] = None
    if report:
        try:
            data = json.loads(report.read_text(encoding="utf-8"))
            result["stages_s"] = data.get("timings_seconds", {})
            result["left_out"] = len(data.get("left_out", []))
            result["parts_laid_out"] = data.get("pdf_parts_laid_out")
            # Part-empty pages (issue 12): under 85 % full, yet not a section's last page.
            result["full_pages"] = data.get("pages_that_must_be_full")
            result["part_empty"] = len(data.get("pages_under_85_percent", []))
            result["diagnostics"] = [d.get("code") for d in data.get("diagnostics", [])]
        except (OSError, ValueError):
            pass
    result["ok"] = result["returncode"] == 0 and pdf is not None
    if result["pages"]:
        result["s_per_page"] = result["wall_s"] / result["pages"]
        result["cpu_s_per_page"] = result["cpu_s"] / result["pages"]
    return result


def run_bare(content: Path, home: Path, timeout: float, wait_idle: float = 0) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    out_pdf = home / "bare.pdf"
    cmd = [sys.executable, str(Path(__file__).resolve()), "--bare-child", str(content),
           str(home / "work"), str(out_pdf)]
    result = measured(cmd, home, cli_env(home), timeout, wait_idle)
    result["command"] = "bare WeasyPrint: print_html + HTML.render + write_pdf, one process"
    result["inner"] = {}
    for line in reversed(result["stdout"].splitlines()):
        if line.startswith("{"):
            result["inner"] = json.loads(line)
            break
    result["pages"] = pdf_pages(out_pdf) if out_pdf.is_file() else None
    result["pdf_mb"] = out_pdf.stat().st_size / 2**20 if out_pdf.is_file() else None
    result["ok"] = result["returncode"] == 0 and out_pdf.is_file()
    if result["pages"]:
        result["s_per_page"] = result["wall_s"] / result["pages"]
        result["cpu_s_per_page"] = result["cpu_s"] / result["pages"]
    return result


def bare_child(content: str, work: str, out_pdf: str) -> None:
    """The baseline, run in its own process: the whole edition as one WeasyPrint document."""
    from datetime import date

    clock = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    try:  # fontconfig must see only fonts/ before WeasyPrint loads Pango
        from compiler.text.fonts import isolate_fontconfig
    except ImportError:
        isolate_fontconfig = None
    if isolate_fontconfig:
        isolate_fontconfig()
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from compiler import resources
    from compiler.config import load_config
    from compiler.content.assemble import assemble
    from compiler.pdf import printer as compiler_pdf
    from compiler.pdf.fetcher import EditionFetcher
    lap("import")

    config, problems = load_config(Path(os.environ.get(EDITION_VARIABLE) or
                                        resources.EDITIONS_DIR / "daily.toml"))
    if config is None:
        raise SystemExit(f"cannot load the daily edition: {problems}")
    edition = assemble(Path(content), config, date.fromisoformat(DAY)).edition
    lap("assemble")
    work_dir = Path(work)
    work_dir.mkdir(parents=True, exist_ok=True)
    source = compiler_pdf.print_html(edition, work_dir)
    lap("print_html")
    scheme = getattr(compiler_pdf, "PHOTO_SCHEME", "edition-photo")
    folder = getattr(compiler_pdf, "PHOTO_FOLDER", "print-photos")
    fetcher = EditionFetcher([edition.content_root, resources.LAYOUTS_DIR, resources.FONTS_DIR],
                             config.allowed_hosts, named={scheme: work_dir / folder})
    fonts = FontConfiguration()
    base_url = (resources.LAYOUTS_DIR / "print").as_uri() + "/"
    if hasattr(compiler_pdf, "stylesheets"):  # CSS objects, (edition, fetcher, fonts)
        sheets = compiler_pdf.stylesheets(edition, fetcher, fonts)
        base_url = edition.content_root.as_uri() + "/"
    else:  # the parts-era API: CSS texts for the whole digest as one document
        sheets = [CSS(string=text, url_fetcher=fetcher, font_config=fonts, base_url=base_url)
                  for text in compiler_pdf.whole_stylesheets(edition)]
    document = HTML(string=source, base_url=base_url, url_fetcher=fetcher).render(
        stylesheets=sheets, font_config=fonts)
    lap("render")
    data = document.write_pdf()
    lap("write_pdf")
    Path(out_pdf).write_bytes(data)
    print(json.dumps({"pages": len(document.pages), "stories": len(edition.stories),
                      "timings_s": timings}))


# --------------------------------------------------------------------------- machine


def machine() -> dict:
    import psutil

    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from importlib.metadata import version

        weasyprint = version("weasyprint")
    except Exception:  # noqa: BLE001
        weasyprint = "?"
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": cpu, "cores": os.cpu_count(), "usable_cores": usable,
        "ram_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(), "weasyprint": weasyprint,
        "os": f"{platform.system()} {platform.release()}",
    }


# --------------------------------------------------------------------------- report


def fmt(value, spec: str = ".2f", missing: str = "n/a") -> str:
    return missing if value is None else format(value, spec)


def _part_empty(result: dict) -> str:
    """Part-empty pages of those that must be full, and their share."""
    if not result.get("full_pages"):
        return "n/a"
    share = result["part_empty"] / result["full_pages"]
    return f"{result['part_empty']}/{result['full_pages']} ({100 * share:.0f}%)"


def table(rows: list[dict]) -> str:
    head = ["stories", "pages", "part-empty", "wall s", "s/page", "peak MB", "PDF MB",
            "EPUB MB", "bare pages", "bare wall s", "bare s/page", "bare peak MB", "ratio"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for row in rows:
        ours, bare = row["ours"], row.get("bare") or {}
        lines.append("| " + " | ".join([
            str(row["stories"]), fmt(ours.get("pages"), "d"), _part_empty(ours),
            fmt(ours.get("wall_s"), ".1f"),
            fmt(ours.get("s_per_page"), ".3f"), fmt(ours.get("peak_mb"), ".0f"),
            fmt(ours.get("pdf_mb"), ".1f"), fmt(ours.get("epub_mb"), ".1f"),
            fmt(bare.get("pages"), "d"), fmt(bare.get("wall_s"), ".1f"),
            fmt(bare.get("s_per_page"), ".3f"), fmt(bare.get("peak_mb"), ".0f"),
            fmt(row.get("ratio"), ".2f"),
        ]) + " |")
    return "\n".join(lines)


def detail_table(rows: list[dict]) -> str:
    head = ["stories", "words", "photos", "ours CPU s (main + workers)", "ours CPU s/page",
            "ours stages s", "bare CPU s", "bare CPU s/page", "bare stages s", "CPU ratio",
            "others' CPU share ours / bare"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---:|" * len(head)]
    for row in rows:
        ours, bare = row["ours"], row.get("bare") or {}
        stages = ", ".join(f"{k} {v:.1f}" for k, v in (ours.get("stages_s") or {}).items()
                           if isinstance(v, (int, float)))
        inner = ", ".join(f"{k} {v:.1f}"
                          for k, v in ((bare.get("inner") or {}).get("timings_s") or {}).items())
        split = ours.get("cpu_split_s") or {}
        share = f"{100 * ours.get('others_share', 0):.0f}%"
        if bare:
            share += f" / {100 * bare.get('others_share', 0):.0f}%"
        lines.append("| " + " | ".join([
            str(row["stories"]), str(row["content"]["words"]), str(row["content"]["photos"]),
            f"{fmt(ours.get('cpu_s'), '.1f')} ({fmt(split.get('main_process'), '.1f')} + "
            f"{fmt(split.get('descendants'), '.1f')})",
            fmt(ours.get("cpu_s_per_page"), ".3f"), stages or "-",
            fmt(bare.get("cpu_s"), ".1f"), fmt(bare.get("cpu_s_per_page"), ".3f"), inner or "-",
            fmt(row.get("cpu_ratio"), ".2f"), share,
        ]) + " |")
    return "\n".join(lines)


def targets(rows: list[dict], correction: dict | None) -> list[dict]:
    by_size = {row["stories"]: row for row in rows}

    def verdict(value, limit) -> str:
        if value is None:
            return "not measured"
        return "holds" if value <= limit else "fails"

    out = []
    mid = by_size.get(60)
    ratio = mid.get("ratio") if mid else None
    out.append({"target": "ours <= 0.5 x bare s/page (60 stories)", "value": ratio,
                "limit": 0.5, "verdict": verdict(ratio, 0.5)})
    big = by_size.get(200)
    scale = None
    if mid and big and mid["ours"].get("s_per_page") and big["ours"].get("s_per_page"):
        scale = big["ours"]["s_per_page"] / mid["ours"]["s_per_page"]
    out.append({"target": "200-story s/page <= 1.2 x 60-story s/page", "value": scale,
                "limit": 1.2, "verdict": verdict(scale, 1.2)})
    peak = big["ours"].get("peak_mb") if big and big["ours"].get("ok") else None
    out.append({"target": "peak memory < 1024 MB (200 stories)", "value": peak,
                "limit": 1024, "verdict": verdict(peak, 1023.999)})
    value = correction.get("ratio") if correction else None
    out.append({"target": "correction rebuild <= 0.2 x full build (60 stories)", "value": value,
                "limit": 0.2, "verdict": verdict(value, 0.2)})
    return out


def plot(rows: list[dict], path: Path, info: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stories = [row["stories"] for row in rows]
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 5.4))

    def series(key: str, who: str) -> tuple[list, list]:
        xs, ys = [], []
        for row in rows:
            value = (row.get(who) or {}).get(key)
            if value is not None:
                xs.append(row["stories"])
                ys.append(value)
        return xs, ys

    colours = {"ours": "tab:blue", "bare": "tab:orange"}
    for who, label, style in (("ours", "edition compiler (CLI)", "o-"),
                              ("bare", "bare WeasyPrint, one process", "s--")):
        colour = colours[who]
        xs, ys = series("wall_s", who)
        if xs:
            left.plot(xs, ys, style, color=colour, label=label)
            for x, y in zip(xs, ys, strict=True):
                left.annotate(f"{y:.0f} s", (x, y), textcoords="offset points",
                              xytext=(6, -12 if who == "ours" else 6), fontsize=8, color=colour)
        xs, ys = series("cpu_s_per_page", who)
        if xs:
            right.plot(xs, ys, style, color=colour, alpha=0.3, label=f"{label}: CPU s/page")
        xs, ys = series("s_per_page", who)
        if xs:
            right.plot(xs, ys, style, color=colour, label=f"{label}: wall s/page")
            for x, y in zip(xs, ys, strict=True):
                right.annotate(f"{y:.2f}", (x, y), textcoords="offset points",
                               xytext=(6, -12 if who == "ours" else 6), fontsize=8, color=colour)
    xs, ys = series("s_per_page", "bare")
    if xs:
        right.plot(xs, [y / 2 for y in ys], ":", color="grey",
                   label="target: 0.5 x bare wall s/page")
    left.set(title="Wall time per edition", xlabel="stories", ylabel="seconds")
    right.set(title="Seconds per PDF page (faint: CPU seconds of the process tree)",
              xlabel="stories", ylabel="s / page")
    right.set_ylim(bottom=0)
    left.set_ylim(bottom=0)
    for ax in (left, right):
        ax.set_xticks(stories)
        ax.grid(alpha=0.3)
        # Below the axes: inside, the legend hid the figures it explains.
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2)
    fig.suptitle(f"{info['cpu']}, {info['usable_cores']} cores, {info['ram_gb']} GB, "
                 f"Python {info['python']}, WeasyPrint {info['weasyprint']}", fontsize=9)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def public(result: dict | None) -> dict | None:
    """A result without the bulky captured output (kept short for the JSON)."""
    if result is None:
        return None
    out = {k: v for k, v in result.items() if k not in ("stdout", "stderr")}
    out["stderr_tail"] = (result.get("stderr") or "")[-2000:]
    return out


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20,60,200",
                        help="comma-separated edition sizes in stories (default 20,60,200)")
    parser.add_argument("--out", type=Path, default=HERE / "results",
                        help="folder for latest.json (default benchmarks/results)")
    parser.add_argument("--skip-baseline", action="store_true",
                        help="do not measure bare WeasyPrint")
    parser.add_argument("--correction", action="store_true",
                        help="also time a one-story correction rebuild of the 60-story edition")
    parser.add_argument("--plot", type=Path, default=ROOT / "docs" / "performance.png",
                        help="where to draw the plot (default docs/performance.png)")
    parser.add_argument("--work", type=Path, default=None,
                        help="scratch folder (default: a new temporary folder, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--photo-cache", type=Path, default=DEFAULT_PHOTO_CACHE,
                        help=f"generated photos, reused between sizes and runs "
                             f"(default {DEFAULT_PHOTO_CACHE})")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="seconds before one build is killed (default 3600)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--edition", type=Path, default=None,
                        help="edition definition for ours and bare (default: the bundled "
                             "daily.toml)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="measure each build N times and keep the fastest (default 1)")
    parser.add_argument("--wait-idle", type=float, default=0, metavar="SECONDS",
                        help="before each build, wait up to SECONDS for the machine to be "
                             "under 30%% busy (for shared machines; default 0: do not wait)")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="import the compiler from the checkout as it changes, instead of "
                             "from a copy taken at the start of the run")
    parser.add_argument("--replot", type=Path, metavar="JSON",
                        help="only redraw the plot from a results file written earlier")
    parser.add_argument("--bare-child", nargs=3, metavar=("CONTENT", "WORK", "PDF"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.bare_child:
        bare_child(*args.bare_child)
        return 0
    if args.replot:
        saved = json.loads(args.replot.read_text(encoding="utf-8"))
        plot(saved["results"], args.plot, saved["machine"])
        print(f"Wrote {args.plot}")
        return 0

    from content import correct_story, make_edition

    if args.edition:
        os.environ[EDITION_VARIABLE] = str(args.edition.resolve())

    global CODE_ROOT
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    scratch = args.work or Path(tempfile.mkdtemp(prefix="edition-bench-"))
    scratch.mkdir(parents=True, exist_ok=True)
    if args.no_snapshot:
        code_id = "live checkout"
    else:
        CODE_ROOT, code_id = snapshot_code(scratch / "code")
    info = machine()
    info["code"] = code_id
    flag = cache_option()
    started = datetime.now(UTC).replace(microsecond=0).isoformat()
    print(f"Machine: {info['cpu']}; {info['usable_cores']} of {info['cores']} cores; "
          f"{info['ram_gb']} GB RAM; Python {info['python']}; WeasyPrint {info['weasyprint']}")
    print(f"CLI cache option: {flag or 'none (correction rebuild is n/a)'}")
    print(f"Load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

    print(f"Code measured: {'the live checkout' if args.no_snapshot else 'snapshot ' + code_id}")
    correction_size = min(sizes, key=lambda n: abs(n - 60)) if args.correction else None
    rows: list[dict] = []
    correction: dict | None = None

    def fastest(runs: list[dict]) -> dict:
        good = [r for r in runs if r["ok"]] or runs
        best = min(good, key=lambda r: r["wall_s"])
        best["all_wall_s"] = [round(r["wall_s"], 2) for r in runs]
        return best

    def describe(who: str, r: dict) -> str:
        return (f"  {who}: {r['wall_s']:.1f} s, {fmt(r.get('pages'), 'd')} pages "
                f"(part-empty: {_part_empty(r)}), "
                f"{fmt(r.get('s_per_page'), '.3f')} s/page, peak {r['peak_mb']:.0f} MB, "
                f"CPU {r['cpu_s']:.1f} s, other load {100 * r['others_share']:.0f}%")

    try:
        for n in sizes:
            base = scratch / f"s{n}"
            content = base / "content"
            t = time.perf_counter()
            stats = make_edition(content, n, args.photo_cache, args.seed)
            print(f"\n[{n} stories] content: {stats['words']} words, {stats['photos']} photos, "
                  f"{stats['khmer']} Khmer ({time.perf_counter() - t:.1f} s to generate)",
                  flush=True)
            runs = []
            for k in range(max(1, args.repeat)):
                cache = base / f"cache-{k}"  # a fresh cache for every full build
                out = base / f"out-{k}"
                runs.append(run_cli(content, base / f"home-{k}", out, cache, flag, args.timeout,
                                    args.wait_idle))
                print(describe("ours", runs[-1]) + f", stages {runs[-1]['stages_s']}", flush=True)
                if not runs[-1]["ok"]:
                    print(f"  ours FAILED (exit {runs[-1]['returncode']}):\n"
                          f"{runs[-1]['stderr'][-3000:]}")
            ours = fastest(runs)
            row = {"stories": n, "content": stats, "ours": ours, "bare": None, "ratio": None}

            if not args.skip_baseline:
                bare = fastest([run_bare(content, base / f"bare-{k}", args.timeout,
                                         args.wait_idle) for k in range(max(1, args.repeat))])
                row["bare"] = bare
                print(describe("bare", bare) + f", inner {bare['inner'].get('timings_s')}",
                      flush=True)
                if not bare["ok"]:
                    print(f"  bare FAILED (exit {bare['returncode']}):\n{bare['stderr'][-3000:]}")
                if ours.get("s_per_page") and bare.get("s_per_page"):
                    row["ratio"] = ours["s_per_page"] / bare["s_per_page"]
                    row["cpu_ratio"] = ours["cpu_s_per_page"] / bare["cpu_s_per_page"]
            if args.correction and n == correction_size:
                if flag and ours["ok"]:
                    edited = correct_story(content)
                    # Each full build left its own cache; rebuild against each, keep the fastest.
                    again = fastest([
                        run_cli(content, base / f"home-{k}", base / f"out-{k}",
                                base / f"cache-{k}", flag, args.timeout, args.wait_idle)
                        for k, run in enumerate(runs) if run["ok"]])
                    ratio = again["wall_s"] / ours["wall_s"] if again["ok"] else None
                    correction = {"stories": n, "story": edited.name, "full_s": ours["wall_s"],
                                  "rebuild": again, "rebuild_s": again["wall_s"], "ratio": ratio,
                                  "full_cpu_s": ours["cpu_s"], "rebuild_cpu_s": again["cpu_s"]}
                    print(describe("correction rebuild", again)
                          + f", = {fmt(ratio, '.2f')} x full build, stages {again['stages_s']}, "
                          f"parts laid out {again.get('parts_laid_out')}", flush=True)
                else:
                    note = ("n/a: the CLI has no cache option" if not flag
                            else "n/a: the full build failed")
                    correction = {"stories": n, "full_s": ours["wall_s"], "rebuild_s": None,
                                  "ratio": None, "note": note}
                    print(f"  correction rebuild: {note}")

            rows.append(row)
            if not args.keep:
                for path in base.glob("out-*"):
                    shutil.rmtree(path, ignore_errors=True)
                for path in base.glob("bare-*"):
                    shutil.rmtree(path, ignore_errors=True)
    finally:
        if not args.keep and args.work is None:
            shutil.rmtree(scratch, ignore_errors=True)

    checks = targets(rows, correction)
    print("\n" + table(rows))
    print("\n" + detail_table(rows))
    if correction is not None:
        print(f"\nCorrection rebuild ({correction['stories']} stories): "
              f"{fmt(correction.get('rebuild_s'), '.1f')} s vs full {correction['full_s']:.1f} s"
              f" -> ratio {fmt(correction.get('ratio'), '.2f')}")
    print("\nTargets:")
    for check in checks:
        print(f"  {check['target']}: {fmt(check['value'], '.2f')} -> {check['verdict']}")
    print(f"\nMachine: {json.dumps(info)}")
    print(f"Load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")

    args.out.mkdir(parents=True, exist_ok=True)
    report = {
        "started": started, "command": "python benchmarks/run.py " + " ".join(sys.argv[1:]),
        "machine": info, "cache_option": flag, "load_average_end": os.getloadavg(),
        "results": [{**row, "ours": public(row["ours"]), "bare": public(row["bare"])}
                    for row in rows],
        "correction": ({**correction, "rebuild": public(correction.get("rebuild"))}
                       if correction else None),
        "targets": checks,
    }
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    plot(rows, args.plot, info)
    print(f"Wrote {args.out / 'latest.json'} and {args.plot}")
    return 0 if all(row["ours"]["ok"] for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
