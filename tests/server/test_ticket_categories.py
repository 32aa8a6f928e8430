"""Ticket categories come from the centre file; the TK2 set stands in when it names none."""

from __future__ import annotations

from server_stub.centre.schema import DEFAULT_TICKET_CATEGORIES
from server_stub.centre.schema import Code as CodeConfig
from server_stub.server.routes.centre import ticket_categories
from server_stub.server.testing import quiet_centre


def test_a_centre_that_names_its_ticket_categories_gets_exactly_those() -> None:
    own = [
        CodeConfig(code="outage", label="停电 Outage"),
        CodeConfig(code="meter", label="电表 Meter"),
    ]
    config = quiet_centre().model_copy(update={"ticket_categories": own})
    assert [(c.code, c.label) for c in ticket_categories(config)] == [
        ("outage", "停电 Outage"),
        ("meter", "电表 Meter"),
    ]


def test_a_centre_that_names_none_gets_the_documents_categories() -> None:
    config = quiet_centre().model_copy(update={"ticket_categories": []})
    assert [(c.code, c.label) for c in ticket_categories(config)] == [
        (c.code, c.label) for c in DEFAULT_TICKET_CATEGORIES
    ]
