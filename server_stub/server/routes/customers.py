"""Customers (IN4): one by id, or a search by name, phone or account.

An agent reads a customer only as the party of a call it is on or answered, or through a
search it makes during its current call. A search names the call it is made during
(`call_id`: the agent's own, or for a supervisor one of its teams'; the floor manager and
the admin may search without one); every search goes to the audit trail with that call,
and each user may search `runtime.SEARCHES_PER_MIN` times a minute. Supervisors read the
customers of their teams' calls; the floor manager and the admin any (audited). The rules
are `scope.py`'s.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.api import CustomerRecord, CustomerView
from server_stub.server.deps import RuntimeDep, scoped
from server_stub.server.errors import ApiError, not_found
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope
from server_stub.server.throttle import retry_after

router = APIRouter(tags=["customers"])

CustomerReader = Annotated[Scope, Depends(scoped("agent", "supervisor", "admin"))]


def customer_view(runtime: CentreRuntime, scope: Scope, record: CustomerRecord) -> CustomerView:
    tickets = runtime.store.tickets_for_customer(record.id, open_only=True)
    return CustomerView(
        customer=record,
        contacts=runtime.pops.contacts(record.id),
        open_tickets=scope.readable_tickets(tickets),
    )


@router.get("/customers/{customer_id}", response_model=CustomerView)
async def customer_by_id(
    customer_id: str, scope: CustomerReader, runtime: RuntimeDep
) -> CustomerView:
    runtime.catch_up()
    record = runtime.store.customer(customer_id)
    if record is None:
        raise not_found("customer", customer_id)
    scope.check_customer(customer_id)
    return customer_view(runtime, scope, record)


@router.get("/customers", response_model=list[CustomerView])
async def search_customers(
    scope: CustomerReader,
    runtime: RuntimeDep,
    q: Annotated[
        str | None,
        Query(min_length=2, max_length=64, description="name, phone or account (or part of one)"),
    ] = None,
    phone: Annotated[
        str | None, Query(min_length=3, max_length=32, description="an exact calling number")
    ] = None,
    call_id: Annotated[
        str | None,
        Query(max_length=64, description="the call the search is made during (agents: required)"),
    ] = None,
) -> list[CustomerView]:
    """At most 10 customers, by id. Give `q` (a search) or `phone` (an exact number)."""
    if (q is None) == (phone is None):
        raise ApiError(422, "invalid_request", "give exactly one of q or phone")
    query = (q if q is not None else phone or "").strip()
    if len("".join(query.split())) < 2:
        raise ApiError(422, "invalid_request", "q: search for at least two characters")
    runtime.catch_up()
    on_own_call = scope.check_search_call(call_id)
    wait_s = runtime.searches.take(scope.principal.user_id, runtime.monotonic())
    if wait_s > 0:
        raise ApiError(
            429,
            "too_many_searches",
            f"at most {runtime.searches_per_min} customer searches a minute",
            retry_after=retry_after(wait_s),
        )
    if phone is not None:
        records = runtime.store.customers_by_phone(phone)
    else:
        records = await asyncio.to_thread(runtime.store.search_customers, query)
    found = [r.id for r in records]
    scope.audit_search(query, call_id, found)
    if on_own_call and call_id is not None:
        runtime.grants.grant(scope.principal.user_id, call_id, found)
    return [customer_view(runtime, scope, r) for r in records]
