"""Nexo transaction history (Transactions -> Export), the input/output shapes BittyTax's Nexo parser reads:

- ``Transaction,Type,Input Currency,Input Amount,Output Currency,Output Amount,USD Equivalent,Details,
  Date / Time (UTC)`` (current; UTC), and
- the same with ``Outstanding Loan`` and ``Date / Time``, whose times are Nexo's local time (Europe/Zurich,
  as BittyTax reads them).

The older ``Currency,Amount`` shapes are not read. ``Input Amount`` is negative when coins leave;
magnitudes are used and ``Type`` gives the direction. Nexo's chain-suffixed codes are plain assets
(``NEXONEXO``/``NEXOBNB``/``NEXOBEP2`` -> NEXO, ``BNBN`` -> BNB, ``USDTERC`` -> USDT). ``USD Equivalent``
(``$1,234.56``) becomes ``usd_value`` unless a side is USD cash.

Mapping (wallet ``Nexo``; ``Details`` containing ``rejected`` are skipped):

- ``Deposit``/``Exchange Deposited On``/``Top up Crypto`` -> deposit of the output (an ``Airdrop`` in the
  details -> income); ``Withdrawal``/``Withdraw Exchanged`` -> withdrawal of the input.
- ``Exchange``, ``Exchange Collateral``, ``Credit Card Status`` -> trade, input for output; ``Manual Sell Order``
  -> the input sold for its USD equivalent.
- ``Interest``, ``Fixed Term Interest``, ``Interest Additional`` -> income when positive; when negative it
  is loan interest paid in crypto: a spend. ``Dividend``, ``Referral Bonus``, ``Cashback``, ``Exchange
  Cashback``, ``Bonus`` -> income.
- Moves inside Nexo (term deposits, transfers, exchange wallet moves, ``Administrator``): skipped.
- Loans (``Withdrawal Credit``, ``Loan Withdrawal``, a deposit credited from a loan, ``Repayment``,
  ``Manual Repayment``, ``Liquidation``) and ``Assimilation`` are errors: taxlots does not model loans yet.

``id`` is ``nexo:<Transaction>``.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "nexo"
TITLE = "Nexo transaction history CSV"
SIGNATURES = (
    (
        "transaction",
        "type",
        "input currency",
        "input amount",
        "output currency",
        "output amount",
        "usd equivalent",
        "details",
        "date / time (utc)",
    ),
    (
        "transaction",
        "type",
        "input currency",
        "input amount",
        "output currency",
        "output amount",
        "usd equivalent",
        "details",
        "date / time",
    ),
)

WALLET = "Nexo"
ALIASES = {"NEXONEXO": "NEXO", "NEXOBNB": "NEXO", "NEXOBEP2": "NEXO", "BNBN": "BNB", "USDTERC": "USDT"}
_KINDS = {
    **dict.fromkeys(["deposit", "exchangedepositedon", "topupcrypto"], "deposit"),
    **dict.fromkeys(["withdrawal", "withdrawexchanged"], "withdrawal"),
    **dict.fromkeys(["exchange", "exchangecollateral", "creditcardstatus"], "trade"),
    "manualsellorder": "sell_to_usd",
    **dict.fromkeys(["interest", "fixedterminterest", "interestadditional"], "interest"),
    **dict.fromkeys(["dividend", "referralbonus", "cashback", "exchangecashback", "bonus"], "income"),
    **dict.fromkeys(
        [
            "administrator",
            "deposittoexchange",
            "exchangetowithdraw",
            "lockingtermdeposit",
            "unlockingtermdeposit",
            "transferin",
            "transferout",
        ],
        "internal",
    ),
    **dict.fromkeys(["withdrawalcredit", "loanwithdrawal", "repayment", "manualrepayment", "liquidation", "assimilation"], "loan"),
}


def _time_column(ctx: Context) -> tuple[str, str]:
    """The time column and its zone: ``Date / Time (UTC)`` is UTC, the older ``Date / Time`` Nexo's Zurich time."""
    return ("date / time (utc)", "UTC") if "date / time (utc)" in ctx.header else ("date / time", "Europe/Zurich")


