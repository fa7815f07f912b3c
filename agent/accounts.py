"""Accounts for a shared server: writer names, roles and salted password hashes in one JSON file.

The server reads the file at every login, so `scriptroom users add` and `remove` take effect without a restart.
Passwords are kept only as scrypt hashes with a random salt per account; the file is written atomically, 0600.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import re
import secrets
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Mapping

MIN_PASSWORD = 8
# scrypt's cost: about 50 ms and 16 MB a check, cheap for a login, dear for a guesser.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


class AccountError(ValueError):
    """A bad account request (unknown name, weak password, malformed file); the message says what is accepted."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str  # "admin" (may act for the whole server) or "writer"
    password_hash: str  # "scrypt$N$r$p$salt$hash", base64 parts
    created: float

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def public(self) -> dict[str, Any]:
        """What may be shown: everything but the hash."""
        return {"name": self.name, "role": self.role, "created": self.created}


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32)
    b64 = lambda b: base64.b64encode(b).decode("ascii")  # noqa: E731
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${b64(salt)}${b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(password.encode("utf-8"), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p),
                             dklen=len(expected))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def check_name(name: str) -> str:
    if not _NAME.fullmatch(name or ""):
        raise AccountError(
            f"{name!r} is not a usable account name; use 1-64 letters, digits, '.', '_' or '-', starting with a "
            "letter or digit"
        )
    return name


class Accounts:
    """The password file. Every method reads it afresh: another process (the CLI) may have changed it."""

    def __init__(self, path: str | Path):
        self.path = Path(path)

    def _load(self) -> dict[str, Account]:
        if not self.path.exists():
            return {}
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {a["name"]: Account(**a) for a in raw.get("accounts", [])}
        except (ValueError, KeyError, TypeError) as exc:
            raise AccountError(f"{self.path} is not a Scriptroom accounts file ({exc}); fix or remove it") from None

    def _save(self, accounts: dict[str, Account]) -> None:
        from screenplay.files import atomic_write_text

        data = {"accounts": [asdict(a) for a in sorted(accounts.values(), key=lambda a: a.name)]}
        # Atomic (a reader sees the old file or the new one), and mkstemp's 0600 survives the rename: only the
        # server's user reads the hashes.
        atomic_write_text(self.path, json.dumps(data, indent=1))

    def list(self) -> list[Account]:
        return list(self._load().values())

    def __bool__(self) -> bool:
        return bool(self._load())

    def add(self, name: str, password: str, *, admin: bool = False, replace: bool = False) -> Account:
        check_name(name)
        if len(password) < MIN_PASSWORD:
            raise AccountError(f"a password needs at least {MIN_PASSWORD} characters")
        accounts = self._load()
        if name in accounts and not replace:
            raise AccountError(f"account {name!r} exists; `scriptroom users passwd {name}` sets a new password")
        role = "admin" if admin else "writer"
        created = accounts[name].created if name in accounts else time.time()
        accounts[name] = Account(name=name, role=role, password_hash=hash_password(password), created=created)
        self._save(accounts)
        return accounts[name]

    def set_password(self, name: str, password: str) -> Account:
        account = self._require(name)
        return self.add(name, password, admin=account.is_admin, replace=True)

    def remove(self, name: str) -> Account:
        accounts = self._load()
        account = accounts.pop(self._require(name).name)
        self._save(accounts)
        return account

    def verify(self, name: str, password: str) -> bool:
        """Gradio's ``auth`` callable: True only for a known name with its password."""
        account = self._load().get(name)
        if account is None:
            check_password(password, _dummy_hash())  # the same work as a real check: no timing hint of who exists
            return False
        return check_password(password, account.password_hash)

    def is_admin(self, name: str) -> bool:
        account = self._load().get(name)
        return account is not None and account.is_admin

    def _require(self, name: str) -> Account:
        account = self._load().get(name)
        if account is None:
            known = ", ".join(sorted(self._load())) or "none yet"
            raise AccountError(f"no account {name!r}; accounts: {known}")
        return account


@functools.cache
def _dummy_hash() -> str:
    return hash_password("not a password", salt=b"0" * 16)


@dataclass(frozen=True)
class Login:
    """Who may do what on this server. ``off``: a laptop, every browser its own writer and allowed everything.
    ``password``: Gradio's login form against the accounts file. ``hf``: Hugging Face sign-in on a Space."""

    mode: str
    accounts: Accounts
    admins: frozenset[str] = frozenset()  # Hugging Face names with the admin role (mode hf)

    @property
    def on(self) -> bool:
        return self.mode != "off"

    def writer_for(self, *, user: str | None, browser_id: str | None) -> str:
        """Whose data a visitor works on. With login on, only the user the server itself verified (Gradio's login or
        Hugging Face's) counts, and an id sent by the browser is ignored: "" means a visitor who has not signed in,
        who may chat but keeps nothing. With login off (a laptop), the browser's own id, or a new one."""
        if self.on:
            return user or ""
        return browser_id or uuid.uuid4().hex

    def is_admin(self, writer: str) -> bool:
        """May ``writer`` act for the whole server (switch its adapter, train, add to the shared library)?"""
        if not self.on:
            return True
        if not writer:
            return False
        if self.mode == "password":
            return self.accounts.is_admin(writer)
        return writer in self.admins


def resolve_login(settings: Any, env: Mapping[str, str] | None = None) -> Login:
    """The login mode ``settings.login`` asks for; ``auto`` picks password when accounts exist, Hugging Face
    sign-in on a Space whose README enables it (``hf_oauth: true`` gives the Space OAUTH_CLIENT_ID), else off."""
    env = os.environ if env is None else env
    accounts = Accounts(settings.users_file)
    mode = settings.login
    if mode == "auto":
        if accounts:
            mode = "password"
        elif env.get("SPACE_ID") and env.get("OAUTH_CLIENT_ID"):
            mode = "hf"
        else:
            mode = "off"
    if mode == "hf" and not env.get("OAUTH_CLIENT_ID"):
        raise AccountError("login hf needs a Hugging Face Space with `hf_oauth: true` in its README (that gives it "
                           "OAUTH_CLIENT_ID); a self-hosted team uses password login (`scriptroom users add`)")
    if mode == "password" and not accounts:
        raise AccountError(f"login is password but {settings.users_file} has no accounts; add one with "
                           "`scriptroom users add NAME --admin`")
    admins = {a.strip() for a in settings.admins.split(",") if a.strip()}
    if env.get("SPACE_AUTHOR_NAME"):
        admins.add(env["SPACE_AUTHOR_NAME"])  # the Space's owner
    return Login(mode=mode, accounts=accounts, admins=frozenset(admins))
