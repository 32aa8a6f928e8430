"""Drafts: what the agent has typed (ticket form, wrap-up notes), kept on disk as typed.

One small JSON file per draft, replaced atomically (temp file, fsync, rename) on every
change, so a crash or a SIGKILL leaves either the previous or the new draft, never half
of one. `pending()` lists what was never submitted, so the desk can offer it back.
Nothing secret goes here: passwords live only in the keyring.

Call ids start again on every centre (c1, c2…), so drafts are kept per server, centre and
log (`use_scope`, set at login): a draft never comes back on another centre, or attached
to another call that happens to get the same id. A draft whose call is gone is offered
back once (`mark_offered`); after that it stays on disk until discarded, but is not
offered again.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")


@dataclass(frozen=True, slots=True)
class Draft:
    kind: str  # "ticket", "wrapup", ...
    key: str  # what it belongs to, e.g. the call id
    fields: dict[str, Any]
    saved_at: float  # unix time of the last save
    offered: bool = False  # offered back once already (its call was gone)


def default_drafts_dir() -> Path:
    from platformdirs import user_data_dir

    return Path(user_data_dir("agent-tui")) / "drafts"


class DraftStore:
    def __init__(self, directory: Path | str | None = None) -> None:
        self.root = Path(directory) if directory is not None else default_drafts_dir()
        self.directory = self.root

    def use_scope(self, server_url: str, centre: str, log_id: str) -> None:
        """Keep drafts apart per server, centre and log from now on (at login)."""
        identity = "\n".join((server_url.rstrip("/"), centre, log_id)).encode("utf-8")
        self.directory = self.root / hashlib.sha256(identity).hexdigest()[:16]

    def _path(self, kind: str, key: str) -> Path:
        # Ids come from the server; keep them from naming a path outside the directory.
        return self.directory / f"{_SAFE_NAME.sub('_', kind)}--{_SAFE_NAME.sub('_', key)}.json"

    def save(self, kind: str, key: str, fields: dict[str, Any], *, offered: bool = False) -> None:
        """Write the draft atomically; called on every keystroke, so it stays small. The
        same fields again (a form refilled from its draft) change nothing, not even
        whether it was offered."""
        target = self._path(kind, key)
        known = self._read(target)
        if known is not None and known.fields == fields and known.offered >= offered:
            return
        self.directory.mkdir(parents=True, exist_ok=True)
        record = {
            "kind": kind,
            "key": key,
            "fields": fields,
            "saved_at": time.time(),
            "offered": offered,
        }
        payload = json.dumps(record, ensure_ascii=False).encode("utf-8")
        descriptor, temp_name = tempfile.mkstemp(
            prefix=f".{target.stem}.", suffix=".tmp", dir=self.directory
        )
        try:
            with os.fdopen(descriptor, "wb") as temp_file:
                temp_file.write(payload)
                temp_file.flush()
                os.fsync(temp_file.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise

    def load(self, kind: str, key: str) -> dict[str, Any] | None:
        draft = self._read(self._path(kind, key))
        return draft.fields if draft is not None else None

    def discard(self, kind: str, key: str) -> None:
        self._path(kind, key).unlink(missing_ok=True)

    def mark_offered(self, draft: Draft) -> None:
        """The desk offered this draft back: it will not be offered again."""
        if not draft.offered:
            self.save(draft.kind, draft.key, draft.fields, offered=True)

    def pending(self, kind: str | None = None) -> list[Draft]:
        """Drafts not yet submitted (or discarded), oldest first."""
        if not self.directory.is_dir():
            return []
        drafts = [
            draft
            for path in self.directory.glob("*.json")
            if (draft := self._read(path)) is not None and (kind is None or draft.kind == kind)
        ]
        return sorted(drafts, key=lambda draft: draft.saved_at)

    @staticmethod
    def _read(path: Path) -> Draft | None:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or not isinstance(record.get("fields"), dict):
            return None
        return Draft(
            kind=str(record.get("kind", "")),
            key=str(record.get("key", "")),
            fields=record["fields"],
            saved_at=float(record.get("saved_at", 0.0)),
            offered=bool(record.get("offered", False)),
        )
