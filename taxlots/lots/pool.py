"""Which lots a disposal may draw from: the pool scope is a policy chosen in config, never fixed in code."""

from __future__ import annotations

from enum import StrEnum


class Scope(StrEnum):
    UNIVERSAL = "universal"  # one pool per asset across all wallets (pre-2025 practice)
    PER_WALLET = "per-wallet"  # one pool per asset and wallet (US rule for 2025 on, Treas. Reg. 1.1012-1(j))
    PER_WALLET_FROM_2025 = "per-wallet-from-2025"  # universal before 2025-01-01, per wallet after (see lots.transition)


def pool_key(scope: Scope, asset: str, wallet: str) -> tuple[str, str]:
    """The pool a row's asset in ``wallet`` belongs to."""
    return (asset, wallet if scope is Scope.PER_WALLET else "")
