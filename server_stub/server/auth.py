"""Logins, bearer tokens, roles and login throttling (ST1, SV6, DESIGN "Auth").

Who may log in comes from the centre file: human agents (`agents[].password_hash`,
role agent) and seatless users (`users[]`, any role). Passwords are salted scrypt
hashes (`server_stub.centre.passwords`). Tokens are random (`secrets.token_urlsafe`),
held in memory for speed and in the store so that a restart keeps people logged in.

Repeated failed logins for one user id are slowed: after `FREE_FAILURES` failures the
id is locked for a window that doubles with each further failure (capped), and a login
during the window gets 429 with `Retry-After`, before any password check.
"""

from __future__ import annotations

import asyncio
import functools
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from server_stub.centre.passwords import hash_password, verify_password
from server_stub.centre.schema import CentreConfig
from server_stub.server.errors import ApiError
from server_stub.server.store import Store, StoredToken

ROLES: tuple[str, ...] = ("agent", "supervisor", "trainer", "evaluator", "admin")
TOKEN_TTL_S = 12 * 3600.0
FREE_FAILURES = 3
FIRST_LOCK_S = 1.0
MAX_LOCK_S = 300.0


@dataclass(frozen=True)
class Account:
    """Someone who may log in."""

    user_id: str
    name: str
    roles: tuple[str, ...]  # primary first
    teams: tuple[str, ...]
    password_hash: str

    @property
    def role(self) -> str:
        return self.roles[0]


@dataclass(frozen=True)
class Principal:
    """The caller of a request, as its token says."""

    user_id: str
    name: str
    roles: tuple[str, ...]  # primary first
    teams: tuple[str, ...]
    token: str
    expires_at: float

    @property
    def role(self) -> str:
        """The primary role: the workspace a login opens."""
        return self.roles[0]

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass
class _Failures:
    count: int = 0
    locked_until: float = 0.0


@dataclass
class AuthService:
    config: CentreConfig
    store: Store
    token_ttl_s: float = TOKEN_TTL_S
    wall_clock: Callable[[], float] = time.time
    accounts: dict[str, Account] = field(init=False)
    _tokens: dict[str, Principal] = field(init=False, default_factory=dict)
    _failures: dict[str, _Failures] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self.accounts = accounts_from_config(self.config)
        for stored in self.store.tokens(self.wall_clock()):
            account = self.accounts.get(stored.user_id)
            if account is not None and account.role == stored.role:
                self._tokens[stored.token] = _principal(account, stored.token, stored.expires_at)

    async def login(self, user_id: str, password: str) -> Principal:
        now = self.wall_clock()
        failures = self._failures.get(user_id)
        if failures is not None and failures.locked_until > now:
            raise ApiError(
                429,
                "too_many_attempts",
                "too many failed logins; wait before trying again",
                retry_after=max(1, int(failures.locked_until - now + 0.999)),
            )
        account = self.accounts.get(user_id)
        stored_hash = account.password_hash if account else _decoy_hash()
        # scrypt takes tens of milliseconds: keep it off the event loop.
        matches = await asyncio.to_thread(verify_password, password, stored_hash)
        if account is None or not matches:
            self._note_failure(user_id, self.wall_clock())
            raise ApiError(401, "bad_credentials", "unknown user id or wrong password")
        self._failures.pop(user_id, None)
        token = secrets.token_urlsafe(32)
        principal = _principal(account, token, self.wall_clock() + self.token_ttl_s)
        self._tokens[token] = principal
        self.store.put_token(
            StoredToken(
                token=token, user_id=user_id, role=account.role, expires_at=principal.expires_at
            )
        )
        return principal

    def _note_failure(self, user_id: str, now: float) -> None:
        failures = self._failures.setdefault(user_id, _Failures())
        failures.count += 1
        beyond = failures.count - FREE_FAILURES
        if beyond >= 0:
            failures.locked_until = now + min(MAX_LOCK_S, FIRST_LOCK_S * 2**beyond)
        if len(self._failures) > 10_000:
            # Bound memory under a spray of made-up ids: forget the oldest entries.
            for stale in list(self._failures)[:5_000]:
                del self._failures[stale]

    def authenticate(self, token: str) -> Principal | None:
        principal = self._tokens.get(token)
        if principal is None:
            return None
        if principal.expires_at <= self.wall_clock():
            self.logout(token)
            return None
        return principal

    def logout(self, token: str) -> None:
        self._tokens.pop(token, None)
        self.store.delete_token(token)


@functools.cache
def _decoy_hash() -> str:
    """Checked when the user id is unknown, so that the answer takes as long as for a
    known one (no user enumeration by timing). Made once per process: scrypt is slow."""
    return hash_password("decoy")


def accounts_from_config(config: CentreConfig) -> dict[str, Account]:
    accounts: dict[str, Account] = {}
    for agent in config.agents:
        if agent.password_hash:
            extra = tuple(role for role in agent.also if role != "agent")
            accounts[agent.id] = Account(
                user_id=agent.id,
                name=agent.name,
                roles=("agent", *extra),
                # An agent's own team first; a team leader's supervised teams after it.
                teams=tuple(dict.fromkeys((agent.team, *agent.supervises))),
                password_hash=agent.password_hash,
            )
    for user in config.users:
        accounts[user.id] = Account(
            user_id=user.id,
            name=user.name,
            roles=(user.role,),
            teams=tuple(user.teams),
            password_hash=user.password_hash,
        )
    return accounts


def _principal(account: Account, token: str, expires_at: float) -> Principal:
    return Principal(
        user_id=account.user_id,
        name=account.name,
        roles=account.roles,
        teams=account.teams,
        token=token,
        expires_at=expires_at,
    )
