"""CoinTracking "Trade List" export (Enter Coins -> Trade List -> Export -> CSV).

Two layouts, both with repeated column names (a ``Cur.`` after each amount), matched by position:

- ``"Type","Buy","Cur.","Sell","Cur.","Fee","Cur.","Exchange","Group","Comment","Date"``, optionally with
  ``"Tx-ID"``, ``"Buy Value in <FIAT>"``, ``"Sell Value in <FIAT>"``, ``"Trade ID"``, ``"Imported From"``,
  ``"Add Date"``, ``"From Address"``, ``"To Address"``, ``"Tx Hash"`` (seen in public parsers and their
  fixtures); an empty cell is ``-``.
- the older ``Type,Buy,Cur.,Value in BTC,Value in <FIAT>,Sell,Cur.,Value in BTC,Value in <FIAT>,Spread,
  Exchange,Group,Date`` (BittyTax's cointracking parser), which has no fee.

CoinTracking writes dates and numbers as the account's settings say. Dates: ``YYYY-MM-DD HH:MM[:SS]``,
``YYYY/MM/DD HH:MM[:SS]`` or ``DD.MM.YYYY HH:MM[:SS]`` (rotki's fixture has ``20.09.2019 13:00:00`` with
``0.00136700`` amounts); a slashed day-month-year or month-day-year date is ambiguous and an error (switch
the export to ISO dates). Times are the account's time zone: they are read in the run's zone (``--tz``).
Numbers: a file whose amounts show a decimal comma (``0,015``: a comma not followed by exactly three
digits) is read with a decimal comma (``1.234,5``); otherwise commas are thousands separators; a file
showing both a decimal comma and a decimal point is an error on every row.

Mapping (wallet = ``Exchange``, else "CoinTracking"; id ``cointracking:<Trade ID>`` when the export has
it, else none):

- ``Trade``: sent = Sell, received = Buy; the fee is on top (CoinTracking deducts it in addition).
- ``Deposit`` / ``Withdrawal``: the Buy or the Sell side; ``Tx-ID``/``Tx Hash`` -> ``tx_hash``, the
  ``From Address`` of a deposit and the ``To Address`` of a withdrawal -> ``address``.
- Income types (``Income``, ``Other Income``, ``Reward/Bonus``, ``Mining``, ``Airdrop``, ``Staking``,
  ``Masternode``, ``Minting``, ``Interest Income``, ``Lending Income``): income of the Buy side.
  ``Spend``: a spend of the Sell side. ``Other Fee``: a fee row (the Sell side is the fee).
- ``usd_value``: the Buy value (else the Sell value) when the value columns are in USD.
- Gifts, donations, losses, margin and derivatives types are errors naming the type (taxlots does not
  model them yet); an unknown type is an error.
"""

from __future__ import annotations

import re

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "cointracking"
TITLE = "CoinTracking trade list export CSV"
SIGNATURES = (
    ("type", "buy", "cur.", "sell", "fee", "exchange", "group", "comment", "date"),
    ("type", "buy", "cur.", "value in btc", "sell", "spread", "exchange", "group", "date"),
)
WALLET = "CoinTracking"
INCOME = (
    "income",
    "other income",
    "reward/bonus",
    "mining",
    "airdrop",
    "staking",
    "masternode",
    "minting",
    "interest income",
    "lending income",
)
KINDS = {"trade": "trade", "deposit": "deposit", "withdrawal": "withdrawal", "spend": "spend", "other fee": "fee"} | dict.fromkeys(
    INCOME, "income"
)
UNSUPPORTED = (
    "gift/tip", "gift", "donation", "stolen", "lost", "margin profit", "margin loss", "margin fee", "borrowing fee",
    "derivatives / futures profit", "derivatives / futures loss", "other expense", "income (non taxable)", "expense (non taxable)",
)  # fmt: skip
_VALUE_RE = re.compile(r"^(?:(buy|sell) )?value in (\w+)(?:_\d+)?$")
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y/%m/%d %H:%M:%S", "%Y/%m/%d %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M")


