"""The monitor's alerts (SV4) as rows of cells: the server's active alerts, worst first.

Alerts are computed on the server (the "alerts" companion), so every supervisor's list
and the log agree; this only draws them. An acknowledged alert stays until its condition
ends, greyed, with who acknowledged it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rich.text import Text

from agent_tui.workspaces.supervisor.boards import SEVERITY_STYLES
from server_stub.protocol.supervision import AlertSnapshot

ALERT_COLUMNS = ("Sev", "Since", "Alert 告警")
SEVERITY_WORDS = {"info": "info", "warning": "WARN", "critical": "CRIT"}


def alert_rows(
    alerts: Iterable[AlertSnapshot], centre_time: Callable[[float], str], text_width: int
) -> dict[str, tuple[Text, ...]]:
    """`text_width`: the cells the alert's words may take (cut with an ellipsis beyond)."""
    rows: dict[str, tuple[Text, ...]] = {}
    for alert in alerts:
        acked = alert.acknowledged_by is not None
        # An acknowledged alert says who in place of its severity: the row stays narrow.
        severity = Text(
            f"✓{alert.acknowledged_by}" if acked else SEVERITY_WORDS.get(alert.severity, "?"),
            style="dim" if acked else SEVERITY_STYLES.get(alert.severity, ""),
        )
        words = Text(alert.text or alert.kind, style="dim" if acked else "")
        words.truncate(max(10, text_width), overflow="ellipsis")
        rows[alert.alert_id] = (
            severity,
            Text(centre_time(alert.raised_at)[:5], style="dim"),
            words,
        )
    return rows


def alerts_title(alerts: list[AlertSnapshot], ack_key: str) -> Text:
    waiting = sum(1 for a in alerts if a.acknowledged_by is None)
    title = Text("Alerts 告警", style="bold")
    if not alerts:
        title.append(" · none active", style="dim")
        return title
    title.append(f" · {len(alerts)} active, {waiting} to acknowledge", style="dim")
    if waiting:
        title.append(f" ({ack_key})", style="dim")
    return title
