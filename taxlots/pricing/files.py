"""Price files: read every supported format into one frame of exact USD prices.

Formats are detected from the first line, as exports are:

- **simple CSV** ``timestamp,asset,usd_price`` (optionally a fourth column ``source``, which ``taxlots prices
  fetch`` writes to say where each price came from). ISO 8601 timestamps; a date alone is midnight UTC.
- **Kraken OHLCVT** history (the downloadable per-pair files, e.g. ``XBTUSD_60.csv``): no header, seven
  numbers ``unix_time,open,high,low,close,volume,trades``. The pair and the candle length in minutes come
  from the file name; ``unix_time`` is when a candle opens, so its ``close`` is taken as the price at the
  candle's end (``unix_time`` plus the candle length): a lookup never sees a price from after the event.
  Kraken codes map to plain tickers (``XBT`` -> BTC, ``XDG`` -> DOGE). Pairs quoted in USD (``USD``,
  ``ZUSD``) are read as they are; pairs quoted in USDT or USDC are read with that stablecoin explicitly
  taken as 1 USD, which each such file reports once as a ``price-assumed`` warning (a USD pair for the same
  asset and time wins over them). Other quotes are an error naming the file.
- **CoinGecko** "export data" CSV ``snapped_at,price,market_cap,total_volume``: one coin per file, the asset
  from the file name (``btc-usd-max.csv`` -> BTC) or from the ``ASSET=FILE`` form.

Every price stays the exact decimal of the file (``42261.0446``; ``4.2e-05`` becomes the text ``0.000042``):
it is validated as a number here, never a float, and multiplied only where a value is computed. A bad row is a diagnostic with
its file and line; a blank line is skipped and counted.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.kraken_ledgers import ALIASES
from taxlots.model.diagnostics import Code, Diagnostic, Severity
from taxlots.model.source import SourceRef
from taxlots.pricing import exact

#: The columns of the frame :func:`read_prices` returns.
PRICE_SCHEMA: dict[str, pl.DataType] = {
    "asset": pl.String(),
    "timestamp": pl.Datetime("us", "UTC"),
    "price": pl.String(),  # the exact decimal text of the file
    "source": pl.String(),  # file:<name>
    "rank": pl.Int64(),  # 0 for a USD quote, 1 for a stablecoin quote taken as USD: lower wins a tie
    "order": pl.Int64(),  # the file's position among the price files
    "line": pl.Int64(),
}

SIMPLE = ("timestamp", "asset", "usd_price")
SIMPLE_WITH_SOURCE = (*SIMPLE, "source")
COINGECKO = ("snapped_at", "price", "market_cap", "total_volume")
KRAKEN_FIELDS = ("unix_time", "open", "high", "low", "close", "volume", "trades")
#: Stablecoin quotes a Kraken pair file may have; they are taken as exactly 1 USD (and say so).
KRAKEN_PEGGED_QUOTES = ("USDT", "USDC")
_KRAKEN_USD_QUOTES = ("ZUSD", "USD")
_KRAKEN_NAME = re.compile(r"^([A-Za-z0-9]+)_(\d+)$")
_COINGECKO_NAME = re.compile(r"^([a-z0-9]+)-([a-z]+)-(max|\d+)$", re.IGNORECASE)
_ASSET_FORM = re.compile(r"^([A-Za-z0-9.]{1,20})=(.+)$")
_NUMERIC_LINE = re.compile(r"^\s*[0-9.eE+-]+(\s*,\s*[0-9.eE+-]*){6}\s*$")


@dataclass(frozen=True, slots=True)
class PriceSpec:
    """One ``--prices`` argument: the file, and the asset it prices when the file cannot say (``ASSET=FILE``)."""

    path: str
    asset: str | None = None


def parse_spec(text: str) -> PriceSpec:
    """``FILE`` or ``ASSET=FILE``. A path that exists as given is always a file, even with ``=`` in its name."""
    found = _ASSET_FORM.match(text)
    if found and not Path(text).exists():
        return PriceSpec(path=found.group(2), asset=found.group(1).upper())
    return PriceSpec(path=text)


def empty_prices() -> pl.DataFrame:
    return pl.DataFrame(schema=PRICE_SCHEMA)


def read_prices(specs: Sequence[str | PriceSpec]) -> tuple[pl.DataFrame, list[Diagnostic]]:
    """Read every price file into one frame (see :data:`PRICE_SCHEMA`), in the order given.

    Args:
        specs: ``FILE`` or ``ASSET=FILE`` strings (or parsed :class:`PriceSpec` values).

    Returns:
        ``(prices, diagnostics)``: every valid price, and a diagnostic for each file or row that is not one.
    """
    frames: list[pl.DataFrame] = []
    diags: list[Diagnostic] = []
    for order, item in enumerate(specs):
        spec = parse_spec(item) if isinstance(item, str) else item
        frame, problems = read_price_file(spec, order)
        diags += problems
        if frame is not None:
            frames.append(frame)
    prices = pl.concat(frames, how="vertical") if frames else empty_prices()
    return prices, diags + conflicts(prices)


def conflicts(prices: pl.DataFrame) -> list[Diagnostic]:
    """One warning per pair of files (or per file) that give different prices for the same asset and moment.

    The lookup takes the first file's price (then the earlier line); a disagreement is worth knowing about,
    because it may be a wrong file or a wrong asset name. Prices are compared as numbers (``42000`` equals
    ``42000.0``), and only within a rank: a USD quote beating a stablecoin quote is documented, not a conflict.
    """
    keys = ["asset", "timestamp", "rank"]
    clashing = prices.filter(pl.col("price").n_unique().over(keys) > 1)
    if clashing.is_empty():
        return []
    found: dict[tuple[str, str], list[tuple[Any, ...]]] = {}
    rows = clashing.sort(*keys, "order", "line").select(*keys, "price", "source", "line")
    for _key, group in rows.group_by(keys, maintain_order=True):
        (asset, stamp, _rank, price, kept, line), *others = group.iter_rows()
        for *_same, other_price, other, other_line in others:
            if Decimal(other_price) != Decimal(price):
                found.setdefault((kept, other), []).append((asset, stamp, price, line, other_price, other_line))
    diags = []
    for (kept, other), clashes in found.items():
        asset, stamp, price, line, lost, other_line = clashes[0]
        moment = f"{asset} at {stamp:%Y-%m-%d %H:%M:%S} UTC"
        if kept == other:
            message = (
                f"{len(clashes)} price(s) of this file disagree with a later line: e.g. {moment} is {price} here (used) "
                f"and {lost} at line {other_line}"
            )
        else:
            message = (
                f"{len(clashes)} price(s) disagree with {other.removeprefix('file:')}: e.g. {moment} is {price} here (used) "
                f"and {lost} there (line {other_line})"
            )
        diags.append(
            Diagnostic(
                code=Code.PRICE_CONFLICT,
                severity=Severity.WARNING,
                message=message,
                source=SourceRef(kept.removeprefix("file:"), line),
                hint="the file given first (and its earlier line) wins; remove or fix the wrong price",
            )
        )
    return diags


def _first_line(path: str) -> tuple[str | None, Diagnostic | None]:
    try:
        with open(path, encoding="utf-8-sig", errors="replace", newline="") as fh:
            return fh.readline().rstrip("\r\n"), None
    except OSError as err:
        message = "no such price file" if isinstance(err, FileNotFoundError) else f"cannot read price file: {err.strerror or err}"
        return None, Diagnostic(code=Code.PRICE_FILE, message=message, source=SourceRef(path, 0))


def _file_error(path: str, line: int, message: str, hint: str = "") -> Diagnostic:
    return Diagnostic(code=Code.PRICE_FILE, message=message, source=SourceRef(path, line), hint=hint)


def read_price_file(spec: PriceSpec, order: int = 0) -> tuple[pl.DataFrame | None, list[Diagnostic]]:
    """Detect one price file's format by its first line and read it.

    Returns:
        ``(prices, diagnostics)``; ``prices`` is None when the file cannot be read at all.
    """
    path = spec.path
    first, diag = _first_line(path)
    if first is None:
        return None, [diag] if diag else []
    header = tuple(c.strip().lower() for c in next(csv.reader([first]), []))
    if header in (SIMPLE, SIMPLE_WITH_SOURCE):
        if spec.asset:
            return None, [_file_error(path, 1, f"{spec.asset}= is for one-coin files; this file names the asset of each row")]
        return _read_simple(path, order, len(header))
    if header == COINGECKO:
        return _read_coingecko(spec, order)
    if _NUMERIC_LINE.match(first):
        return _read_kraken(spec, order)
    known = f"{','.join(SIMPLE)} | CoinGecko {','.join(COINGECKO)} | Kraken OHLCVT PAIR_MINUTES.csv without a header"
    return None, [_file_error(path, 1, f"not a price file taxlots knows; first line: {first[:200]!r}", f"known formats: {known}")]


def _scan(path: str, columns: Sequence[str], header: bool) -> pl.DataFrame:
    """Every column as a string, one slack column for rows with too many fields, and the file's line number."""
    start = 2 if header else 1
    schema = {c: pl.String for c in (*columns, "_extra")}
    return pl.read_csv(
        path,
        has_header=False,
        skip_lines=1 if header else 0,
        schema=schema,
        missing_columns="insert",
        truncate_ragged_lines=True,
        row_index_name="line",
        row_index_offset=start,
        encoding="utf8-lossy",
        infer_schema=False,
    ).with_columns(pl.col("line").cast(pl.Int64))


