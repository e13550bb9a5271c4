"""Coinbase retail "Transaction history" CSV (coinbase.com Statements, formerly Reports), every version.

Format (EXCHANGE_FORMATS.md §1): the header sits under a preamble (line 8 in 2020-2023, line 4 since
2024; users may delete it). v1 names the account fiat in the money columns (``EUR Subtotal``; pre-2020 files may stop at ``<CCY>
Subtotal``, with no Total, Fees or Notes: then no fee is read), the 2019 "US Tax Transactions" report has
``<CCY> Spot Price at Transaction,<CCY> Amount Transacted (Inclusive of Coinbase Fees),Address,Notes``
(US dates ``10/06/2015``, read as UTC; the one amount includes the unstated fee and is the cash side;
``Address`` fills ``address`` of sends and receives), v2/v3 have
``Spot Price Currency``, v3b/v3c/v4 ``Price Currency`` (v3c: plain ``Total``), v4 adds ``ID`` first; later
trailing columns are ignored. Times are UTC. v4 money reads ``"-$1,751.05"``, v4 quantities are negative for
outflows and money signs are inconsistent: magnitudes are taken unsigned, the type gives the direction.
Money is in the account fiat whatever the quote asset; only the Notes give a Convert's received side
(``Converted 0.25 ETH to 648.352 USDC``) and a crypto-quoted trade's counter-asset (``Sold 0.5 ETH for
1743.35 USDC on ETH-USDC at 3502.1 USDC/ETH``; the "for" amount is the net cash flow: gross minus the
fee for a sell, plus the fee for a buy). Notes numbers may carry thousands commas (``to 1,000 USDC``) or,
in old EUR files, a decimal comma (``Bought 0,015 BTC``): a row's Notes are read with a decimal comma only
when that reading, and not the other, reproduces its ``Quantity Transacted``.

Mapping (wallet "Coinbase"; id ``coinbase:<ID>`` in v4, none before; usd_value only in a USD account):
- Buy/Sell (Advanced Trade, misspelled "Advance Trade", Credit): Subtotal of the account fiat sent or
  received, fee = Fees. When the Notes name another quote asset (``on ETH-USDC``) the trade is against it:
  with a rate the quote side is qty x rate and the fee, in the quote asset, its difference from the "for"
  amount; without one the "for" amount and no fee; usd_value = Subtotal.
- Convert: the row's asset for the Notes' asset; usd_value = the value received, the smaller of Subtotal
  and Total (the spread is in it; no fee row). Two rows sharing an ID (one out, one in) make one trade.
- Income types, and Receive rows whose Notes name Coinbase Earn/Rewards/Referral: income of Quantity (net
  of any staking commission) at Subtotal. Send: withdrawal (non-zero Fees = a USD fee, USD account only).
  Receive: deposit, no value. Fiat Deposit/Withdrawal: with any fee in the fiat (Quantity is net of a
  deposit fee and includes a withdrawal fee). Donation, Card Spend, Admin Debit, Subscription: spend.
- Moves between retail, Pro/Exchange/Prime, vault, savings and staking are skipped (one wallet). ETH2
  reads as ETH (an ETH2 deprecation is such a move), CGLD as CELO. Asset Migration and unknown types are
  errors.
"""

from __future__ import annotations

import re

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "coinbase"
TITLE = "Coinbase transaction history CSV"
WALLET = "Coinbase"

_CORE = ("timestamp", "transaction type", "asset", "quantity transacted")
_T3, _F3 = "total (inclusive of fees and/or spread)", "fees and/or spread"
_V2 = (*_CORE, "spot price currency", "spot price at transaction", "subtotal", "total (inclusive of fees)", "fees", "notes")
_V3 = (*_CORE, "spot price currency", "spot price at transaction", "subtotal", _T3, _F3, "notes")
_V3B = (*_CORE, "price currency", "price at transaction", "subtotal", _T3, _F3, "notes")
_V3C = (*_CORE, "price currency", "price at transaction", "subtotal", "total", _F3, "notes")
_V4 = ("id", *_V3B)
#: Account currencies of the v1 header, whose money columns are named ``<CCY> Subtotal`` and so on.
V1_FIATS = ("USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SGD", "JPY", "NZD", "PLN", "SEK", "NOK", "DKK", "CZK", "HUF", "BRL")


def _v1(ccy: str) -> tuple[str, ...]:
    c = ccy.lower()
    return (*_CORE, f"{c} spot price at transaction", f"{c} subtotal")


