"""``PUBLIC/<edition>/corrections.json``: every re-published day, old and new hashes.

Subscribers and the night editor can see that 24 November was replaced, when,
and prove which file they hold (``sha256sum daily-2026-11-24.pdf``). The file
is public on purpose and outlives retention: it is small and it is history.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from compiler.shelf.paths import CORRECTIONS_FILE, edition_dir


def corrections_path(public: Path, edition: str) -> Path:
    return edition_dir(public, edition) / CORRECTIONS_FILE


def read_corrections(public: Path, edition: str) -> list[dict]:
    path = corrections_path(public, edition)
    try:
        data = json.loads(path.read_bytes())
    except FileNotFoundError:
        return []
    except ValueError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc}); fix or move it aside") from exc
    return list(data.get("corrections", []))


def correction_entry(day: date, when: str,
                     changes: dict[str, tuple[str | None, str | None]]) -> dict:
    """One re-published day: ``changes`` maps a kind (pdf, epub) to (old, new) sha256."""
    return {
        "date": day.isoformat(),
        "time": when,
        "files": {kind: {"old_sha256": old, "new_sha256": new}
                  for kind, (old, new) in sorted(changes.items())},
    }


def corrections_file(edition: str, history: list[dict]) -> bytes:
    payload = {"edition": edition, "corrections": history}
    return json.dumps(payload, indent=2, ensure_ascii=False).encode() + b"\n"
