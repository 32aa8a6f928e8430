"""The generated customers as API records with their contact history, stored once when a
database is made (`server_stub.centre.customers` makes the people; this shapes the rows)."""

from __future__ import annotations

import functools
from datetime import datetime

from server_stub.centre.customers import generate_customers
from server_stub.centre.schema import CentreConfig, centre_epoch
from server_stub.protocol.api import ContactRecord, CustomerRecord

CustomerRow = tuple[CustomerRecord, list[ContactRecord]]


def customer_rows(config: CentreConfig, *, keep_cache: bool = False) -> list[CustomerRow]:
    """Every customer of the centre. With `keep_cache` the rows stay cached for the next
    database of the same centre (tests make many); a server makes one, so it lets go."""
    rows = _customer_rows(config.model_dump_json())
    if not keep_cache:
        _customer_rows.cache_clear()
    return rows


@functools.lru_cache(maxsize=2)
def _customer_rows(config_json: str) -> list[CustomerRow]:
    config = CentreConfig.model_validate_json(config_json)
    epoch = centre_epoch(config)
    rows: list[CustomerRow] = []
    for generated in generate_customers(config):
        record = CustomerRecord(
            id=generated.customer_id,
            name=generated.name,
            tier=generated.tier,
            account=generated.account_id,
            phones=list(generated.phones),
            address=generated.address,
            email=generated.email,
            locale=generated.locale,
            since=generated.since,
        )
        history = [
            ContactRecord(
                call_id=f"H-{generated.customer_id}-{index + 1}",
                customer_id=generated.customer_id,
                queue_id=None,
                agent_id=None,
                direction="inbound",
                channel=prior.channel,
                reason=prior.reason,
                at=prior.at,
                arrived_at=_sim_seconds(epoch, prior.at),
                outcome=prior.outcome,
            )
            for index, prior in enumerate(generated.prior_contacts)
        ]
        rows.append((record, history))
    return rows


def _sim_seconds(epoch: datetime, iso_date: str) -> float:
    try:
        moment = datetime.fromisoformat(iso_date)
    except ValueError:
        return 0.0
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=epoch.tzinfo)
    return (moment - epoch).total_seconds()