_INCLUSIVE = "amount transacted (inclusive of coinbase fees)"


def _tax_report(ccy: str) -> tuple[str, ...]:
    """The 2019 "US Tax Transactions" report (and its local-currency twins): one amount, fees inside it."""
    c = ccy.lower()
    return (*_CORE, f"{c} spot price at transaction", f"{c} {_INCLUSIVE}")


SIGNATURES = (_V4, _V3B, _V3C, _V3, _V2, *(_v1(c) for c in V1_FIATS), *(_tax_report(c) for c in V1_FIATS))
_US_FORMATS = ("%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y")

#: Transaction types by how they are read ("|"-separated, compared without case).
_TYPES = {
    "buy": "Buy|Advanced Trade Buy|Advance Trade Buy|Credit",
    "sell": "Sell|Advanced Trade Sell|Advance Trade Sell",
    "convert": "Convert",
    "income": "Staking Income|Rewards Income|Reward Income|Inflation Reward|Coinbase Earn|Learning Reward|Learning Rewards"
    "|Interest payout|Subscription Rebate|Subscription Rebates (24 Hours)",
    "send": "Send",
    "receive": "Receive",
    "deposit": "Deposit",
    "withdrawal": "Withdrawal",
    "spend": "Donation|Card Spend|Admin Debit|Subscription",
    "internal": "Pro Deposit|Pro Withdrawal|Exchange Deposit|Exchange Withdrawal|Prime Deposit|Prime Withdrawal|Vault Deposit"
    "|Vault Withdrawal|Cash to Savings|Savings to Cash|Transfer|Retail Staking Transfer|Retail Unstaking Transfer|Retail Eth2 Deprecation",
    "migration": "Asset Migration",
}
_KIND_OF = {name.lower(): kind for kind, names in _TYPES.items() for name in names.split("|")}
_KNOWN = ", ".join(name for names in _TYPES.values() for name in names.split("|"))
_LEDGER_TYPE = dict(buy="trade", sell="trade", convert="trade", income="income", send="withdrawal", withdrawal="withdrawal")
_LEDGER_TYPE |= dict(receive="deposit", deposit="deposit", spend="spend")
ALIASES = {"ETH2": "ETH", "CGLD": "CELO"}

_NUM = r"(\d[\d.,]*\d|\d)"
_FOR = r"(?i)\bfor\s+[^\d\s]{0,3}\s?" + _NUM
_CONVERTED = r"(?i)^\s*converted\s+" + _NUM + r"\s+\S+\s+to\s+" + _NUM + r"\s+([A-Za-z0-9]+)"
_MONEY = ("subtotal", "total", "fees")
_PAIR = r"\bon\s+[A-Za-z0-9]+-([A-Za-z0-9]+)\b"
_RATE = r"\bat\s+" + _NUM + r"\s+[A-Za-z0-9]+/[A-Za-z0-9]+"
_EARN_NOTE = r"(?i)coinbase\s+(earn|rewards?|referral)"


def _ungrouped(expr: pl.Expr) -> pl.Expr:
    """Drop thousands commas from a quantity written ``-1,500.5`` (columns never use a decimal comma)."""
    grouped = expr.str.strip_chars().str.contains(r"^[+-]?\d{1,3}(,\d{3})+(\.\d*)?$")
    return pl.when(grouped).then(expr.str.replace_all(",", "")).otherwise(expr)


def _layout(ctx: Context) -> dict[str, str | None]:
    """The names of this header's columns (they differ by version); ``fiat`` is v1's currency prefix."""
    cols = set(ctx.header)
    fiat = next((c[:3] for c in ctx.header if re.fullmatch(r"[a-z]{3} (subtotal|spot price at transaction)", c)), None)

    def pick(*names: str) -> str | None:
        return next((n for n in names if n and n in cols), None)

    return {
        "currency": pick("price currency", "spot price currency"),
        "fiat": fiat.upper() if fiat and "subtotal" not in cols else None,
        # the tax report's one amount includes the fee (not stated): it is the value that changed hands
        "subtotal": pick("subtotal", f"{fiat} subtotal", f"{fiat} {_INCLUSIVE}"),
        "total": pick(_T3, "total (inclusive of fees)", "total", f"{fiat} total (inclusive of fees)", f"{fiat} {_INCLUSIVE}"),
        "fees": pick(_F3, "fees", f"{fiat} fees"),
        "id": pick("id"),
    }