def _parse(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Checked numbers, codes, the time, and ``_kind``: the Type refined by the details and the sign."""
    time_col, zone = _time_column(ctx)
    inp, inp_err = ex.checked_number(pl.col("input amount"), "Input Amount")
    out, out_err = ex.checked_number(pl.col("output amount"), "Output Amount")
    usd, usd_err = ex.checked_number(pl.col("usd equivalent"), "USD Equivalent", money=True)
    lf = lf.with_columns(
        _ts=ex.local_time(pl.col(time_col), ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"], zone),
        _in=inp,
        _out=out,
        _usd=ex.unsigned(usd),
        _key=ex.blank_to_null(pl.col("type")).str.to_lowercase().str.replace_all(r"[\s_]", ""),
        _details=pl.col("details").fill_null("").str.to_lowercase(),
        _in_ccy=ex.asset_code(pl.col("input currency"), ALIASES),
        _out_ccy=ex.asset_code(pl.col("output currency"), ALIASES),
        _parse_err=ex.join_errors(inp_err, out_err, usd_err),
    )
    base, details = pl.col("_key").replace_strict(_KINDS, default=None, return_dtype=pl.String), pl.col("_details")
    paid_interest = (base == "interest") & ex.is_negative(pl.col("_in")).fill_null(False)
    kind = (
        pl.when((base == "deposit") & details.str.contains("credit"))
        .then(pl.lit("loan"))
        .when((base == "deposit") & details.str.contains("airdrop"))
        .then(pl.lit("income"))
        .when(paid_interest)
        .then(pl.lit("spend"))
        .when(base == "interest")
        .then(pl.lit("income"))
        .otherwise(base)
    )
    lf = lf.with_columns(_kind=kind)
    kind = pl.col("_kind")
    sends, receives = kind.is_in(["trade", "sell_to_usd", "withdrawal", "spend"]), kind.is_in(["trade", "deposit", "income"])
    return lf.with_columns(
        _sent=pl.when(sends).then(pl.col("_in_ccy")),
        _sent_qty=pl.when(sends).then(ex.unsigned(pl.col("_in"))),
        _received=pl.when(receives).then(pl.col("_out_ccy")).when(kind == "sell_to_usd").then(pl.lit("USD")),
        _received_qty=pl.when(receives).then(ex.unsigned(pl.col("_out"))).when(kind == "sell_to_usd").then(pl.col("_usd")),
        _sends=sends,
        _receives=receives,
    )


def _errors(ctx: Context) -> pl.Expr:
    time_col, _ = _time_column(ctx)
    kind, shown = pl.col("_kind"), pl.col("type").str.strip_chars()
    return ex.join_errors(
        ex.timestamp_error(
            pl.col(time_col), pl.col("_ts"), ctx.raw_header[ctx.header.index(time_col)], "a date and time like 2024-03-15 10:11:12"
        ),
        pl.col("_parse_err"),
        pl.when(kind == "loan").then(pl.format("'{}' is a loan movement; taxlots does not model loans yet", shown)),
        pl.when(kind.is_null()).then(
            pl.format("unknown Type '{}'; taxlots knows the types listed in its Nexo importer", shown.fill_null(""))
        ),
        pl.when(pl.col("_sends") & (pl.col("_sent").is_null() | pl.col("_sent_qty").is_null())).then(
            pl.lit("Input Currency and Input Amount are required")
        ),
        pl.when(pl.col("_receives") & (pl.col("_received").is_null() | pl.col("_received_qty").is_null())).then(
            pl.lit("Output Currency and Output Amount are required")
        ),
        pl.when((kind == "sell_to_usd") & pl.col("_usd").is_null()).then(pl.lit("a Manual Sell Order needs its USD Equivalent")),
        pl.when(kind.is_in(["deposit", "income"]) & ex.is_negative(pl.col("_out")).fill_null(False)).then(
            pl.format("a '{}' row should add coins, but Output Amount is {}", shown, pl.col("_out"))
        ),
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Nexo rows -> unified rows, one event each."""
    lf = _parse(lf, ctx)
    kind, shown = pl.col("_kind"), pl.col("type").str.strip_chars()
    skip = (
        pl.when(pl.col("_details").str.contains("rejected"))
        .then(pl.lit("rejected transaction"))
        .when(kind == "internal")
        .then(pl.format("move inside Nexo ({})", shown))
    )
    no_cash = (pl.col("_sent").fill_null("") != "USD") & (pl.col("_received").fill_null("") != "USD")
    return lf.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.when(kind == "sell_to_usd").then(pl.lit("trade")).when(kind != "internal").then(kind),
            sent_asset=pl.col("_sent"),
            sent_qty=pl.col("_sent_qty"),
            received_asset=pl.col("_received"),
            received_qty=pl.col("_received_qty"),
            usd_value=pl.when(no_cash & ~kind.is_in(["deposit", "withdrawal"])).then(pl.col("_usd")),
            id=pl.lit("nexo:") + ex.blank_to_null(pl.col("transaction")),
            note=ex.note(pl.col("type"), pl.col("details")),
            error=pl.when(skip.is_null()).then(_errors(ctx)),
            skip=skip,
        )
    ).sort("line")
