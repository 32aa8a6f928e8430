"""A feature's store section folds the events it names, after the core, and says what
changed; a section never sees the events it does not name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

from agent_tui.client import sections
from agent_tui.client.sections import StoreSection
from agent_tui.client.state import ClientStore
from server_stub.protocol.events import Event


class Pings(StoreSection):
    name: ClassVar[str] = "pings"
    handles: ClassVar[frozenset[str]] = frozenset({"test.ping"})

    def __init__(self) -> None:
        self.heard: list[int] = []

    def apply(self, event: Event, store: ClientStore) -> frozenset[str]:
        self.heard.append(event.seq)
        return frozenset({"pings"})


@pytest.fixture
def with_pings() -> Iterator[None]:
    sections.SECTION_TYPES.append(Pings)
    yield
    sections.SECTION_TYPES.remove(Pings)


def _event(seq: int, type_: str) -> Event:
    return Event(seq=seq, sim_time=float(seq), wall_time=0.0, type=type_)


def test_a_section_folds_only_the_events_it_names(with_pings: None) -> None:
    store = ClientStore()
    assert store.apply(_event(1, "test.ping")) == frozenset({"pings"})
    assert store.apply(_event(2, "test.other")) == frozenset()
    assert store.apply(_event(3, "test.ping")) == frozenset({"pings"})
    assert store.section(Pings).heard == [1, 3]
    assert store.last_seq == 3  # the core saw every one


def test_each_store_has_sections_of_its_own(with_pings: None) -> None:
    first, second = ClientStore(), ClientStore()
    first.apply(_event(1, "test.ping"))
    assert second.section(Pings).heard == []