def _money(ctx: Context) -> dict[str, tuple[pl.Expr, str]]:
    """Subtotal, Total and Fees: the source column (null when the header lacks it) and its name as written."""
    lay, label = _layout(ctx), dict(zip(ctx.header, ctx.raw_header, strict=False))
    return {k: (pl.col(c) if (c := lay[k]) else pl.lit(None, pl.String), label.get(c or "", k)) for k in _MONEY}


def _iso_utc(raw: pl.Expr) -> pl.Expr:
    """:func:`ex.iso_utc`, with a fast path: the exact v4 and v1-v3 formats first, the general parse on the rest.

    Where an exact format parses a value, the general parse gives the same instant; each later parse runs only
    on the values the ones before it left unparsed (the others are null for it).
    """
    v4 = raw.str.to_datetime("%Y-%m-%d %H:%M:%S UTC", strict=False, time_zone="UTC")
    exact = pl.coalesce(v4, pl.when(v4.is_null()).then(raw).str.to_datetime("%Y-%m-%dT%H:%M:%SZ", strict=False, time_zone="UTC"))
    return pl.coalesce(exact, ex.iso_utc(pl.when(exact.is_null()).then(raw)))


def _timestamp(ctx: Context) -> pl.Expr:
    """ISO UTC; the tax report (only it) writes US dates, ``10/06/2015`` (month first), taken as UTC."""
    iso = _iso_utc(pl.col("timestamp"))
    if any(c.endswith(_INCLUSIVE) for c in ctx.header):
        return pl.coalesce(iso, ex.local_time(pl.col("timestamp"), _US_FORMATS, "UTC"))
    return iso


def _read(ctx: Context) -> dict[str, pl.Expr]:
    """Stage 1: every source column read once (timestamp, codes, money cleaned of symbols) into ``_`` columns."""
    lay = _layout(ctx)
    label = dict(zip(ctx.header, ctx.raw_header, strict=False))
    qty, qty_err = ex.checked_number(_ungrouped(pl.col("quantity transacted")), label["quantity transacted"])
    currency = lay["currency"]
    return {
        "_ts": _timestamp(ctx),
        "_type": ex.blank_to_null(pl.col("transaction type")).str.replace_all(r"\s+", " "),
        "_asset": ex.asset_code(pl.col("asset"), ALIASES),
        "_q": qty,
        "_q_err": qty_err,
        **{f"_{k}_c": ex.clean_money(src) for k, (src, _) in _money(ctx).items()},
        "_fiat": ex.asset_code(pl.col(currency)) if currency else pl.lit(lay["fiat"], pl.String),
        "_notes": ex.blank_to_null(ex.column(ctx, "notes")),
        "_address": ex.blank_to_null(ex.column(ctx, "address")),
        "_sender": ex.blank_to_null(ex.column(ctx, "sender address")),
        "_recipient": ex.blank_to_null(ex.column(ctx, "recipient address")),
        "_id": pl.lit("coinbase:") + ex.blank_to_null(pl.col(lay["id"])) if lay["id"] else pl.lit(None, pl.String),
    }


#: The characters outside ASCII that a case-insensitive regex takes for ASCII letters (ſ for s, the Kelvin sign for k).
_FOLDED = ("\u017f", "\u212a")


def _only(notes: pl.Expr, *words: str, fold: bool = True) -> pl.Expr:
    """``notes`` where they hold one of ``words`` (without case when ``fold``), else null: the rows a regex can match.

    A regex that needs one of these words runs on these rows only (its result is null on the others anyway),
    and the literal search that finds them is far cheaper than the regex. Folded, any non-ASCII character that
    case folding makes an ASCII letter keeps its row too.
    """
    holds = notes.str.contains_any([*words, *_FOLDED], ascii_case_insensitive=True) if fold else notes.str.contains(words[0], literal=True)
    return pl.when(holds).then(notes)