def _finish(
    path: str,
    raw: pl.DataFrame,
    *,
    asset: pl.Expr,
    stamp: pl.Expr,
    stamp_raw: str,
    expected: str,
    price_raw: str,
    label: str,
    rank: int,
    order: int,
) -> tuple[pl.DataFrame, list[Diagnostic]]:
    """Validate the parsed columns; return the good rows and one diagnostic per bad row (blank lines counted).

    Each parsed value is bound to a column once (``with_columns``) before the checks read it.
    """
    cells = [c for c in raw.columns if c != "line"]
    blank = pl.all_horizontal([ex.blank_to_null(pl.col(c)).is_null() for c in cells])
    rows = raw.filter(~blank).with_columns(_asset=asset, _stamp=stamp, _pclean=ex.blank_to_null(pl.col(price_raw)))
    rows = rows.with_columns(_price=pl.when(pl.col("_pclean").str.contains(ex.NUMBER_RE)).then(pl.col("_pclean")))
    price, clean = pl.col("_price"), pl.col("_pclean")
    not_number = pl.when(clean.is_not_null() & price.is_null()).then(pl.format(f"{label} '{{}}' is not a number", clean))
    negative = pl.when(ex.is_negative(price)).then(pl.format(f"{label} '{{}}' is negative", price))
    zero = pl.when(ex.is_zero(price)).then(pl.lit(f"{label} is zero (a price must be positive)"))
    too_big = price.is_not_null() & ex.as_decimal(ex.unsigned(price)).is_null()
    huge = pl.when(too_big).then(pl.format(f"{label} '{{}}' is out of range (at most 20 digits before the point)", price))
    blank_price = pl.when(clean.is_null()).then(pl.lit(f"{label} is blank"))
    blank_asset = pl.when(pl.col("_asset").is_null()).then(pl.lit("asset is blank"))
    extra = pl.when(pl.col("_extra").is_not_null()).then(pl.lit(f"row has more fields than the {len(cells) - 1} expected"))
    stamp_error = ex.timestamp_error(pl.col(stamp_raw), pl.col("_stamp"), stamp_raw, expected)
    error = ex.join_errors(extra, stamp_error, blank_asset, blank_price, not_number, negative, zero, huge)
    checked = rows.select("line", asset="_asset", timestamp="_stamp", price="_price", _error=error)
    bad = checked.filter(pl.col("_error").is_not_null())
    diags = [_file_error(path, line, msg) for line, msg in bad.select("line", "_error").iter_rows()]
    blanks = raw.height - checked.height
    if blanks:
        diags.append(
            Diagnostic(code=Code.SKIPPED_ROWS, severity=Severity.INFO, message=f"skipped {blanks} blank line(s)", source=SourceRef(path, 1))
        )
    good = checked.filter(pl.col("_error").is_null()).select(
        "asset",
        "timestamp",
        "price",
        source=pl.lit(f"file:{path}"),
        rank=pl.lit(rank, pl.Int64),
        order=pl.lit(order, pl.Int64),
        line="line",
    )
    return good.with_columns(exact.plain_text(good["price"])), diags


