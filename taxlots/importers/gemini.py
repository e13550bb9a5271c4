"""Gemini "Transaction History" (CSV save of the XLSX download).

Quirks of the format:

- The middle of the header is **dynamic**: three columns per asset the account ever held,
  ``<A> Amount <A>``, ``Fee (<A>) <A>`` (older files: ``Trading Fee (<A>) <A>``) and ``<A> Balance <A>``.
  The assets are discovered from ``ctx.header``; a header without any ``<A> Amount <A>`` column is not
  claimed.
- ``Date`` and ``Time (UTC)`` are separate columns (time with milliseconds); some files hold the whole
  timestamp in ``Date`` and have no or a blank ``Time (UTC)``. Times are UTC.
- Amount cells are formatted text: ``"$2,000.00 "`` (trailing space), accounting parentheses for
  negatives ``"($1,722.60)"``, and crypto with the unit inside the cell ``0.1 BTC `` / ``(0.0995 BTC)``.
  A cell whose unit is not its column's asset is an error.
- The file ends with a totals row that has no ``Date``: skipped.

Mapping:

- ``Buy``/``Sell``: ``Symbol`` is the pair (``BTCUSD``, ``ETHBTC``), split against the assets of the
  header (longest quote first). Buy sends the quote and receives the base; Sell the reverse. The amounts
  are the two assets' ``Amount`` cells (the received one must be positive, the sent one negative); the
  fee is the one non-zero ``Fee (<A>) <A>`` cell of the row, in that asset (the quote, in practice), and
  comes on top of the amounts (Gemini's balances move by amount + fee).
- ``Credit``: a deposit of ``Symbol``; ``income`` when ``Specification`` names interest, rewards,
  staking, earn, yield or cashback. ``Debit``: a withdrawal (the amount is net; the fee is separate).
  A Credit/Debit whose Specification names both Earn/staking and a movement (transfer, redemption,
  deposit, withdrawal, unstake: "Staking Transfer", "Earn Redemption") moves coins between balances of
  the one Gemini wallet: skipped, never income. (Gemini's exact Earn/staking wording is not well
  documented, so these are word rules.)
- ``id``: ``gemini:<Trade ID>`` for trades; ``gemini:<Tx Hash>:<tx output>`` for on-chain movements (the
  output index keeps two outputs of one transaction apart; ``gemini:<Tx Hash>`` when no output is
  given); null otherwise (e.g. ACH deposits). ``usd_value`` is never stated by this export.
"""

from __future__ import annotations

import re

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "gemini"
TITLE = "Gemini transaction history CSV"
SIGNATURES = (
    ("date", "time (utc)", "type", "symbol", "specification", "liquidity indicator", "trading fee rate (bps)"),
    ("date", "type", "symbol", "specification", "liquidity indicator"),
)

WALLET = "Gemini"
_AMOUNT_RE = re.compile(r"^(\S+) amount \1$")
_FEE_RE = re.compile(r"^(?:trading )?fee \((\S+)\) \1$")
_KNOWN = "Buy, Sell, Credit, Debit"
_INCOME_RE = r"(?i)\b(interest|rewards?|staking|stake|earn|yield|cash ?back)\b"
#: A Credit/Debit naming both an Earn/staking pool and a movement is a move inside the Gemini wallet.
_POOL_RE = r"(?i)\b(earn|staking|stake|staked|unstake|unstaking)\b"
_MOVE_RE = r"(?i)\b(transfer|redemption|redeem|allocation|deposit|withdrawal|withdraw|unstake|unstaking)\b"


def _assets(header: tuple[str, ...]) -> list[tuple[str, str, str | None]]:
    """``(ASSET, amount column, fee column or None)`` for every asset of the (normalized) header."""
    fees = {m.group(1): col for col in header if (m := _FEE_RE.match(col))}
    return [(m.group(1).upper(), col, fees.get(m.group(1))) for col in header if (m := _AMOUNT_RE.match(col))]


def claims(header: tuple[str, ...]) -> bool:
    return bool(_assets(header))


def _unitless(col: str, asset: str) -> pl.Expr:
    """``0.1 BTC `` / ``(0.0995 BTC)`` / ``($1.72)`` -> ``0.1`` / ``-0.0995`` / ``-1.72`` (still unchecked)."""
    return ex.clean_money(pl.col(col).str.replace(rf"(?i)\s+{re.escape(asset)}\s*(\)?)\s*$", "$1"))


def _checked(col: str, cleaned: str, label: str, asset: str) -> tuple[pl.Expr, pl.Expr]:
    """``(value, error)`` of a cleaned cell; the error quotes the cell as written."""
    value, _ = ex.checked_number(pl.col(cleaned), label)
    raw = pl.col(col)
    bad = ex.blank_to_null(raw).is_not_null() & value.is_null()
    return value, pl.when(bad).then(pl.format(f"{label} '{{}}' is not an amount of {asset}", raw.str.strip_chars()))


