"""Who an unknown caller is (IN5): the desk links its call to a customer it found, or to
a record it creates with the caller's name, address and need.

`POST /v1/calls/{call_id}/customer` takes a `CallerLinkRequest` and answers with the call's
`ScreenPop`, now showing that customer. The link is the event `call.customer_linked`
`{customer_id, created, need?}` (the agent's own call): the live call, its CDR row, the
pop of a later transfer, tickets and callbacks all take the customer from it.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from server_stub.protocol.api import SHORT_TEXT, Request

PHONE_PATTERN = r"^\+?[0-9 ()-]{3,32}$"


class NewCustomer(Request):
    """A record made during the call from what the caller said."""

    name: str = Field(min_length=1, max_length=80)
    address: str = Field(default="", max_length=200)
    phone: str | None = Field(
        default=None, pattern=PHONE_PATTERN, description="blank: the calling number"
    )

    @model_validator(mode="after")
    def _named(self) -> NewCustomer:
        if not self.name.strip():
            raise ValueError("name: the caller's name cannot be blank")
        return self


class CallerLinkRequest(Request):
    """Exactly one of `customer_id` (a customer the agent found) or `new_customer`."""

    request_id: str = Field(
        min_length=8, max_length=64, description="client-generated: a retry makes no second record"
    )
    customer_id: str | None = Field(default=None, min_length=1, max_length=64)
    new_customer: NewCustomer | None = None
    need: str = Field(default="", max_length=SHORT_TEXT, description="what the caller needs")

    @model_validator(mode="after")
    def _one_party(self) -> CallerLinkRequest:
        if (self.customer_id is None) == (self.new_customer is None):
            raise ValueError("give exactly one of customer_id or new_customer")
        return self
