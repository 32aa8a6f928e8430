"""The supervision protocol: importable by the desk alone, and its events round-trip."""

from __future__ import annotations

import json
import subprocess
import sys

from server_stub.protocol.events import Event
from server_stub.protocol.supervision import (
    ALERT_RAISED,
    AlertKind,
    AlertRaised,
    AlertSnapshot,
    Severity,
    SubjectKind,
    alert_text,
)


def test_the_protocol_module_imports_nothing_of_the_server_engine_or_centre() -> None:
    code = (
        "import sys, server_stub.protocol.supervision; "
        "print([m for m in sys.modules if m.startswith(('server_stub.server', "
        "'server_stub.engine', 'server_stub.centre', 'server_stub.supervision'))])"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_an_alert_event_travels_as_json_and_reads_back_the_same() -> None:
    raised = AlertRaised(
        alert_id="al7",
        kind=AlertKind.SL_PROJECTED_BREACH,
        severity=Severity.WARNING,
        subject=SubjectKind.QUEUE,
        subject_id="enquiry",
        queue_id="enquiry",
        raised_at=420.0,
        since=0.0,
        value=0.7949,
        threshold=0.8,
        unit="ratio",
        detail={"agents": 14, "expected_offered": 120.5},
        text="",
    )
    event = Event(
        seq=9,
        sim_time=420.0,
        wall_time=0.0,
        type=ALERT_RAISED,
        queue_id="enquiry",
        data=raised.model_dump(mode="json"),
    )
    again = Event.model_validate_json(event.model_dump_json())
    assert AlertRaised.model_validate(again.data) == raised
    snapshot = AlertSnapshot(**raised.model_dump(), acknowledged_by="s100", acknowledged_at=430.0)
    assert json.loads(snapshot.model_dump_json())["acknowledged_by"] == "s100"


def test_alert_text_says_what_and_how_far_in_both_languages() -> None:
    text = alert_text(AlertKind.NOT_READY_TOO_LONG, "a010", 725.0, 600.0, "s", {"reason": "break"})
    assert text == "未就绪过长 Not ready too long · a010 · 12:05 ≥ 10:00 (break)"
    labelled = {"reason": "break", "reason_label": "小休 Break"}  # the centre's words first
    assert alert_text(AlertKind.NOT_READY_TOO_LONG, "a010", 725.0, 600.0, "s", labelled).endswith(
        "12:05 ≥ 10:00 (小休 Break)"
    )
    below = alert_text(AlertKind.SL_BREACHED, "enquiry", 0.7999, 0.8, "ratio")
    assert below.endswith("79% < 80%")  # rounded down: not yet 80 %
    assert alert_text(AlertKind.CALL_TOO_LONG, "a1", 3725.0, 3600.0, "s").endswith(
        "1:02:05 ≥ 1:00:00"
    )
    surge = alert_text(AlertKind.QUEUE_SURGE, "enquiry", 36, 35.5, "calls")
    assert surge.endswith("36 ≥ 35.5")
