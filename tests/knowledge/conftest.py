"""Knowledge fixtures: the demo centre's folder, and small folders written by a test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from server_stub.centre.loader import default_centre_path
from server_stub.knowledge.service import KNOWLEDGE_FOLDER

DEMO_KNOWLEDGE = default_centre_path().parent / KNOWLEDGE_FOLDER
DEMO_SCRIPTS = default_centre_path().parent / "scripts"
DEMO_QUEUES = frozenset({"enquiry", "fault", "complaint", "vip"})

ARTICLE = """\
id: {id}
version: 1
updated: 2026-11-01
queues: [enquiry]
title:
  zh: "营业厅地址"
  en: "Service hall addresses"
tags: [营业厅, address]
body:
  zh: |
    人民路188号。
  en: |
    188 Renmin Road.
"""

WriteArticle = Callable[[str, str], Path]


@pytest.fixture
def write_article(tmp_path: Path) -> WriteArticle:
    """Write `text` as `<name>.yaml` in a fresh knowledge folder (`tmp_path/knowledge`)."""
    folder = tmp_path / KNOWLEDGE_FOLDER
    folder.mkdir()

    def write(name: str, text: str) -> Path:
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        return path

    return write


def article_text(article_id: str = "halls", **replace: str) -> str:
    """The small valid article above, with lines replaced: `article_text(version="version: 0")`."""
    text = ARTICLE.format(id=article_id)
    for key, line in replace.items():
        text = "\n".join(line if row.startswith(f"{key}:") else row for row in text.split("\n"))
    return text
