from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from agent_tui.drafts import DraftStore


def test_a_saved_draft_comes_back_from_a_new_store(tmp_path: Path) -> None:
    DraftStore(tmp_path).save("ticket", "c-17", {"subject": "断网 no line", "priority": "high"})
    assert DraftStore(tmp_path).load("ticket", "c-17") == {
        "subject": "断网 no line",
        "priority": "high",
    }


def test_the_latest_save_wins_and_discard_removes_it(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save("wrapup", "c-1", {"notes": "a"})
    store.save("wrapup", "c-1", {"notes": "ab"})
    assert store.load("wrapup", "c-1") == {"notes": "ab"}
    store.discard("wrapup", "c-1")
    assert store.load("wrapup", "c-1") is None
    store.discard("wrapup", "c-1")  # twice is fine


def test_pending_lists_unsubmitted_drafts_of_a_kind_oldest_first(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save("ticket", "c-1", {"subject": "one"})
    store.save("wrapup", "c-1", {"notes": "n"})
    store.save("ticket", "c-2", {"subject": "two"})
    assert [d.key for d in store.pending("ticket")] == ["c-1", "c-2"]
    assert len(store.pending()) == 3


def test_a_key_cannot_write_outside_the_drafts_directory(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "drafts")
    store.save("ticket", "../../evil", {"x": 1})
    assert not (tmp_path / "evil.json").exists()
    assert store.load("ticket", "../../evil") == {"x": 1}


def test_a_corrupt_draft_file_is_skipped_not_fatal(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save("ticket", "good", {"a": 1})
    (tmp_path / "ticket--bad.json").write_text("{half a draft", encoding="utf-8")
    assert [d.key for d in store.pending()] == ["good"]


_WRITER = """
import sys
from agent_tui.drafts import DraftStore
store = DraftStore(sys.argv[1])
text = ""
print("ready", flush=True)
while True:
    text += "字x" * 50
    store.save("ticket", "c-1", {"description": text, "length": len(text)})
"""


def test_a_draft_survives_sigkill_in_the_middle_of_saving(tmp_path: Path) -> None:
    # A writer saves ever-longer drafts as fast as it can; killed at a random moment,
    # the file on disk must be a whole draft (the old one or the new), never a torn one.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    for _ in range(3):
        writer = subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(tmp_path)], stdout=subprocess.PIPE, env=env
        )
        assert writer.stdout is not None
        assert writer.stdout.readline().strip() == b"ready"
        time.sleep(0.3)
        writer.send_signal(signal.SIGKILL)
        writer.wait()
        fields = DraftStore(tmp_path).load("ticket", "c-1")
        assert fields is not None
        assert len(fields["description"]) == fields["length"] > 0
    leftovers = [p.name for p in tmp_path.iterdir() if not p.name.endswith(".json")]
    assert len(leftovers) <= 3  # at most one temp file per kill, never read as a draft


def test_drafts_of_one_server_centre_or_log_never_show_in_another(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.use_scope("http://127.0.0.1:8765", "示例中心 Demo", "log-1")
    store.save("ticket", "c1", {"subject": "first demo"})
    for other in (
        ("http://127.0.0.1:8765", "示例中心 Demo", "log-2"),  # the same server, a new log
        ("http://10.0.0.2:8765", "示例中心 Demo", "log-1"),
        ("http://127.0.0.1:8765", "Other centre", "log-1"),
    ):
        store.use_scope(*other)
        assert store.pending("ticket") == [] and store.load("ticket", "c1") is None
    store.use_scope("http://127.0.0.1:8765/", "示例中心 Demo", "log-1")
    assert store.load("ticket", "c1") == {"subject": "first demo"}


def test_a_draft_offered_once_is_remembered_as_offered(tmp_path: Path) -> None:
    store = DraftStore(tmp_path)
    store.save("ticket", "c1", {"subject": "x"})
    (draft,) = store.pending("ticket")
    assert not draft.offered
    store.mark_offered(draft)
    (again,) = DraftStore(tmp_path).pending("ticket")
    assert again.offered and again.fields == {"subject": "x"}
