"""The second edition's extra time: the daily alone vs the daily and the Khmer edition in
one ``edition nightly`` (issue 16).

Each figure is one real ``edition nightly`` process publishing to a fresh shelf, with
``SOURCE_DATE_EPOCH`` fixed: the daily alone, the Khmer edition alone, and both in one
run (one lock, one worker pool, each story read once, one photo cache). The extra time of
the second edition is (both) - (daily alone); what sharing saves is (daily alone + Khmer
alone) - (both). Each run ``--repeat`` times, the fastest kept.

    python benchmarks/editions.py [--content editions/sample] [--repeat 2] [--wait-idle 60]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

from run import HERE, ROOT, cli_env, measured

RUNS = {"daily": ("daily",), "khmer": ("khmer",), "both": ("daily", "khmer")}


def night(content: Path, scratch: Path, editions: tuple[str, ...], wait_idle: float) -> dict:
    public = scratch / "public"
    shutil.rmtree(public, ignore_errors=True)
    cmd = [sys.executable, "-m", "compiler", "nightly", str(content), str(public),
           "--date", "2026-11-25", "--quiet"]
    for name in editions:
        cmd += ["--edition", str(ROOT / "editions" / f"{name}.toml")]
    result = measured(cmd, ROOT, cli_env(scratch), 3600, wait_idle)
    if result["returncode"] != 0:
        raise SystemExit(f"{' '.join(editions)}: exit {result['returncode']}\n"
                         f"{result['stderr'][-2000:]}")
    return {"wall_s": result["wall_s"], "cpu_s": result["cpu_s"],
            "others_share": result["others_share"],
            "lines": result["stdout"].strip().splitlines()[-len(editions):]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--content", type=Path, default=ROOT / "editions" / "sample")
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--wait-idle", type=float, default=0)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="edition-editions-"))
    best: dict[str, dict] = {}
    try:
        for k in range(max(2, args.repeat)):
            for name, editions in RUNS.items():
                figure = night(args.content.resolve(), scratch, editions, args.wait_idle)
                print(f"  run {k + 1} {name:5}: {figure['wall_s']:6.2f} s wall, "
                      f"{figure['cpu_s']:6.2f} s CPU, others {figure['others_share']:.0%}",
                      flush=True)
                if name not in best or figure["wall_s"] < best[name]["wall_s"]:
                    best[name] = figure
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    daily, khmer, both = (best[name]["wall_s"] for name in RUNS)
    extra = both - daily
    cpu = {name: best[name]["cpu_s"] for name in RUNS}
    summary = {"content": str(args.content), "repeat": max(2, args.repeat),
               "daily_s": daily, "khmer_s": khmer, "both_s": both,
               "second_edition_extra_s": extra, "saved_s": daily + khmer - both,
               "cpu_s": cpu, "second_edition_extra_cpu_s": cpu["both"] - cpu["daily"],
               "runs": best}
    for line in best["both"]["lines"]:
        print(f"  {line}")
    print(f"Daily alone {daily:.2f} s; Khmer alone {khmer:.2f} s; both in one night "
          f"{both:.2f} s: the second edition adds {extra:.2f} s "
          f"({extra / khmer:.0%} of its own night), sharing saves {daily + khmer - both:.2f} s")
    print(f"CPU (the whole process tree): daily {cpu['daily']:.2f} s, Khmer {cpu['khmer']:.2f} s, "
          f"both {cpu['both']:.2f} s: the second edition adds {cpu['both'] - cpu['daily']:.2f} s")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "editions.json").write_text(json.dumps(summary, indent=2) + "\n",
                                            encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
