"""Logins, bearer tokens, roles and login throttling (ST1, SV6, DESIGN "Auth").

Who may log in comes from the centre file: human agents (`agents[].password_hash`, role
agent, maybe more with `also`) and seatless users (`users[]`, one role; a supervisor with
`floor: true` is the floor manager). Passwords are salted scrypt hashes
(`server_stub.centre.passwords`). Tokens are random (`secrets.token_urlsafe`); only their
SHA-256 is kept, in memory for speed and in the store so that a restart keeps people
logged in. A login may hold `MAX_SESSIONS_PER_USER` live tokens; the oldest goes first.

Failed logins slow down the client address they come from (`throttle.SourceThrottle`):
one id from one address after 3 failures, anything from that address after 10 (someone
trying many ids); checked before any password, and never the account itself: someone
guessing from elsewhere cannot lock the real user out. An overall ceiling caps login
attempts from everywhere (scrypt is slow on purpose: a flood must not take the CPU).
Unknown ids are checked against a decoy hash, so timing tells nothing.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from server_stub.centre.passwords import hash_password, verify_password
from server_stub.centre.schema import CentreConfig
from server_stub.server.errors import ApiError
from server_stub.server.store import Store, StoredToken
from server_stub.server.throttle import SourceThrottle, TokenBucket, retry_after

ROLES: tuple[str, ...] = ("agent", "supervisor", "trainer", "evaluator", "admin", "department")
TOKEN_TTL_S = 12 * 3600.0
MAX_SESSIONS_PER_USER = 20
LOGINS_PER_S = 20.0  # the overall ceiling, from every source together
LOGIN_BURST = 40.0
SPRAY_FAILURES = 10


@dataclass(frozen=True)
class Account:
    """Someone who may log in."""

    user_id: str
    name: str
    roles: tuple[str, ...]  # primary first
    teams: tuple[str, ...]  # its own team (an agent's) first, then the teams it supervises
    supervises: tuple[str, ...]
    whole_floor: bool
    password_hash: str
    work_queues: tuple[str, ...] = ()  # a department user's ticket work queues

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
    token_hash: str
    expires_at: float
    supervises: tuple[str, ...] = ()  # the teams its supervisor role covers
    whole_floor: bool = False  # a floor manager (值班长): every team
    work_queues: tuple[str, ...] = ()  # a department user's ticket work queues

    @property
    def role(self) -> str:
        """The primary role: the workspace a login opens."""
        return self.roles[0]

    def has(self, role: str) -> bool:
        return role in self.roles


@dataclass(frozen=True)
class Session:
    """A login that worked: the token (given to the client once, never stored) and who."""

    token: str
    principal: Principal


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class AuthService:
    config: CentreConfig
    store: Store
    token_ttl_s: float = TOKEN_TTL_S
    wall_clock: Callable[[], float] = time.time
    monotonic: Callable[[], float] = time.monotonic
    logins_per_s: float = LOGINS_PER_S
    login_burst: float = LOGIN_BURST
    accounts: dict[str, Account] = field(init=False)
    # Failed logins slow down one id from one address after FREE_FAILURES, and anything
    # from that address after SPRAY_FAILURES (someone trying many ids).
    by_id: SourceThrottle = field(init=False, default_factory=SourceThrottle)
    sources: SourceThrottle = field(
        init=False, default_factory=lambda: SourceThrottle(free_failures=SPRAY_FAILURES)
    )
    # Called with a token hash when that session ends (logout, expiry, cap): the feed
    # closes its streams.
    on_session_end: Callable[[str], None] = field(default=lambda _hash: None)
    _tokens: dict[str, Principal] = field(init=False, default_factory=dict)
    _ceiling: TokenBucket = field(init=False)

    def __post_init__(self) -> None:
        self.accounts = accounts_from_config(self.config)
        self.set_ceiling(self.logins_per_s, self.login_burst)
        for stored in self.store.tokens(self.wall_clock()):
            account = self.accounts.get(stored.user_id)
            if account is not None and account.role == stored.role:
                self._tokens[stored.token_hash] = _principal(
                    account, stored.token_hash, stored.expires_at
                )

    def set_ceiling(self, per_s: float, burst: float) -> None:
        """Change the overall ceiling on login attempts (tests, a big site)."""
        self._ceiling = TokenBucket(per_s, burst, self.monotonic())

    async def login(self, user_id: str, password: str, source: str) -> Session:
        """Check the password; `source` is the client's address (what failures slow)."""
        keys = (f"{source} {user_id}", source)  # this id from there; anything from there
        wait_s = max(
            self.by_id.wait_s(keys[0], self.monotonic()),
            self.sources.wait_s(keys[1], self.monotonic()),
        )
        if wait_s > 0:
            raise ApiError(
                429,
                "too_many_attempts",
                "too many failed logins from this address; wait before trying again",
                retry_after=retry_after(wait_s),
            )
        wait_s = self._ceiling.take(self.monotonic())
        if wait_s > 0:
            raise ApiError(
                429,
                "login_busy",
                "too many logins at once across the centre; try again in a moment",
                retry_after=retry_after(wait_s),
            )
        account = self.accounts.get(user_id)
        stored_hash = account.password_hash if account else _decoy_hash()
        # scrypt takes tens of milliseconds: keep it off the event loop.
        matches = await asyncio.to_thread(verify_password, password, stored_hash)
        if account is None or not matches:
            self.by_id.failed(keys[0], self.monotonic())
            self.sources.failed(keys[1], self.monotonic())
            raise ApiError(401, "bad_credentials", "unknown user id or wrong password")
        self.by_id.succeeded(keys[0])
        token = secrets.token_urlsafe(32)
        hashed = token_hash(token)
        principal = _principal(account, hashed, self.wall_clock() + self.token_ttl_s)
        self._forget_expired()
        self._cap_sessions(user_id)
        self._tokens[hashed] = principal
        self.store.put_token(
            StoredToken(
                token_hash=hashed,
                user_id=user_id,
                role=account.role,
                expires_at=principal.expires_at,
            )
        )
        return Session(token=token, principal=principal)

    def authenticate(self, token: str) -> Principal | None:
        hashed = token_hash(token)
        principal = self._tokens.get(hashed)
        if principal is None:
            return None
        if principal.expires_at <= self.wall_clock():
            self.end_session(hashed)
            return None
        return principal

    def end_session(self, hashed: str) -> None:
        """Logout (or expiry): the token stops working and its streams end."""
        self._tokens.pop(hashed, None)
        self.store.delete_token(hashed)
        self.on_session_end(hashed)

    def _forget_expired(self) -> None:
        now = self.wall_clock()
        for hashed in [h for h, p in self._tokens.items() if p.expires_at <= now]:
            self.end_session(hashed)

    def _cap_sessions(self, user_id: str) -> None:
        """Room for one more session of `user_id`: its oldest beyond the cap end."""
        mine = [h for h, p in self._tokens.items() if p.user_id == user_id]  # oldest first
        for hashed in mine[: max(0, len(mine) - MAX_SESSIONS_PER_USER + 1)]:
            self.end_session(hashed)


