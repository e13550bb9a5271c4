"""``taxlots prices fetch``: download the candles a ledger needs from an exchange, into a simple price file.

The only module that talks to the network, and only when the user runs that command. It finds the assets
and UTC days whose rows need a price (:func:`needs`, the same rule as :mod:`.attach`), downloads OHLCV
candles with ccxt (an optional extra: ``pip install 'taxlots[fetch]'``) for ``ASSET/USD``, or
``ASSET/USDT`` when the exchange lists no USD market (that stablecoin is then taken as 1 USD, and the
file's ``source`` column says so on every such line), and writes ``timestamp,asset,usd_price,source``.

A candle's timestamp is when it opens, so each close is written at the candle's end: a price is never
dated before it was known. Each day range is fetched from one candle before its first day, so the first
events of a day have a price. Exchanges return floats; each is turned into its decimal text at this edge
(``repr`` gives the shortest text that reads back as the same float, which is the exchange's own price).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import polars as pl

from taxlots.model.diagnostics import Code, Diagnostic, Severity
from taxlots.model.ledger import CASH, NOT_PROPERTY
from taxlots.model.money import decimal_context, plain
from taxlots.pricing.attach import mark_needs

HEADER = ("timestamp", "asset", "usd_price", "source")
INSTALL = "pip install 'taxlots[fetch]'"
_TIMEFRAME = re.compile(r"^(\d+)([mhdw])$")
_UNIT = {"m": 60, "h": 3600, "d": 86400, "w": 604800}
_MAX_CALLS = 100_000  # a guard against an exchange that never stops answering


class FetchError(Exception):
    """A problem that stops ``prices fetch`` (no ccxt, an unknown exchange, an output that is an input)."""


class Exchange(Protocol):
    """The part of a ccxt exchange this module uses (tests pass a fake)."""

    def load_markets(self) -> dict[str, Any]: ...

    def fetch_ohlcv(self, symbol: str, timeframe: str, since: int | None = None, limit: int | None = None) -> list[list[Any]]: ...


@dataclass(frozen=True, slots=True)
class Need:
    """An asset and the UTC days on which some row needs its price."""

    asset: str
    days: tuple[date, ...]


def timeframe_seconds(timeframe: str) -> int:
    """``"1h"`` -> 3600; the ccxt spelling (minutes, hours, days, weeks)."""
    found = _TIMEFRAME.match(timeframe)
    if found is None or int(found.group(1)) == 0:
        raise FetchError(f"timeframe '{timeframe}' is not like 1m, 5m, 1h, 4h or 1d")
    return int(found.group(1)) * _UNIT[found.group(2)]


def needs(frame: pl.DataFrame) -> list[Need]:
    """Every non-USD asset that could price a row that needs a value, with the days it is needed on.

    A trade can be priced by either side, so both are listed; a fee in a third asset lists the fee asset.
    """
    work = mark_needs(frame)
    rows = work.filter(pl.col("_need"))
    fees = work.filter(pl.col("_fee_need")).select("timestamp", asset="fee_asset")
    sides = pl.concat(
        [
            rows.filter(pl.col("type") != "income").select("timestamp", asset="sent_asset"),
            rows.select("timestamp", asset="received_asset"),
            fees,
        ]
    )
    wanted = sides.filter(pl.col("asset").is_not_null() & (pl.col("asset") != CASH) & ~pl.col("asset").is_in(NOT_PROPERTY))
    per_asset = wanted.select("asset", day=pl.col("timestamp").dt.date()).unique().sort("asset", "day")
    return [Need(asset, tuple(days)) for asset, days in per_asset.group_by("asset", maintain_order=True).agg("day").iter_rows()]


def day_ranges(days: Sequence[date]) -> list[tuple[date, date]]:
    """Runs of consecutive days as ``(first, last)``."""
    runs: list[tuple[date, date]] = []
    for day in sorted(days):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _ms(moment: datetime) -> int:
    return int(moment.timestamp()) * 1000


def price_text(value: object) -> str | None:
    """An exchange's price as exact decimal text, or None when it is not a positive number."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    text = repr(value) if isinstance(value, float) else str(value)  # float-ok: ccxt's candles are floats; repr is their shortest exact text
    with decimal_context():
        try:
            number = Decimal(text)
        except ArithmeticError:
            return None
        return plain(number) if number.is_finite() and number > 0 else None