def _classify(ctx: Context) -> dict[str, pl.Expr]:
    """Stage 2: the kind, the quantity's magnitude and sign, the money checked, and the pieces of the Notes."""
    t, notes = pl.col("_type"), pl.col("_notes").fill_null("")
    for_, pair, converted = _only(notes, "for"), _only(_only(notes, "on", fold=False), "-", fold=False), _only(notes, "converted")
    kind = t.str.to_lowercase().replace_strict(_KIND_OF, default="unknown", return_dtype=pl.String)
    money: dict[str, pl.Expr] = {}
    for k, (src, label) in _money(ctx).items():
        value, err = ex.checked_number(pl.col(f"_{k}_c"), label)
        money[f"_{k}"] = ex.unsigned(value)  # the message quotes the cell as written ("$12.3.4"), not as cleaned
        money[f"_{k}_err"] = pl.when(err.is_not_null()).then(pl.format(f"{label} '{{}}' is not a number", src.str.strip_chars()))
    return {
        "_kind": pl.when(t.is_null()).then(pl.lit("unknown")).otherwise(kind),
        "_qty": ex.expand_exponent(ex.unsigned(pl.col("_q"))),
        "_neg": ex.is_negative(pl.col("_q")).fill_null(False),
        **money,
        "_note": pl.when(pl.col("_notes").is_null()).then(t).otherwise(pl.format("{}: {}", t, notes)).fill_null(""),
        "_first": _only(notes, "bought", "sold", "converted").str.extract(r"(?i)^\s*(?:bought|sold|converted)\s+" + _NUM, 1),
        "_for_raw": for_.str.extract(_FOR, 1),
        "_quote": ex.asset_code(pl.coalesce(pair.str.extract(_PAIR, 1), for_.str.extract(_FOR + r"\s+([A-Za-z0-9]+)", 2)), ALIASES),
        "_rate_raw": _only(notes, "/", fold=False).str.extract(_RATE, 1),
        "_to_raw": converted.str.extract(_CONVERTED, 2),
        "_to_asset": ex.asset_code(converted.str.extract(_CONVERTED, 3), ALIASES),
    }


def _checked(ctx: Context) -> dict[str, pl.Expr]:
    """Stage 3: the errors every kind shares, and whether this row's Notes write a decimal comma."""
    kind, t, first, qty = pl.col("_kind"), pl.col("_type"), pl.col("_first"), ex.as_decimal(pl.col("_qty"))
    label = dict(zip(ctx.header, ctx.raw_header, strict=False))
    unsupported = "transaction type '{}' (a token migration) is not supported; record the change by hand"
    type_err = (
        pl.when(t.is_null()).then(pl.lit("Transaction Type is blank"))
        .when(kind == "unknown").then(pl.format(f"unknown transaction type '{{}}'; taxlots knows: {_KNOWN}", t))
        .when(kind == "migration").then(pl.format(unsupported, t))
    )  # fmt: skip
    ts_err = ex.timestamp_error(pl.col("timestamp"), pl.col("_ts"), label["timestamp"], "a UTC date and time (2024-03-04 15:22:10 UTC)")
    currency = label.get(_layout(ctx)["currency"] or "", "Price Currency")
    cur_err = pl.when(pl.col("_fiat").is_null() & kind.is_in(["buy", "sell"])).then(pl.lit(f"{currency} is blank"))
    thousands, decimal = first.str.replace_all(",", ""), first.str.replace_all(r"\.", "").str.replace(",", ".")
    return {
        "_fee": ex.nonzero(pl.col("_fees")),
        "_err": ex.join_errors(ts_err, type_err, *(pl.col(f"_{k}_err") for k in ("q", *_MONEY)), cur_err),
        "_comma": (first.str.contains(",") & (ex.as_decimal(thousands) != qty) & (ex.as_decimal(decimal) == qty)).fill_null(False),
    }


def _note_number(name: str) -> pl.Expr:
    """A number from the Notes, read with the row's separator style."""
    s = pl.col(name)
    out = pl.when(pl.col("_comma")).then(s.str.replace_all(r"\.", "").str.replace(",", ".")).otherwise(s.str.replace_all(",", ""))
    return pl.when(out.str.contains(ex.NUMBER_RE)).then(out)