@functools.cache
def _decoy_hash() -> str:
    """Checked when the user id is unknown, so that the answer takes as long as for a
    known one (no user enumeration by timing). Made once per process: scrypt is slow."""
    return hash_password("decoy")


def accounts_from_config(config: CentreConfig) -> dict[str, Account]:
    accounts: dict[str, Account] = {}
    all_teams = tuple(team.id for team in config.teams)
    for agent in config.agents:
        if agent.password_hash:
            extra = tuple(role for role in agent.also if role != "agent")
            accounts[agent.id] = Account(
                user_id=agent.id,
                name=agent.name,
                roles=("agent", *extra),
                # An agent's own team first; a team leader's supervised teams after it.
                teams=tuple(dict.fromkeys((agent.team, *agent.supervises))),
                supervises=tuple(agent.supervises) if "supervisor" in extra else (),
                whole_floor=False,
                password_hash=agent.password_hash,
            )
    for user in config.users:
        teams = all_teams if user.floor else tuple(user.teams)
        accounts[user.id] = Account(
            user_id=user.id,
            name=user.name,
            roles=(user.role,),
            teams=teams,
            supervises=teams if user.role == "supervisor" else (),
            whole_floor=user.floor,
            password_hash=user.password_hash,
            work_queues=tuple(user.work_queues) if user.role == "department" else (),
        )
    return accounts


def _principal(account: Account, hashed: str, expires_at: float) -> Principal:
    return Principal(
        user_id=account.user_id,
        name=account.name,
        roles=account.roles,
        teams=account.teams,
        token_hash=hashed,
        expires_at=expires_at,
        supervises=account.supervises,
        whole_floor=account.whole_floor,
        work_queues=account.work_queues,
    )
