"""Reproducible customers: the same centre config always gives the same people.

Two views of one population, index by index:
- `customer_refs` is fast (plain `random.Random`, no Faker): id, tier and calling number,
  which the engine samples callers from;
- `generate_customers` adds the full record (name, address, history…) with Faker, once,
  when a server's database is created. Its id, tier and first phone match `customer_refs`.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from faker import Faker

from server_stub.centre.schema import CentreConfig

CustomerRef = tuple[str, str, str]  # (customer_id, tier, ani)

# Mobile prefixes in use in mainland China; the rest of the number is random.
_CN_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152",
    "153", "155", "156", "158", "159", "177", "180", "186", "187", "188", "189", "199",
)  # fmt: skip
# Real US area codes with the 555 exchange reserved for fiction.
_US_AREA_CODES = ("212", "310", "312", "415", "617", "646", "702", "206", "305", "512")

_CHANNELS = ("phone", "phone", "phone", "phone", "email", "chat", "wechat", "sms")
_CONTACT_REASONS = ("enquiry", "enquiry", "fault", "billing", "complaint", "suggestion")
_FALLBACK_OUTCOMES = ("resolved", "ticket_created", "info_given", "callback")
# How many earlier contacts a customer has: most have few, some have several.
_PRIOR_CONTACT_WEIGHTS = (0.35, 0.3, 0.18, 0.1, 0.05, 0.02)
_SECOND_PHONE_SHARE = 0.3


@dataclass(frozen=True, slots=True)
class PriorContact:
    at: str  # ISO date
    channel: str
    reason: str
    outcome: str


@dataclass(frozen=True, slots=True)
class CustomerRecord:
    customer_id: str
    name: str
    locale: str
    tier: str
    account_id: str
    phones: list[str]
    address: str
    email: str
    since: str  # ISO date: customer since
    prior_contacts: list[PriorContact] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass(frozen=True, slots=True)
class _Ref:
    customer_id: str
    tier: str
    ani: str
    locale: str


def _cumulative(weights: Sequence[float]) -> list[float]:
    total = sum(weights)
    return [acc / total for acc in itertools.accumulate(weights)]


def _pick(cumulative: list[float], draw: float) -> int:
    # min() guards the last bucket against float rounding just below 1.0.
    return min(bisect.bisect_right(cumulative, draw), len(cumulative) - 1)


def _ani(locale: str, rng: random.Random) -> str:
    if locale == "zh_CN":
        prefix = _CN_MOBILE_PREFIXES[rng.getrandbits(16) % len(_CN_MOBILE_PREFIXES)]
        return f"{prefix}{rng.getrandbits(32) % 10**8:08d}"
    if locale == "en_US":
        area = _US_AREA_CODES[rng.getrandbits(16) % len(_US_AREA_CODES)]
        return f"+1 {area} 555 {rng.getrandbits(16) % 10**4:04d}"
    return f"+00 {rng.getrandbits(40) % 10**10:010d}"


@lru_cache(maxsize=4)
def _refs(
    count: int,
    seed: int,
    locales: tuple[str, ...],
    locale_weights: tuple[float, ...],
    tier_names: tuple[str, ...],
    tier_shares: tuple[float, ...],
) -> tuple[_Ref, ...]:
    rng = random.Random(seed)
    locale_cdf = _cumulative(locale_weights)
    tier_cdf = _cumulative(tier_shares)
    seen_anis: set[str] = set()
    refs: list[_Ref] = []
    for index in range(count):
        locale = locales[_pick(locale_cdf, rng.random())]
        tier = tier_names[_pick(tier_cdf, rng.random())]
        ani = _ani(locale, rng)
        while ani in seen_anis:  # a number identifies one customer (screen pop by ANI)
            ani = _ani(locale, rng)
        seen_anis.add(ani)
        refs.append(_Ref(f"C{index + 1:06d}", tier, ani, locale))
    return tuple(refs)


def _refs_for(config: CentreConfig) -> tuple[_Ref, ...]:
    settings = config.customers
    locales = tuple(settings.locales)
    weights = tuple(settings.locale_weights or [1.0] * len(locales))
    tiers = config.tiers or {}
    tier_names = tuple(tiers) or ("normal",)
    tier_shares = tuple(t.share for t in tiers.values()) or (1.0,)
    if sum(tier_shares) <= 0:  # the loader rejects this; keep direct callers safe
        tier_shares = (1.0,) * len(tier_names)
    return _refs(settings.count, settings.seed, locales, weights, tier_names, tier_shares)


def customer_refs(config: CentreConfig) -> list[CustomerRef]:
    """(customer_id, tier, ani) for every customer, identical on every call for one config."""
    return [(ref.customer_id, ref.tier, ref.ani) for ref in _refs_for(config)]


def _epoch_date(config: CentreConfig) -> date:
    try:
        return datetime.fromisoformat(config.centre.epoch).date()
    except ValueError:
        return date(2026, 11, 23)


def generate_customers(config: CentreConfig) -> Iterator[CustomerRecord]:
    """Full customer records, in `customer_refs` order. Each record is seeded by its own
    index, so record k does not depend on how many came before it."""
    refs = _refs_for(config)
    epoch = _epoch_date(config)
    outcomes = tuple(c.code for c in config.wrapup_codes if c.code != "auto") or _FALLBACK_OUTCOMES
    contact_count_cdf = _cumulative(_PRIOR_CONTACT_WEIGHTS)
    # Names use Faker's frequency weights (common surnames stay common); addresses and
    # e-mails are drawn unweighted, which halves the time for 10,000 customers.
    name_fakers: dict[str, Faker] = {}
    detail_fakers: dict[str, Faker] = {}
    seed = config.customers.seed
    for index, ref in enumerate(refs):
        name_fake = name_fakers.get(ref.locale)
        if name_fake is None:
            name_fake = name_fakers[ref.locale] = Faker(ref.locale)
            detail_fakers[ref.locale] = Faker(ref.locale, use_weighting=False)
        fake = detail_fakers[ref.locale]
        # Mix seed and index so that (seed 7, index 1) and (seed 8, index 0) differ.
        record_seed = seed * 1_000_003 + index
        name_fake.seed_instance(record_seed)
        fake.seed_instance(record_seed)
        rng: random.Random = fake.random
        phones = [ref.ani]
        if rng.random() < _SECOND_PHONE_SHARE:
            phones.append(str(fake.phone_number()))
        since = epoch - timedelta(days=rng.randint(30, 3650))
        history_days = (epoch - since).days
        contact_days = sorted(
            rng.randint(0, history_days) for _ in range(_pick(contact_count_cdf, rng.random()))
        )
        prior_contacts = [
            PriorContact(
                at=(since + timedelta(days=day)).isoformat(),
                channel=rng.choice(_CHANNELS),
                reason=rng.choice(_CONTACT_REASONS),
                outcome=rng.choice(outcomes),
            )
            for day in contact_days
        ]
        yield CustomerRecord(
            customer_id=ref.customer_id,
            name=str(name_fake.name()),
            locale=ref.locale,
            tier=ref.tier,
            # 7919 is coprime with 10**8, so account numbers are unique below 10**8 customers.
            account_id=f"AC{(index + 1) * 7919 % 10**8:08d}",
            phones=phones,
            address=str(fake.address()).replace("\n", ", "),
            email=str(fake.safe_email()),
            since=since.isoformat(),
            prior_contacts=prior_contacts,
        )