def _cash_side() -> list[dict[str, pl.Expr]]:
    """Stages 4-5: the quote side of a buy or sell: the account fiat, or the crypto quote asset in the Notes."""
    k, quote, gross, fee = pl.col("_kind"), pl.col("_quote"), pl.col("_gross"), pl.col("_qfee")
    crypto = k.is_in(["buy", "sell"]) & quote.is_not_null() & (quote != pl.col("_fiat"))
    with_rate = crypto & fee.is_not_null() & (fee >= 0)
    numbers = {"_for": _note_number("_for_raw"), "_rate": _note_number("_rate_raw"), "_to_qty": _note_number("_to_raw"), "_crypto": crypto}
    product, paid = ex.as_decimal(pl.col("_qty")) * ex.as_decimal(pl.col("_rate")), ex.as_decimal(pl.col("_for"))
    amounts = {"_gross": product, "_qfee": pl.when(k == "sell").then(product - paid).otherwise(paid - product)}
    return [
        numbers,
        amounts,
        {
            "_cash_asset": pl.when(crypto).then(quote).otherwise(pl.col("_fiat")),
            "_cash_qty": pl.when(with_rate).then(ex.plain_decimal(gross)).when(crypto).then(pl.col("_for")).otherwise(pl.col("_subtotal")),
            "_cash_fee": pl.when(with_rate).then(ex.nonzero(ex.plain_decimal(fee))).when(crypto).then(None).otherwise(pl.col("_fee")),
        },
    ]


def _pick(by_kind: dict[str, pl.Expr | None]) -> pl.Expr:
    """One column of the output: the expression for the row's kind, null for the others."""
    out: pl.Expr = pl.lit(None, pl.String)
    for kind, expr in reversed(by_kind.items()):
        if expr is not None:
            out = pl.when(pl.col("_k") == kind).then(expr).otherwise(out)
    return out


_OUT = ("sent_asset", "sent_qty", "received_asset", "received_qty", "fee_asset", "fee_qty", "usd_value")


def _one_row_events() -> dict[str, pl.Expr]:
    """The unified columns for every row but the two-row converts."""
    asset, qty, fee, sub, notes = pl.col("_asset"), pl.col("_qty"), pl.col("_fee"), pl.col("_subtotal"), pl.col("_notes").fill_null("")
    cash_asset, cash_qty, cash_fee = pl.col("_cash_asset"), pl.col("_cash_qty"), pl.col("_cash_fee")
    to_asset, to_qty, k = pl.col("_to_asset"), pl.col("_to_qty"), pl.col("_k")
    usd = pl.col("_fiat") == "USD"
    cash_fee_asset, fiat_fee = pl.when(cash_fee.is_not_null()).then(cash_asset), pl.when(fee.is_not_null()).then(asset)
    crypto_sub = pl.when(pl.col("_crypto")).then(sub)
    received = pl.when((asset != "USD") & (to_asset != "USD")).then(
        ex.plain_decimal(pl.min_horizontal(ex.as_decimal(sub), ex.as_decimal(pl.col("_total"))))
    )
    plus_fee = pl.when(fee.is_null()).then(qty).otherwise(ex.plain_decimal(ex.as_decimal(qty) + ex.as_decimal(fee)))
    minus_fee = pl.when(fee.is_null()).then(qty).otherwise(ex.plain_decimal(ex.as_decimal(qty) - ex.as_decimal(fee)))
    usd_fee = pl.when(usd & fee.is_not_null())
    table: dict[str, tuple[pl.Expr | None, ...]] = {  # the _OUT columns of each kind; usd_value only in a USD account
        "buy": (cash_asset, cash_qty, asset, qty, cash_fee_asset, cash_fee, crypto_sub),
        "sell": (asset, qty, cash_asset, cash_qty, cash_fee_asset, cash_fee, crypto_sub),
        "convert": (asset, qty, to_asset, to_qty, None, None, received),
        "income": (None, None, asset, qty, None, None, sub),
        "receive": (None, None, asset, qty, None, None, None),
        "deposit": (None, None, asset, plus_fee, fiat_fee, fee, None),
        "send": (asset, qty, None, None, usd_fee.then(pl.lit("USD")), usd_fee.then(fee), None),
        "withdrawal": (asset, minus_fee, None, None, fiat_fee, fee, None),
        "spend": (asset, qty, None, None, None, None, sub),
    }
    out = {name: _pick({kind: row[i] for kind, row in table.items()}) for i, name in enumerate(_OUT)}
    convert_err = pl.when((k == "convert") & (to_asset.is_null() | to_qty.is_null())).then(
        pl.format("Notes '{}' do not say what was received (expected 'Converted <qty> <ASSET> to <qty> <ASSET>')", notes)
    )
    quote_err = pl.when(pl.col("_crypto") & cash_qty.is_null()).then(
        pl.format("Notes '{}' do not say how much {} changed hands (expected '... for <amount> <ASSET> on <PAIR>')", notes, cash_asset)
    )
    return out | {
        "usd_value": pl.when(usd).then(out["usd_value"]),
        "timestamp": pl.col("_ts"),
        "wallet": pl.lit(WALLET),
        "type": k.replace_strict(_LEDGER_TYPE, default=None, return_dtype=pl.String),
        # the chain address: the tax report's Address, or the v4+ Recipient (of a send) / Sender (of a receive)
        "address": pl.when(k == "send")
        .then(pl.coalesce("_address", "_recipient"))
        .when(k == "receive")
        .then(pl.coalesce("_address", "_sender")),
        "id": pl.col("_id"),
        "note": pl.col("_note"),
        "error": ex.join_errors(pl.col("_err"), convert_err, quote_err),
        "skip": pl.when(k == "internal").then(pl.format("internal move within Coinbase ({})", pl.col("_type"))),
        # Advanced Trade rows repeat fills that a fills report lists authoritatively (see coinbase_pro)
        "event_class": pl.when(pl.col("_type").str.contains(r"(?i)^advanced?\s+trade")).then(
            pl.format("coinbase-advanced-trade:{}", notes.str.extract(r"\bon\s+([A-Za-z0-9]+-[A-Za-z0-9]+)\b", 1).str.to_uppercase())
        ),
    }


