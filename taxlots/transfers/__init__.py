"""Transfers between the user's own wallets: matching withdrawals to deposits, and the overrides file. Pure."""
