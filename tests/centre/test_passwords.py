"""Login passwords: salted scrypt, verified in constant time."""

from __future__ import annotations

from server_stub.centre.passwords import hash_password, verify_password


def test_hash_verifies_the_right_password_and_rejects_a_wrong_one() -> None:
    stored = hash_password("demo")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("demo", stored)
    assert not verify_password("Demo", stored)
    assert not verify_password("", stored)


def test_same_password_gets_a_new_salt_each_time() -> None:
    assert hash_password("demo") != hash_password("demo")


def test_malformed_or_hostile_hashes_are_rejected_without_error() -> None:
    good = hash_password("demo")
    n, r, p, salt, digest = good.split("$")[1:]
    for stored in (
        "",
        "demo",
        good.replace("scrypt", "bcrypt", 1),
        f"scrypt${n}${r}${p}${salt}",
        f"scrypt$abc${r}${p}${salt}${digest}",
        f"scrypt$1000${r}${p}${salt}${digest}",  # n not a power of two
        f"scrypt${2**30}${r}${p}${salt}${digest}",  # a cost that would eat the memory
        f"scrypt${n}${r}${p}$!!!${digest}",
    ):
        assert not verify_password("demo", stored), stored


def test_non_ascii_passwords_work() -> None:
    stored = hash_password("密码 pässwörd")
    assert verify_password("密码 pässwörd", stored)
    assert not verify_password("密码 passwort", stored)
