"""Build match.Side columns from short row tuples, for the transfer tests."""

from __future__ import annotations

from decimal import Decimal

from taxlots.transfers.match import Side

SCALE = 8
MINUTE = 60_000_000  # microseconds
HOUR = 60 * MINUTE

#: (seq, id, minutes after t0, wallet, asset, qty, fee in the same asset, tx hash)
Row = tuple[int, str, int, str, str, str, str, str | None]


def scaled(text: str) -> int:
    value = Decimal(text).scaleb(SCALE)
    assert value == value.to_integral_value()
    return int(value)


def side(rows: list[Row]) -> Side:
    return Side(
        seq=[r[0] for r in rows],
        id=[r[1] for r in rows],
        time=[r[2] * MINUTE for r in rows],
        wallet=[r[3] for r in rows],
        asset=[r[4] for r in rows],
        qty=[scaled(r[5]) for r in rows],
        fee=[scaled(r[6]) for r in rows],
        tx_hash=[r[7] for r in rows],
    )