def _after(header: tuple[str, ...], name: str, prefix: str) -> str | None:
    """The first column starting with ``prefix`` after column ``name`` (the ``Cur.`` of an amount)."""
    if name not in header:
        return None
    i = header.index(name)
    return next((c for c in header[i + 1 :] if c.startswith(prefix)), None)


def _values(header: tuple[str, ...]) -> tuple[str | None, str | None, str | None]:
    """``(buy value column, sell value column, fiat)`` for values in a fiat (not BTC)."""
    found = [(i, m) for i, c in enumerate(header) if (m := _VALUE_RE.match(c)) and m.group(2) != "btc"]
    sell_at = header.index("sell")
    buy = next((m.group(0) for i, m in found if m.group(1) == "buy" or (m.group(1) is None and i < sell_at)), None)
    sell = next((m.group(0) for i, m in found if m.group(1) == "sell" or (m.group(1) is None and i > sell_at)), None)
    fiat = next((m.group(2).upper() for _, m in found), None)
    return buy, sell, fiat


def _dash(name: str | None) -> pl.Expr:
    if name is None:
        return pl.lit(None, pl.String)
    return ex.blank_to_null(pl.col(name)).replace("-", None)


def _comma_file(lf: pl.LazyFrame, amounts: list[str]) -> pl.LazyFrame:
    """Add ``_comma`` (this file writes a decimal comma) and ``_mixed`` (it writes both kinds).

    Decided from the amounts alone (the date format is a separate setting: ``20.09.2019`` dates come with
    ``0.00136700`` amounts): a comma not followed by exactly three digits (``0,015``) or after dotted
    thousands (``1.234,5``) is a decimal comma; a point not followed by exactly three digits is a decimal point.
    """
    commas = [_dash(c).str.contains(r"^-?\d+,(\d{1,2}|\d{4,})$|^-?\d{1,3}(\.\d{3})+,\d+$").fill_null(False) for c in amounts]
    points = [_dash(c).str.contains(r"^-?\d+\.(\d{1,2}|\d{4,})$|^-?\d{1,3}(,\d{3})+\.\d+$").fill_null(False) for c in amounts]
    flags = lf.select(_comma=pl.any_horizontal(*commas).any(), _point=pl.any_horizontal(*points).any())
    return lf.join(flags.select("_comma", _mixed=pl.col("_comma") & pl.col("_point")), how="cross")


def _number(name: str, label: str) -> tuple[pl.Expr, pl.Expr]:
    raw = _dash(name)
    decimal = raw.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True)
    value, error = ex.checked_number(pl.when(pl.col("_comma")).then(decimal).otherwise(raw.str.replace_all(",", "")), label)
    negative = pl.when(ex.is_negative(value)).then(pl.format(f"{label} '{{}}' is negative", raw))
    error = pl.when(error.is_not_null()).then(pl.format(f"{label} '{{}}' is not a number", raw))
    return ex.nonzero(ex.expand_exponent(value)), ex.join_errors(error, negative)


