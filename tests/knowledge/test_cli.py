"""`agent-tui-server knowledge check | search`, run as a user would, in process."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from server_stub.centre.loader import default_centre_path
from server_stub.cli import main
from tests.knowledge.conftest import DEMO_KNOWLEDGE, DEMO_SCRIPTS, WriteArticle, article_text


def test_check_passes_the_demo_centre_with_its_queues_and_scripts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["knowledge", "check"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == (
        f"{DEMO_KNOWLEDGE}: 31 articles, 0 errors, 0 warnings ({DEMO_SCRIPTS} checked)"
    )


def test_check_reports_every_problem_with_file_and_line_and_exits_1(
    tmp_path: Path, write_article: WriteArticle, capsys: pytest.CaptureFixture[str]
) -> None:
    shutil.copy(default_centre_path(), tmp_path / "centre.yaml")
    (tmp_path / "scripts").mkdir()
    script = (DEMO_SCRIPTS / "fault_report.yaml").read_text(encoding="utf-8")
    (tmp_path / "scripts" / "fault_report.yaml").write_text(script, encoding="utf-8")
    write_article("outage_notices", article_text("outage_notices", queues="queues: [faults]"))
    broken = write_article("halls", article_text(version="version: 0"))
    assert main(["knowledge", "check", str(broken.parent)]) == 1
    captured = capsys.readouterr()
    assert f"{broken}:2: version must be a positive integer, not 0" in captured.err
    assert "outage_notices.yaml:4: queue 'faults' is not a queue of the centre" in captured.err
    # fault_report's basic_check names line_fault_basic_checks, which this folder lacks.
    assert "fault_report.yaml:" in captured.err
    assert "knowledge article 'line_fault_basic_checks' does not exist" in captured.err
    summary = f"1 article, 3 errors, 5 warnings ({tmp_path / 'scripts'} checked)"
    assert captured.out.strip().endswith(summary)


def test_search_prints_ranked_hits_with_the_matches_marked(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["knowledge", "search", "光猫 指示灯", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "fault_modem_lights  光猫指示灯说明 / What the modem lights mean" in lines[0]
    assert "[光猫]" in lines[1] and "[指示灯]" in lines[1]
    assert len(lines) == 4


def test_search_prints_the_apis_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "search", "VIP 权益", "--queue", "vip", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["queue"] == "vip" and result["hits"][0]["id"] == "vip_privileges"


def test_search_with_nothing_to_search_for_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["knowledge", "search", "?!"]) == 2
    assert "the query has no letters, digits or characters" in capsys.readouterr().err