def candles(client: Exchange, symbol: str, timeframe: str, start: datetime, end: datetime, limit: int = 720) -> dict[int, str]:
    """Closes of the candles opening in ``[start, end)``, by open time in ms, paging forward with ``since``."""
    step = timeframe_seconds(timeframe) * 1000
    since, stop = _ms(start), _ms(end)
    out: dict[int, str] = {}
    for _ in range(_MAX_CALLS):
        if since >= stop:
            break
        batch = client.fetch_ohlcv(symbol, timeframe, since=since, limit=limit)
        usable = [c for c in batch if len(c) > 4 and isinstance(c[0], int) and not isinstance(c[0], bool)]
        opened = [c[0] for c in usable]
        for candle in usable:
            close = price_text(candle[4])
            if since <= candle[0] < stop and close is not None:
                out.setdefault(candle[0], close)
        if not opened or max(opened) + step <= since:
            break
        since = max(opened) + step
    return out


def _market(markets: dict[str, Any], asset: str) -> tuple[str, str] | None:
    for quote in ("USD", "USDT"):
        if f"{asset}/{quote}" in markets:
            return f"{asset}/{quote}", quote
    return None


def fetch_prices(
    frame: pl.DataFrame, client: Exchange, *, exchange: str, timeframe: str = "1h"
) -> tuple[list[tuple[str, str, str, str]], list[Diagnostic]]:
    """Download the prices ``frame`` needs.

    Args:
        frame: the ledger (``Ledger.frame``).
        client: a ccxt exchange (or anything with ``load_markets`` and ``fetch_ohlcv``).
        exchange: its name, written in each line's ``source``.
        timeframe: the candle length (``1h``, ``1d``, ...).

    Returns:
        ``(rows, diagnostics)``: the price file's rows (sorted by asset, then time), and a warning for each
        asset the exchange has no market for and each run of days it returned no candles for.
    """
    step = timedelta(seconds=timeframe_seconds(timeframe))
    markets = client.load_markets()
    rows: list[tuple[str, str, str, str]] = []
    diags: list[Diagnostic] = []
    for need in needs(frame):
        market = _market(markets, need.asset)
        if market is None:
            diags.append(_warn(f"{exchange} has no {need.asset}/USD or {need.asset}/USDT market; no prices for {need.asset}"))
            continue
        symbol, quote = market
        note = f"{exchange} {symbol} {timeframe} close" + ("" if quote == "USD" else f" ({quote} taken as 1 USD)")
        for first, last in day_ranges(need.days):
            start = datetime.combine(first, datetime.min.time(), UTC) - step
            end = datetime.combine(last + timedelta(days=1), datetime.min.time(), UTC)
            got = candles(client, symbol, timeframe, start, end)
            if not got:
                span = f"{first}" if first == last else f"{first} – {last}"
                diags.append(_warn(f"{exchange} returned no {symbol} candles for {span}"))
            for opened, close in sorted(got.items()):
                closes_at = datetime.fromtimestamp(opened // 1000, UTC) + step
                rows.append((closes_at.strftime("%Y-%m-%dT%H:%M:%SZ"), need.asset, close, note))
    rows = sorted(set(rows), key=lambda r: (r[1], r[0], r[3]))
    return rows, diags


def _warn(message: str) -> Diagnostic:
    return Diagnostic(code=Code.PRICE_FILE, message=message, severity=Severity.WARNING)


def make_client(name: str) -> Exchange:
    """A ccxt exchange by its ccxt id (``kraken``, ``coinbase``, ``bitstamp``, ...), rate-limited."""
    try:
        import ccxt  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        raise FetchError(f"prices fetch needs ccxt: {INSTALL}") from None
    factory = getattr(ccxt, name, None)
    if factory is None or not callable(factory):
        raise FetchError(f"ccxt has no exchange '{name}' (use its ccxt id, e.g. kraken, coinbase, bitstamp)")
    client: Exchange = factory({"enableRateLimit": True})
    return client


def check_output(output: str, inputs: Iterable[str]) -> None:
    """Refuse to write over one of the inputs."""
    target = Path(output).resolve()
    for path in inputs:
        if Path(path).resolve() == target:
            raise FetchError(f"refusing to overwrite the input {path}; choose another --output")
