"""Customers (IN4): one by id, or a search by name, phone or account.

An agent reads a customer only as the party of a call it is on or answered, or through a
search it makes during its current call. A search names the call it is made during
(`call_id`: the agent's own, or for a supervisor one of its teams'; the floor manager and
the admin may search without one); every search goes to the audit trail with that call,
and each user may search `runtime.SEARCHES_PER_MIN` times a minute. Supervisors read the
customers of their teams' calls; the floor manager and the admin any (audited). The rules
are `scope.py`'s.

An agent says who an unknown caller is (IN5, `POST /v1/calls/{id}/customer`): a customer it
may read (one it found), or a new record from the caller's name, address and number. The
link is logged as `call.customer_linked`, so the call, its pop and its CDR row follow it.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from server_stub.protocol.api import CustomerRecord, CustomerView, ScreenPop
from server_stub.protocol.caller_link import CallerLinkRequest, NewCustomer
from server_stub.protocol.events import EventType
from server_stub.server.deps import RuntimeDep, scoped
from server_stub.server.errors import ApiError, not_found
from server_stub.server.floor import CallView
from server_stub.server.routes.calls import call_pop, own_call
from server_stub.server.runtime import CentreRuntime
from server_stub.server.scope import Scope
from server_stub.server.throttle import retry_after

router = APIRouter(tags=["customers"])

CustomerReader = Annotated[Scope, Depends(scoped("agent", "supervisor", "admin"))]
AgentScope = Annotated[Scope, Depends(scoped("agent"))]


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


@router.post("/calls/{call_id}/customer", response_model=ScreenPop)
async def link_caller(
    call_id: str, body: CallerLinkRequest, scope: AgentScope, runtime: RuntimeDep
) -> ScreenPop:
    """The caller of the agent's current call is this customer (found, or made now)."""
    user = scope.principal
    call = own_call(runtime, call_id, user)
    current = scope.current_call()
    if current is None or current.call_id != call_id:
        raise ApiError(409, "not_current_call", f"call {call_id} is no longer on your desk")
    if body.customer_id is not None:
        if runtime.store.customer(body.customer_id) is None:
            raise not_found("customer", body.customer_id)
        scope.check_customer(body.customer_id)
        customer_id, created = body.customer_id, False
    else:
        assert body.new_customer is not None  # the request's own check
        customer_id = _new_record(runtime, user.user_id, body.request_id, body.new_customer, call)
        runtime.grants.grant(user.user_id, call_id, [customer_id])
        created = True
    if call.customer_id != customer_id:  # a retry links nothing twice
        scope.audit_customer_link(customer_id, call_id, created=created)
        data: dict[str, object] = {"customer_id": customer_id, "created": created}
        if body.need.strip():
            data["need"] = body.need.strip()
        args = {
            "type": EventType.CALL_CUSTOMER_LINKED.value,
            "call_id": call_id,
            "agent_id": user.user_id,
            "queue_id": call.queue_id,
            "data": data,
        }
        await runtime.command("record", args, user.user_id)
        runtime.catch_up()
    return call_pop(runtime, scope, call)


def _new_record(
    runtime: CentreRuntime, agent_id: str, request_id: str, new: NewCustomer, call: CallView
) -> str:
    """Store the caller's record once per request id; returns its customer id."""
    store = runtime.store
    key = f"customer_request:{agent_id}:{request_id}"
    made = store.get_meta(key)
    if made is not None:
        return made
    tiers = runtime.config.tiers
    lowest = min(tiers, key=lambda name: tiers[name].priority) if tiers else "normal"
    phone = new.phone or call.ani
    record = CustomerRecord(
        id=f"N{store.added_customer_count() + 1:06d}",
        name=new.name.strip(),
        tier=lowest,
        account="",
        phones=[phone] if phone else [],
        address=new.address.strip(),
    )
    store.add_customer(record)
    store.set_meta(key, record.id)
    return record.id