def _timestamp(ctx: Context) -> tuple[pl.Expr, pl.Expr]:
    raw = pl.col("date")
    s = ex.blank_to_null(raw)
    ts = ex.local_time(s, _DATE_FORMATS, ctx.tz)
    ambiguous = s.str.contains(r"^\d{1,2}/\d{1,2}/\d{2,4}").fill_null(False)
    error = (
        pl.when(ambiguous)
        .then(pl.format("Date '{}' is ambiguous (day/month or month/day); export with YYYY-MM-DD dates", raw.str.strip_chars()))
        .otherwise(ex.timestamp_error(raw, ts, "Date", "a CoinTracking date (YYYY-MM-DD HH:MM:SS)"))
    )
    return pl.when(~ambiguous).then(ts), error


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """CoinTracking trade list rows -> unified rows (one per row)."""
    h = ctx.header
    buy_cur, sell_cur, fee_cur = (_after(h, n, "cur.") for n in ("buy", "sell", "fee"))
    buy_value, sell_value, fiat = _values(h)
    lf = _comma_file(lf, [c for c in ("buy", "sell", "fee") if c in h])
    buy, buy_err = _number("buy", "Buy")
    sell, sell_err = _number("sell", "Sell")
    fee, fee_err = _number("fee", "Fee") if "fee" in h else (pl.lit(None, pl.String), pl.lit(None, pl.String))
    b_val, b_val_err = _number(buy_value, "Buy Value") if buy_value else (pl.lit(None, pl.String), pl.lit(None, pl.String))
    s_val, s_val_err = _number(sell_value, "Sell Value") if sell_value else (pl.lit(None, pl.String), pl.lit(None, pl.String))
    ts, ts_err = _timestamp(ctx)
    key = ex.blank_to_null(pl.col("type")).str.to_lowercase().str.replace_all(r"\s+", " ")
    lf = lf.with_columns(
        _ts=ts, _b=buy, _s=sell, _f=fee, _bv=b_val, _sv=s_val, _k=key.replace_strict(KINDS, default=None), _key=key,
        _ba=ex.asset_code(_dash(buy_cur)), _sa=ex.asset_code(_dash(sell_cur)), _fa=ex.asset_code(_dash(fee_cur)),
        _errs=ex.join_errors(
            pl.when(pl.col("_mixed")).then(pl.lit("the file writes both decimal commas and decimal points; export it again with one")),
            ts_err, buy_err, sell_err, fee_err, b_val_err, s_val_err,
        ),
    )  # fmt: skip
    k, shown = pl.col("_k"), pl.col("type").str.strip_chars()
    gets, gives = k.is_in(["trade", "deposit", "income"]), k.is_in(["trade", "withdrawal", "spend", "fee"])
    known = ", ".join(["Trade", "Deposit", "Withdrawal", "Spend", "Other Fee", *(t.title() for t in INCOME)])
    error = ex.join_errors(
        pl.col("_errs"),
        pl.when(pl.col("_key").is_null()).then(pl.lit("Type is blank"))
        .when(pl.col("_key").is_in(UNSUPPORTED)).then(pl.format("CoinTracking type '{}' is not supported yet", shown))
        .when(k.is_null()).then(pl.format(f"unknown CoinTracking type '{{}}'; taxlots knows: {known}", shown)),
        pl.when(pl.col("_f").is_not_null() & pl.col("_fa").is_null()).then(pl.lit("Fee is given but its Cur. is blank")),
    )  # fmt: skip
    fee_asset = pl.when(pl.col("_f").is_not_null()).then(pl.col("_fa"))
    value = pl.coalesce(pl.col("_bv"), pl.col("_sv")) if fiat == "USD" else pl.lit(None, pl.String)
    chain = k.is_in(["deposit", "withdrawal"])
    from_address, to_address = (_dash(c if c in h else None) for c in ("from address", "to address"))
    address = pl.when(k == "deposit").then(from_address).when(k == "withdrawal").then(to_address)
    trade_id = _dash("trade id" if "trade id" in h else None)
    tx = _dash(next((c for c in ("tx-id", "tx hash") if c in h), None))
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.coalesce(_dash("exchange"), pl.lit(WALLET)),
            type=k,
            sent_asset=pl.when(gives).then(pl.col("_sa")),
            sent_qty=pl.when(gives).then(pl.col("_s")),
            received_asset=pl.when(gets).then(pl.col("_ba")),
            received_qty=pl.when(gets).then(pl.col("_b")),
            fee_asset=fee_asset,
            fee_qty=pl.when(fee_asset.is_not_null()).then(pl.col("_f")),
            usd_value=pl.when(k.is_in(["trade", "income", "spend", "fee"])).then(value),
            id=pl.lit("cointracking:") + trade_id,
            note=ex.note(pl.col("type"), _dash("group"), _dash("comment" if "comment" in h else None)),
            tx_hash=pl.when(chain).then(tx),
            address=address,
            error=error,
        )
    )