def _read_simple(path: str, order: int, width: int) -> tuple[pl.DataFrame, list[Diagnostic]]:
    raw = _scan(path, SIMPLE_WITH_SOURCE[:width], header=True)
    return _finish(
        path,
        raw,
        asset=ex.asset_code(pl.col("asset")),
        stamp=ex.iso_utc(pl.col("timestamp")),
        stamp_raw="timestamp",
        expected="an ISO 8601 timestamp",
        price_raw="usd_price",
        label="usd_price",
        rank=0,
        order=order,
    )


def coingecko_asset(path: str) -> tuple[str | None, str]:
    """The asset a CoinGecko file's name gives (``btc-usd-max.csv`` -> BTC), or None and why not."""
    found = _COINGECKO_NAME.match(Path(path).stem)
    if found is None:
        return None, "cannot tell the coin from the file name (CoinGecko names it like btc-usd-max.csv)"
    if found.group(2).lower() != "usd":
        return None, f"prices are quoted in {found.group(2).upper()}, not USD (download the USD export)"
    return found.group(1).upper(), ""


def _read_coingecko(spec: PriceSpec, order: int) -> tuple[pl.DataFrame | None, list[Diagnostic]]:
    path = spec.path
    asset, why = (spec.asset, "") if spec.asset else coingecko_asset(path)
    if asset is None:
        return None, [_file_error(path, 1, why, f"name the coin: --prices ASSET={path}")]
    raw = _scan(path, COINGECKO, header=True)
    return _finish(
        path,
        raw,
        asset=pl.lit(asset),
        stamp=ex.iso_utc(pl.col("snapped_at")),
        stamp_raw="snapped_at",
        expected="a timestamp such as 2024-03-01 00:00:00 UTC",
        price_raw="price",
        label="price",
        rank=0,
        order=order,
    )


