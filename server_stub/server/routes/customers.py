"""Customers: by id or by calling number, with prior contacts and open tickets (IN4)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.api import CustomerRecord, CustomerView
from server_stub.server.auth import Principal
from server_stub.server.deps import RuntimeDep, require
from server_stub.server.errors import not_found
from server_stub.server.runtime import CentreRuntime

router = APIRouter(tags=["customers"])

CustomerReader = Annotated[Principal, Depends(require("agent", "supervisor", "admin"))]


def customer_view(runtime: CentreRuntime, record: CustomerRecord) -> CustomerView:
    contacts = runtime.store.contacts_for_customer(record.id)
    history = sorted(
        runtime.store.customer_history(record.id), key=lambda c: c.arrived_at, reverse=True
    )
    return CustomerView(
        customer=record,
        contacts=contacts + history,
        open_tickets=runtime.store.tickets_for_customer(record.id, open_only=True),
    )


@router.get("/customers/{customer_id}", response_model=CustomerView)
async def customer_by_id(
    customer_id: str, user: CustomerReader, runtime: RuntimeDep
) -> CustomerView:
    record = runtime.store.customer(customer_id)
    if record is None:
        raise not_found("customer", customer_id)
    return customer_view(runtime, record)


@router.get("/customers", response_model=list[CustomerView])
async def customers_by_phone(
    phone: Annotated[str, Query(min_length=3, max_length=32, description="calling number")],
    user: CustomerReader,
    runtime: RuntimeDep,
) -> list[CustomerView]:
    return [customer_view(runtime, r) for r in runtime.store.customers_by_phone(phone)]
