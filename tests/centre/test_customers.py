"""Reproducible customers: fast refs and full records agree, index by index."""

from __future__ import annotations

import re

import pytest

from server_stub.centre.customers import customer_refs, generate_customers
from server_stub.centre.loader import load_default_centre
from server_stub.centre.schema import CentreConfig, Customers

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def small_centre() -> CentreConfig:
    demo = load_default_centre()
    return demo.model_copy(
        update={"customers": Customers(count=200, seed=11, locales=["zh_CN", "en_US"])}
    )


def test_customer_refs_are_identical_on_every_call(small_centre: CentreConfig) -> None:
    first = customer_refs(small_centre)
    assert len(first) == 200
    assert customer_refs(small_centre) == first
    # The same settings in a fresh config object give the same people.
    rebuilt = small_centre.model_copy(update={"customers": small_centre.customers.model_copy()})
    assert customer_refs(rebuilt) == first


def test_another_seed_gives_other_customers(small_centre: CentreConfig) -> None:
    reseeded = small_centre.model_copy(
        update={"customers": small_centre.customers.model_copy(update={"seed": 12})}
    )
    assert [ani for _, _, ani in customer_refs(reseeded)] != [
        ani for _, _, ani in customer_refs(small_centre)
    ]


def test_refs_have_ids_known_tiers_and_unique_numbers(small_centre: CentreConfig) -> None:
    refs = customer_refs(small_centre)
    assert refs[0][0] == "C000001" and refs[-1][0] == "C000200"
    assert {tier for _, tier, _ in refs} <= set(small_centre.tiers)
    assert len({ani for _, _, ani in refs}) == len(refs)
    for _, _, ani in refs:
        assert re.fullmatch(r"1[3-9]\d{9}|\+1 \d{3} 555 \d{4}", ani), ani


def test_records_match_refs_index_by_index(small_centre: CentreConfig) -> None:
    records = list(generate_customers(small_centre))
    refs = customer_refs(small_centre)
    assert [(r.customer_id, r.tier, r.phones[0]) for r in records] == refs
    assert len({r.account_id for r in records}) == len(records)


def test_records_are_reproducible(small_centre: CentreConfig) -> None:
    first = [r.to_dict() for r in generate_customers(small_centre)][:30]
    again = [r.to_dict() for r in generate_customers(small_centre)][:30]
    assert first == again


def test_chinese_locale_gets_chinese_names_and_english_gets_latin(
    small_centre: CentreConfig,
) -> None:
    records = list(generate_customers(small_centre))
    chinese = [r for r in records if r.locale == "zh_CN"]
    english = [r for r in records if r.locale == "en_US"]
    assert chinese and english
    assert all(CJK.search(r.name) for r in chinese)
    assert not any(CJK.search(r.name) for r in english)
    assert all(r.phones[0].startswith("1") for r in chinese)
    assert all(r.phones[0].startswith("+1 ") for r in english)


def test_prior_contacts_fall_between_since_and_the_epoch(small_centre: CentreConfig) -> None:
    epoch_day = small_centre.centre.epoch[:10]
    for record in generate_customers(small_centre):
        for contact in record.prior_contacts:
            assert record.since <= contact.at <= epoch_day


def test_locale_weights_steer_the_mix(small_centre: CentreConfig) -> None:
    only_chinese = small_centre.model_copy(
        update={
            "customers": small_centre.customers.model_copy(update={"locale_weights": [1.0, 0.0]})
        }
    )
    assert all(not ani.startswith("+") for _, _, ani in customer_refs(only_chinese))
