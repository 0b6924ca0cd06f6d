"""The acting user as every access decision sees them: role, agency, country, purposes."""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import yaml

from eslabon.errors import EslabonError

ROLES = ("analyst", "investigator", "prosecutor", "auditor", "administrator")


@cache
def permissions() -> dict[str, frozenset[str]]:
    """Role -> permissions, from roles.yaml."""
    text = resources.files("eslabon.access").joinpath("roles.yaml").read_text(encoding="utf-8")
    return {role: frozenset(perms) for role, perms in yaml.safe_load(text)["roles"].items()}


@dataclass(frozen=True)
class Principal:
    """A user, or the local operator of a workspace that has no accounts yet (setup mode)."""

    username: str
    role: str
    agency: str | None
    country: str | None
    law_enforcement: bool = True
    purposes: frozenset[str] = field(default_factory=frozenset)
    setup: bool = False

    @classmethod
    def local_operator(cls) -> Principal:
        """Setup mode: no accounts exist; whoever runs eslabon on this machine sees everything."""
        return cls(
            username=f"local:{getpass.getuser()}",
            role="administrator",
            agency=None,
            country=None,
            setup=True,
        )

    def can(self, permission: str) -> bool:
        if self.setup:
            return True
        return permission in permissions().get(self.role, frozenset())

    def require(self, permission: str) -> None:
        """Refuse, with a message a person can act on, what the role does not allow."""
        if not self.can(permission):
            raise EslabonError(
                f"{self.username} ({self.role}) may not {permission.replace('_', ' ')}",
                hint="ask an administrator; docs/access.md lists what each role may do",
            )


def cli_origin() -> str:
    """Where a CLI action comes from, for the audit log."""
    return f"cli:{getpass.getuser()}@{socket.gethostname()}"
