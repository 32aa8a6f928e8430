"""Screen pops (IN4): the customer record, prior contacts and open tickets of a call.

Built once when a call is offered to a human (and added to `call.offered` as `pop`, so the
desk draws the card from the event alone), and again on `GET /v1/calls/{id}/pop`.
"""

from __future__ import annotations

from typing import Any

from server_stub.protocol.api import ContactRecord, CustomerRecord, ScreenPop, Ticket
from server_stub.protocol.events import Event
from server_stub.server.store import Store

CONTACTS_IN_POP = 20


class ScreenPopBuilder:
    def __init__(self, store: Store) -> None:
        self._store = store

    def for_event(self, event: Event) -> ScreenPop:
        data = event.data
        return self.build(
            call_id=event.call_id or "",
            queue_id=event.queue_id,
            customer_id=data.get("customer_id"),
            ani=data.get("ani"),
            tier=data.get("tier"),
            waited_s=data.get("waited_s"),
            ivr_path=list(data.get("ivr_path") or []),
        )

    def caller(self, customer_id: str | None, ani: str | None) -> CustomerRecord | None:
        """The customer on the line: by id, else the one customer with the calling number."""
        store = self._store
        customer = store.customer(customer_id) if customer_id else None
        if customer is None and ani:
            matches = store.customers_by_phone(ani)
            customer = matches[0] if len(matches) == 1 else None
        return customer

    def build(
        self,
        *,
        call_id: str,
        queue_id: str | None,
        customer_id: str | None,
        ani: str | None,
        tier: str | None,
        waited_s: float | None,
        ivr_path: list[Any],
    ) -> ScreenPop:
        customer = self.caller(customer_id, ani)
        contacts: list[ContactRecord] = []
        open_tickets: list[Ticket] = []
        if customer is not None:
            contacts = self.contacts(customer.id, leave_out=call_id)
            open_tickets = self._store.tickets_for_customer(customer.id, open_only=True)
        return ScreenPop(
            call_id=call_id,
            queue_id=queue_id,
            ani=ani,
            tier=tier or (customer.tier if customer else None),
            waited_s=waited_s,
            ivr_path=ivr_path,
            customer=customer,
            contacts=contacts[:CONTACTS_IN_POP],
            open_tickets=open_tickets,
        )

    def contacts(self, customer_id: str, leave_out: str | None = None) -> list[ContactRecord]:
        """Calls in this database (newest first), then the generated history before it."""
        store = self._store
        contacts = [c for c in store.contacts_for_customer(customer_id) if c.call_id != leave_out]
        contacts += sorted(
            store.customer_history(customer_id), key=lambda c: c.arrived_at, reverse=True
        )
        return contacts
