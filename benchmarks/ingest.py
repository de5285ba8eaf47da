"""Ingest speed: a 200-item feed without photos, and 100 photos in parallel vs one by one.

    python benchmarks/ingest.py [--items 200] [--photos 100] [--latency-ms 50] [--repeat 3]

1. Writes a deterministic RSS 2.0 feed of ``--items`` items (news-length bodies, categories)
   and times the real CLI, ``python -m compiler ingest FEED CONTENT``, in a subprocess
   (wall time, Python start and imports included), and ``compiler.ingest.run.ingest`` in
   this process (the work alone). Fastest of ``--repeat``.
2. Serves ``--photos`` JPEGs (1200x800) from a server on 127.0.0.1 that answers each
   request after ``--latency-ms`` (a photo server across a network is never instant; 0
   measures loopback alone), and times an ingest of a JSON Feed pointing at them with the
   default parallel downloads and with one download at a time (``workers=1``).

Prints the figures and writes them as JSON to ``benchmarks/results/ingest.json``.
Figures and how to read them: docs/performance.md, "Ingest".
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PIL import Image  # noqa: E402

from compiler.config import load_config  # noqa: E402
from compiler.ingest.photos import WORKERS  # noqa: E402
from compiler.ingest.run import ingest  # noqa: E402

EDITION = """[edition]
title = "Benchmark"
sections = ["National", "Business", "World", "Opinion", "Sport"]
default_section = "World"
"""
WORDS = ("the ministry said on tuesday that the new figures showed growth in exports of "
         "rice garments and bicycles while officials in phnom penh expected more visitors "
         "during the water festival and the central bank kept its rate").split()
SECTIONS = ("National", "Business", "World", "Opinion", "Sport")


def paragraph(seed: int, words: int = 60) -> str:
    return " ".join(WORDS[(seed * 7 + i * 3) % len(WORDS)] for i in range(words)).capitalize()


def feed(items: int) -> bytes:
    entries = []
    for n in range(items):
        body = "".join(f"<p>{paragraph(n + k)}.</p>" for k in range(8))
        entries.append(
            f"<item><title>Story {n}: {escape(paragraph(n, 8))}</title>"
            f"<link>https://news.example/{n}</link><guid>https://news.example/{n}</guid>"
            f"<category>{SECTIONS[n % 5]}</category><category>tag{n % 17}</category>"
            f"<dc:creator>Reporter {n % 9}</dc:creator>"
            f"<pubDate>Wed, 25 Nov 2026 0{n % 10}:00:00 +0700</pubDate>"
            f"<description>{escape(body)}</description></item>")
    return ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>Bench</title>'
            + "".join(entries) + "</channel></rss>").encode()


def timed(action, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - started)
    return best


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128
    """http.server listens with a backlog of 5: more connections at once than that lose
    their SYN and wait a second to retry, which would measure the server, not ingest."""


def photo_server(count: int, latency: float):
    image = io.BytesIO()
    Image.new("RGB", (1200, 800), (40, 90, 140)).save(image, "JPEG", quality=80)
    data = image.getvalue()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            time.sleep(latency)  # the network's part of a photo download
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = _Server(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    items = [{"id": f"p{n}", "title": f"Photo story {n}", "tags": [SECTIONS[n % 5]],
              "image": f"{url}/photo-{n}.jpg", "content_html": f"<p>{paragraph(n)}.</p>"}
             for n in range(count)]
    return server, json.dumps({"version": "https://jsonfeed.org/version/1.1",
                               "items": items}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--photos", type=int, default=100)
    parser.add_argument("--latency-ms", type=float, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ingest-bench-"))
    try:
        edition = work / "bench.toml"
        edition.write_text(EDITION)
        config = load_config(edition)[0]
        source = work / "feed.xml"
        source.write_bytes(feed(args.items))

        def cli():
            shutil.rmtree(work / "cli", ignore_errors=True)
            subprocess.run([sys.executable, "-m", "compiler", "ingest", str(source),
                            str(work / "cli"), "--edition", str(edition), "--quiet"],
                           cwd=REPO, check=True, capture_output=True)

        def in_process():
            shutil.rmtree(work / "lib", ignore_errors=True)
            result = ingest([str(source)], work / "lib", config)
            assert result.count("new") == args.items, result.summary()

        figures = {"items": args.items, "cli_s": timed(cli, args.repeat),
                   "in_process_s": timed(in_process, args.repeat)}

        server, photo_feed = photo_server(args.photos, args.latency_ms / 1000)
        photo_source = work / "photos.json"
        photo_source.write_bytes(photo_feed)

        def photos(workers: int):
            def run():
                shutil.rmtree(work / f"p{workers}", ignore_errors=True)
                result = ingest([str(photo_source)], work / f"p{workers}", config,
                                allow_hosts=("127.0.0.1",), workers=workers)
                assert result.count("warning") == 0, [line.format() for line in result.lines]
            return run

        figures.update(photos=args.photos, latency_ms=args.latency_ms, workers=WORKERS,
                       parallel_s=timed(photos(WORKERS), args.repeat),
                       one_by_one_s=timed(photos(1), args.repeat))
        figures["speedup"] = figures["one_by_one_s"] / figures["parallel_s"]
        server.shutdown()
        figures["machine"] = f"{platform.processor() or platform.machine()}, " \
                             f"{os.cpu_count()} cores, Python {platform.python_version()}"
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{figures['items']}-item feed, no photos: CLI {figures['cli_s']:.2f} s "
          f"(in process {figures['in_process_s']:.2f} s)")
    print(f"{figures['photos']} photos, {figures['latency_ms']:.0f} ms per request: "
          f"parallel ({figures['workers']}) {figures['parallel_s']:.2f} s, one by one "
          f"{figures['one_by_one_s']:.2f} s, {figures['speedup']:.1f}x")
    out = REPO / "benchmarks" / "results"
    out.mkdir(exist_ok=True)
    (out / "ingest.json").write_text(json.dumps(figures, indent=1) + "\n")


if __name__ == "__main__":
    main()
