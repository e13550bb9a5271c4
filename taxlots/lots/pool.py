"""Which lots a disposal may draw from: the pool scope is a policy chosen in config, never fixed in code."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    UNIVERSAL = "universal"  # one pool per asset across all wallets (pre-2025 practice)
    PER_WALLET = "per-wallet"  # one pool per asset and wallet (US rule for 2025 on, Treas. Reg. 1.1012-1(j))


def pool_key(scope: Scope, asset: str, wallet: str) -> tuple[str, str]:
    """The pool a row's asset in ``wallet`` belongs to."""
    return (asset, wallet if scope is Scope.PER_WALLET else "")