def _pick(asset: pl.Expr, codes: list[str], prefix: str) -> pl.Expr:
    """The per-asset column ``<prefix><i>`` of the row's ``asset``."""
    return pl.coalesce([pl.when(asset == code).then(pl.col(f"{prefix}{i}")) for i, code in enumerate(codes)])


def _split_pair(symbol: pl.Expr, codes: list[str]) -> tuple[pl.Expr, pl.Expr]:
    """``(base, quote)`` of a pair such as ``ETHBTC``, both among ``codes``; null when it cannot be split."""
    quotes = []
    for q in sorted(codes, key=len, reverse=True):
        base = symbol.str.slice(0, symbol.str.len_chars() - len(q))
        quotes.append(pl.when(symbol.str.ends_with(q) & base.is_in(codes)).then(pl.lit(q)))
    quote = pl.coalesce(quotes)
    return pl.when(quote.is_not_null()).then(symbol.str.slice(0, symbol.str.len_chars() - quote.str.len_chars())), quote


def _with_timestamp(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Add ``_ts`` (UTC) and ``_ts_error`` from ``Date`` and ``Time (UTC)``, or a full timestamp in ``Date``."""
    date = ex.blank_to_null(pl.col("date"))
    raw = date
    if "time (utc)" in ctx.header:
        time = ex.blank_to_null(pl.col("time (utc)"))
        raw = pl.when(time.is_not_null() & ~date.str.contains(r"[T ]\d")).then(date + " " + time).otherwise(date)
    lf = lf.with_columns(_when=raw).with_columns(_ts=ex.iso_utc(pl.col("_when")))
    expected = "a date and time like 2024-03-01 14:02:17.512"
    return lf.with_columns(_ts_error=ex.timestamp_error(pl.col("_when").fill_null(""), pl.col("_ts"), "Date/Time (UTC)", expected))


def _side_error(label: pl.Expr, asset: pl.Expr, value: pl.Expr, *, credit: bool) -> pl.Expr:
    """A trade or movement whose amount for ``asset`` is missing or has the wrong sign."""
    wrong = ~ex.is_negative(value) if not credit else ex.is_negative(value)
    want = "a credit (positive)" if credit else "a debit (negative)"
    return (
        pl.when(asset.is_not_null() & value.is_null() & pl.col("_cell_error").is_null())
        .then(pl.format("{}: the '{} Amount {}' cell is blank", label, asset, asset))
        .when(asset.is_not_null() & wrong & ~ex.is_zero(value))
        .then(pl.format(f"{{}}: the {{}} amount '{{}}' should be {want}", label, asset, value))
    )


def _id(ctx: Context) -> pl.Expr:
    def col(name: str) -> pl.Expr:
        return ex.blank_to_null(ex.column(ctx, name))

    output = pl.coalesce(col("deposit tx output"), col("withdrawal tx output"))
    tx = pl.when(output.is_not_null()).then(col("tx hash") + ":" + output).otherwise(col("tx hash"))
    return pl.lit("gemini:") + pl.coalesce(col("trade id"), tx)


def _parse_cells(lf: pl.LazyFrame, ctx: Context, assets: list[tuple[str, str, str | None]]) -> pl.LazyFrame:
    """Add ``_amt<i>``/``_fee<i>`` (the parsed cells of asset ``i``) and ``_cell_error``."""
    written = dict(zip(ctx.header, ctx.raw_header, strict=True))
    columns = {f"_amt{i}": (amount, code) for i, (code, amount, _) in enumerate(assets)}
    columns.update({f"_fee{i}": (fee, code) for i, (code, _, fee) in enumerate(assets) if fee is not None})
    lf = lf.with_columns(**{f"{name}_clean": _unitless(col, code) for name, (col, code) in columns.items()})
    parsed = {name: _checked(col, f"{name}_clean", written.get(col, col), code) for name, (col, code) in columns.items()}
    missing_fees = {f"_fee{i}": pl.lit(None, pl.String) for i, (_, _, fee) in enumerate(assets) if fee is None}
    values = {name: value for name, (value, _) in parsed.items()}
    return lf.with_columns(**values, **missing_fees, _cell_error=ex.join_errors(*(err for _, err in parsed.values())))


def _sides(lf: pl.LazyFrame, codes: list[str]) -> pl.LazyFrame:
    """Add ``_typ``, ``_symbol``, ``_quote``, ``_asset``, ``_sent``/``_received`` (assets) and their amounts."""
    lf = lf.with_columns(
        _typ=ex.blank_to_null(pl.col("type")).str.to_lowercase(),
        _symbol=ex.blank_to_null(pl.col("symbol")).str.to_uppercase(),
        _spec=ex.blank_to_null(pl.col("specification")).fill_null(""),
    )
    base, quote = _split_pair(pl.col("_symbol"), codes)
    lf = lf.with_columns(_base=base, _quote=quote, _asset=pl.when(pl.col("_symbol").is_in(codes)).then(pl.col("_symbol")))
    typ = pl.col("_typ")
    lf = lf.with_columns(
        _sent=pl.when(typ == "buy").then("_quote").when(typ == "sell").then("_base").when(typ == "debit").then("_asset"),
        _received=pl.when(typ == "buy").then("_base").when(typ == "sell").then("_quote").when(typ == "credit").then("_asset"),
    )
    return lf.with_columns(_sent_amt=_pick(pl.col("_sent"), codes, "_amt"), _received_amt=_pick(pl.col("_received"), codes, "_amt"))


def _fee(codes: list[str]) -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """``(fee asset, fee quantity, error)`` from the row's one non-zero ``Fee (<A>) <A>`` cell."""
    has_fee = [pl.col(f"_fee{i}").is_not_null() & ~ex.is_zero(pl.col(f"_fee{i}")) for i in range(len(codes))]
    fee_asset = pl.coalesce([pl.when(h).then(pl.lit(code)) for h, code in zip(has_fee, codes, strict=True)])
    fee_qty = pl.coalesce([pl.when(h).then(ex.unsigned(pl.col(f"_fee{i}"))) for i, h in enumerate(has_fee)])
    n_fees = pl.sum_horizontal([h.cast(pl.Int32) for h in has_fee])
    return fee_asset, fee_qty, pl.when(n_fees > 1).then(pl.lit("the row has fees in more than one asset"))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Gemini rows -> unified rows (one event per row)."""
    assets = _assets(ctx.header)
    codes = [code for code, _, _ in assets]
    lf = _with_timestamp(_sides(_parse_cells(lf, ctx, assets), codes), ctx)
    typ, spec = pl.col("_typ"), pl.col("_spec")
    is_trade = typ.is_in(["buy", "sell"]).fill_null(False)
    is_credit, is_debit = (typ == "credit").fill_null(False), (typ == "debit").fill_null(False)
    fee_asset, fee_qty, fee_error = _fee(codes)
    label = pl.concat_str([pl.col("type").str.strip_chars(), pl.col("_symbol")], separator=" ", ignore_nulls=True)
    errors = ex.join_errors(
        pl.when(typ.is_null()).then(pl.lit(f"Type is blank; expected one of {_KNOWN}")),
        pl.when(typ.is_not_null() & ~typ.is_in(["buy", "sell", "credit", "debit"])).then(
            pl.format(f"unknown transaction type '{{}}'; taxlots knows: {_KNOWN}", pl.col("type").str.strip_chars())
        ),
        pl.when(is_trade & pl.col("_quote").is_null()).then(
            pl.format("Symbol '{}' is not a pair of two assets of this file's columns", pl.col("symbol").fill_null(""))
        ),
        pl.when((is_credit | is_debit) & pl.col("_asset").is_null()).then(
            pl.format("Symbol '{}' has no '<asset> Amount <asset>' column in this file", pl.col("symbol").fill_null(""))
        ),
        pl.col("_ts_error"),
        pl.col("_cell_error"),
        _side_error(label, pl.col("_received"), pl.col("_received_amt"), credit=True),
        _side_error(label, pl.col("_sent"), pl.col("_sent_amt"), credit=False),
        fee_error,
    )
    skip = (
        pl.when(ex.blank_to_null(pl.col("date")).is_null())
        .then(pl.lit("totals row (no Date)"))
        .when((is_credit | is_debit) & spec.str.contains(_POOL_RE) & spec.str.contains(_MOVE_RE))
        .then(pl.lit("internal move between Gemini trading and Earn/staking balances"))
    )
    kind = (
        pl.when(is_trade)
        .then(pl.lit("trade"))
        .when(is_credit & spec.str.contains(_INCOME_RE))
        .then(pl.lit("income"))
        .when(is_credit)
        .then(pl.lit("deposit"))
        .when(is_debit)
        .then(pl.lit("withdrawal"))
    )
    note = pl.concat_str(
        [ex.blank_to_null(pl.col("type")), pl.col("_symbol"), ex.blank_to_null(pl.col("specification"))], separator=" ", ignore_nulls=True
    )
    return (
        lf.with_columns(_skip=skip)
        .select(
            ex.unified(
                timestamp=pl.col("_ts"),
                wallet=pl.lit(WALLET),
                type=kind,
                sent_asset=pl.col("_sent"),
                sent_qty=ex.unsigned(pl.col("_sent_amt")),
                received_asset=pl.col("_received"),
                received_qty=ex.unsigned(pl.col("_received_amt")),
                fee_asset=fee_asset,
                fee_qty=fee_qty,
                id=_id(ctx),
                note=note.fill_null(""),
                error=pl.when(pl.col("_skip").is_null()).then(errors),
                skip=pl.col("_skip"),
            )
        )
        .sort("line")
    )