def _two_row_converts(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Join converts written as two rows sharing an ID (one row out, one row in) into one trade."""
    out, inn = pl.col("_neg"), ~pl.col("_neg")
    grouped = lf.group_by("_id").agg(
        pl.col("line").min(),
        timestamp=pl.col("_ts").min(),
        sent_asset=pl.col("_asset").filter(out).first(),
        sent_qty=pl.col("_qty").filter(out).first(),
        received_asset=pl.col("_asset").filter(inn).first(),
        received_qty=pl.col("_qty").filter(inn).first(),
        note=pl.col("_note").sort_by("line").first(),
        rows=pl.len(),
        usd=(pl.col("_fiat") == "USD").all() & (pl.col("_asset") != "USD").all(),
        value=pl.min_horizontal(ex.as_decimal(pl.col("_subtotal")), ex.as_decimal(pl.col("_total"))).min(),
        err=pl.col("_err").drop_nulls().str.join("; "),
    )
    shape_err = pl.when(pl.col("rows") != 2).then(
        pl.format(
            "convert {} has {} rows; expected one row with Notes or two rows (one out, one in)",
            pl.col("_id").str.strip_prefix("coinbase:"),
            pl.col("rows"),
        )
    )
    same = ("timestamp", "sent_asset", "sent_qty", "received_asset", "received_qty", "note")
    return grouped.select(
        ex.unified(
            **{name: pl.col(name) for name in same},
            wallet=pl.lit(WALLET),
            type=pl.lit("trade"),
            usd_value=pl.when(pl.col("usd")).then(ex.plain_decimal(pl.col("value"))),
            id=pl.col("_id"),
            error=ex.join_errors(pl.when(pl.col("err") != "").then(pl.col("err")), shape_err),
        )
    )


def _convert_id(is_convert: pl.Expr) -> pl.Expr:
    """The window key that counts a convert's rows per ID: the ID on converts, null on the other rows.

    The other rows count for none, so the counts on converts are those of a window keyed by every row's ID,
    but only the converts are grouped (one null group for the rest, where every ID made a group of its own).
    """
    return pl.when(is_convert).then(pl.col("_id"))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read a Coinbase transaction history into the unified schema (see the module docstring)."""
    base = lf
    for stage in (_read(ctx), _classify(ctx), _checked(ctx), *_cash_side()):
        base = base.with_columns(**stage)
    earn = (pl.col("_kind") == "receive") & pl.col("_notes").str.contains(_EARN_NOTE).fill_null(False)
    base = base.with_columns(_k=pl.when(earn).then(pl.lit("income")).otherwise(pl.col("_kind")))
    is_convert = (pl.col("_k") == "convert") & pl.col("_id").is_not_null()
    convert_id = _convert_id(is_convert)
    outs, ins = (is_convert & pl.col("_neg")).sum().over(convert_id), (is_convert & ~pl.col("_neg")).sum().over(convert_id)
    base = base.with_columns(_two_row=(is_convert & (outs > 0) & (ins > 0)).fill_null(False))
    singles = base.filter(~pl.col("_two_row")).select(ex.unified(**_one_row_events()))
    pairs = _two_row_converts(base.filter(pl.col("_two_row")))
    return pl.concat([singles, pairs], how="vertical").sort("line")