def kraken_pair(path: str, asset: str | None = None) -> tuple[str, str, int] | str:
    """``(base, quote, minutes)`` from a Kraken OHLCVT file name (``XXBTZUSD_60.csv`` -> ``("BTC", "USD", 60)``), or why not."""
    found = _KRAKEN_NAME.match(Path(path).stem)
    if found is None:
        return "a Kraken OHLCVT file is named PAIR_MINUTES.csv (e.g. XBTUSD_60.csv)"
    pair = found.group(1).upper()
    for quote in (*_KRAKEN_USD_QUOTES, *KRAKEN_PEGGED_QUOTES):
        if pair.endswith(quote) and len(pair) > len(quote):
            base = pair[: -len(quote)]
            return asset or ALIASES.get(base, base), "USD" if quote in _KRAKEN_USD_QUOTES else quote, int(found.group(2))
    return f"pair {pair} is not quoted in USD, USDT or USDC"


def _read_kraken(spec: PriceSpec, order: int) -> tuple[pl.DataFrame | None, list[Diagnostic]]:
    path = spec.path
    pair = kraken_pair(path, spec.asset)
    if isinstance(pair, str):
        return None, [_file_error(path, 1, pair, "use the USD pair's file, e.g. XBTUSD_60.csv")]
    base, quote, minutes = pair
    raw = _scan(path, KRAKEN_FIELDS, header=False)
    seconds = ex.blank_to_null(pl.col("unix_time"))
    valid = seconds.str.contains(r"^\d{1,12}$")
    closes_at = pl.when(valid).then(seconds).cast(pl.Int64, strict=False).add(minutes * 60).mul(1_000_000)
    stamp = closes_at.cast(pl.Datetime("us")).dt.replace_time_zone("UTC")
    frame, diags = _finish(
        path,
        raw,
        asset=pl.lit(base),
        stamp=stamp,
        stamp_raw="unix_time",
        expected="whole seconds since 1970",
        price_raw="close",
        label="close",
        rank=0 if quote == "USD" else 1,
        order=order,
    )
    if quote != "USD" and frame.height:
        diags.append(
            Diagnostic(
                code=Code.PRICE_ASSUMED,
                severity=Severity.WARNING,
                message=f"{base}/{quote} closes taken as USD prices ({quote} peg assumed; a {base}/USD file would override them)",
                source=SourceRef(path, 1),
            )
        )
    return frame, diags
