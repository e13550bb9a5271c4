"""Binance Transaction History statement (Wallet -> Transaction History -> Export Transaction Records).

Headers: ``UTC_Time,Account,Operation,Coin,Change,Remark`` (2020-2021), ``User_ID,UTC_Time,...`` (2021-2025,
often with a BOM) and ``User ID,Time,...`` (2025 on, ``YY-MM-DD HH:MM:SS``). ``UTC_Time`` is UTC; the newer
``Time`` no longer says so and is read in the zone the user passes (``--tz``, UTC by default). One row is one
balance change of one coin in one account; ``Change`` is signed.

Mapping (wallet ``Binance`` for every account):

- Trades are several rows. Rows of one trade family (spot legs ``Buy``/``Sell``/``Fee``/``Transaction
  Related``/``Transaction Buy|Spend|Fee|Sold|Revenue``; ``Binance Convert``; ``Large OTC trading``;
  ``Stablecoins Auto-Conversion``; ``Buy Crypto With Card``; ``Buy Crypto``; ``Buy Crypto With Fiat``; ``Sell
  Crypto To Fiat``; ``WBETH2.0 - Staking``; ``SOL Staking - Purchase``; ``Small Assets Exchange BNB``) in one second
  (and, for spot legs, one account) form one group; negative legs are sent, positive received, fee legs the fee, each summed
  per asset. A group becomes a trade only when it sends exactly one asset and receives exactly one.
  Otherwise it is an error naming its lines, never a guess: legs of several trades in one second cannot
  be paired, and a group that only sends or only receives has legs stamped a second away (the complete
  looking groups a second before and after it are then errors too, since they may hold its missing legs).
- Spot trades get the id the Trade History importer gives the same trade (fills of one second summed,
  ``binance:<second>:<sent>:<received>:<gross sent>:<gross received>``) and a lower :data:`PRIORITY`, so
  loading both exports counts each trade once (the Trade History row is kept). This rests on Binance
  stamping the statement legs with the fill's second, as observed; a trade whose legs are all stamped a
  second later would keep two ids and count twice, which neither file alone can reveal.
- Dust (``Small Assets Exchange BNB``): one coin to BNB is a trade. Several coins to one BNB amount cannot be
  split per coin without prices, so it is an error unless each coin's line is directly followed by its own
  BNB line (pairs of adjacent lines, which Binance writes or the user can write), giving one trade per coin.
- ``Deposit``/``Fiat Deposit`` are deposits, ``Withdraw``/``Fiat Withdraw``/``Send`` withdrawals of the gross
  amount (``Withdraw fee is included``: the network fee is inside but not stated, so no fee is recorded).
- Interest, rewards, airdrops, distributions, commissions and cashback are income (no USD value given).
- Moves between Binance accounts (Spot, Funding, Earn, staking, futures, strategy) are skipped with their
  reason; ``ETH 2.0 Staking`` (ETH -> BETH, 1:1) is one of them, so BETH is read as ETH. ``WBETH2.0 -
  Staking`` (ETH -> WBETH) and ``SOL Staking - Purchase`` (SOL -> BNSOL) are trades: the liquid-staking
  token is worth more than one coin (it accrues the rewards), so the units received differ from those sent.
- ``Crypto Box``: a claimed box is income, a box sent leaves as a withdrawal (a gift, not a disposal).
  ``Merchant Acquiring`` (Binance Pay received as a merchant) is income, a refund a spend.
- Margin loans (``Isolated Margin Loan``/``Repayment``, ``Margin Loan``/``Repayment``): borrowed principal is
  neither income nor a disposal, so the loan is a deposit and its repayment a withdrawal (note ``borrowed
  principal, not income``): the balance stays right for the trades made with it.
- Futures ``Funding Fee`` and ``Realized Profit and Loss`` are derivatives P&L, not disposals of property:
  a positive one is income of the settlement asset, a negative one a spend of it (both priced later), each
  noted ``derivatives P&L: ...`` with ``event_class`` ``derivatives-pnl:<operation>`` so reports can total
  them apart from lots; a zero one is a counted skip. No money is dropped: the settlement asset's balance
  follows the account.
- Token swaps, asset recoveries and BNB fee deductions are errors (no honest mapping); any other operation
  is an error naming it.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context
from taxlots.importers.binance_trades import (
    ALIASES,
    TRADE_COLUMNS,
    WALLET,
    combine_legs,
    fee_error,
    line_list,
    precise,
    second_fees,
    trade_id,
    wall_time,
)

NAME = "binance-statement"
TITLE = "Binance Transaction History statement"
PRIORITY = 0  # below binance-trades
SIGNATURES = (
    ("utc_time", "account", "operation", "coin", "change"),
    ("time", "account", "operation", "coin", "change"),
)

_SPOT_OPS = ("buy", "sell", "fee", "transaction related", "transaction buy", "transaction spend", "transaction fee", "transaction sold",
             "transaction revenue")  # fmt: skip
_FAMILIES = {
    **dict.fromkeys(_SPOT_OPS, "spot"), "binance convert": "convert", "large otc trading": "otc",
    "stablecoins auto-conversion": "autoconversion", "buy crypto with card": "card", "small assets exchange bnb": "dust",
    "buy crypto": "buycrypto", "buy crypto with fiat": "buyfiat", "sell crypto to fiat": "sellfiat",
    "wbeth2.0 - staking": "wbeth", "sol staking - purchase": "bnsol",
}  # fmt: skip
_LABELS = {
    "spot": "spot trade", "convert": "Binance Convert", "otc": "Large OTC trading", "autoconversion": "Stablecoins Auto-Conversion",
    "card": "Buy Crypto With Card", "dust": "Small Assets Exchange BNB", "buycrypto": "Buy Crypto",
    "buyfiat": "Buy Crypto With Fiat", "sellfiat": "Sell Crypto To Fiat", "wbeth": "WBETH2.0 - Staking",
    "bnsol": "SOL Staking - Purchase",
}  # fmt: skip
_FEE_OPS = ["fee", "transaction fee"]
_INCOME_OPS = (
    "simple earn flexible interest", "simple earn flexible airdrop", "simple earn locked rewards", "staking rewards",
    "eth 2.0 staking rewards", "savings interest", "pos savings interest", "savings distribution", "pool distribution",
    "launchpool interest", "launchpool airdrop", "hodler airdrops distribution", "megadrop rewards", "distribution",
    "airdrop assets", "campaign related reward", "commission history", "referral commission", "commission rebate",
    "referrer rebates", "referral kickback", "commission fee shared with you", "cashback voucher",
    "cash voucher distribution", "card cashback", "binance card cashback", "bnb vault rewards", "liquid swap rewards",
    "mission reward distribution", "launchpool airdrop - user claim distribution", "launchpool airdrop - system distribution",
    "bnsol staking - extra rewards", "strategy trading fee rebate",
)  # fmt: skip
_INTERNAL_OPS = (
    "transfer between main and funding wallet", "transfer_in", "transfer_out", "simple earn flexible subscription",
    "simple earn flexible redemption", "simple earn locked subscription", "simple earn locked redemption",
    "staking purchase", "staking redemption", "eth 2.0 staking", "savings purchase", "savings principal redemption",
    "pos savings purchase", "pos savings redemption", "launchpool subscription/redemption",
    "transfer between spot account and um futures account", "transfer between spot account and cm futures account",
    "transfer between main account/futures and margin account", "transfer between spot and strategy account",
)  # fmt: skip
#: Operations whose kind follows the sign of Change: (kind when positive, kind when negative).
_SIGNED = {
    "funding fee": ("income", "spend"),  # futures funding: derivatives P&L, see the module docstring
    "realized profit and loss": ("income", "spend"),  # futures realized P&L
    "crypto box": ("income", "withdrawal"),  # a red packet claimed / one sent (a gift: not a disposal)
    "merchant acquiring": ("income", "spend"),  # Binance Pay received as a merchant / refunded
}
_DERIVATIVES = ("funding fee", "realized profit and loss")
#: Borrowed principal is neither income nor a disposal: it arrives and leaves like a transfer.
_LOANS = {
    "isolated margin loan": "deposit", "isolated margin repayment": "withdrawal", "margin loan": "deposit",
    "margin repayment": "withdrawal",
}  # fmt: skip
_KINDS = {
    **dict.fromkeys(["deposit", "fiat deposit"], "deposit"),
    **dict.fromkeys(["withdraw", "fiat withdraw", "fiat withdrawal", "send"], "withdrawal"),
    **dict.fromkeys(_INCOME_OPS, "income"),
    **dict.fromkeys(_INTERNAL_OPS, "internal"),
    **_LOANS,
    **dict.fromkeys(_SIGNED, "signed"),
}
_SWAP = "a token swap renames an asset and must carry its lots over, which the ledger cannot express yet"
_UNSUPPORTED = {
    "token swap - redenomination/rebranding": _SWAP,
    "token swap - distribution": _SWAP,
    "asset recovery": "Binance took the balance back; record it by hand as a spend or withdrawal",
    "bnb fee deduction": "the statement does not say what the BNB paid for",
}
_SIGN = {"deposit": "increase", "income": "increase", "withdrawal": "reduce"}
_KEYS = ["_k_time", "_k_account", "_k_family", "_k_part"]


def _time_column(ctx: Context) -> str:
    return "utc_time" if "utc_time" in ctx.header else "time"


def _parse(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Per row: UTC time, operation class, asset, signed change, note and the row's own errors."""
    time_col = _time_column(ctx)
    tz = "UTC" if time_col == "utc_time" else ctx.tz
    change, change_err = ex.checked_number(pl.col("change"), "Change")
    lf = lf.with_columns(
        _ts=wall_time(pl.col(time_col)).dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null").dt.convert_time_zone("UTC"),
        _op=ex.blank_to_null(pl.col("operation")),
        _change=change,
        _change_err=change_err,
        _asset=ex.asset_code(pl.col("coin"), ALIASES),
        _remark=ex.blank_to_null(ex.column(ctx, "remark")),
    )
    op, change = pl.col("_op"), pl.col("_change")
    lf = lf.with_columns(_opk=op.str.to_lowercase().str.replace_all(r"\s+", " "), _neg=ex.is_negative(change))
    opk = pl.col("_opk")
    signed = opk.is_in(list(_SIGNED))
    negative, positive = ({k: v[i] for k, v in _SIGNED.items()} for i in (1, 0))
    by_sign = pl.when(pl.col("_neg")).then(opk.replace_strict(negative, default=None)).otherwise(opk.replace_strict(positive, default=None))
    lf = lf.with_columns(
        _family=opk.replace_strict(_FAMILIES, default=None),
        _kind=pl.when(signed).then(by_sign).otherwise(opk.replace_strict(_KINDS, default=None)),
        _zero=signed & ex.is_zero(change).fill_null(False),
        _unsupported=opk.replace_strict(_UNSUPPORTED, default=None),
        _fee_leg=opk.is_in(_FEE_OPS),
        _note=pl.when(pl.col("_remark").is_null()).then(op).otherwise(pl.format("{}: {}", op, pl.col("_remark"))).fill_null(""),
    )
    known = pl.col("_family").is_not_null() | pl.col("_kind").is_not_null()
    sign = pl.col("_kind").replace_strict(_SIGN, default=None)
    wrong_sign = (sign == "increase") & pl.col("_neg") | (sign == "reduce") & ~pl.col("_neg") & ~ex.is_zero(change)
    errors = [
        ex.timestamp_error(pl.col(time_col), pl.col("_ts"), ctx.raw_header[ctx.header.index(time_col)], "a time like 2024-03-08 10:15:42"),
        pl.when(op.is_null())
        .then(pl.lit("Operation is blank"))
        .when(pl.col("_unsupported").is_not_null())
        .then(pl.format("operation '{}' is not supported: {}", op, pl.col("_unsupported")))
        .when(~known)
        .then(
            pl.format(
                "unknown operation '{}' (account '{}'); taxlots knows the operations listed in its Binance statement importer",
                op,
                pl.col("account").fill_null(""),
            )
        ),
        pl.when(pl.col("_asset").is_null()).then(pl.lit("Coin is blank")),
        pl.when(change.is_null() & pl.col("_change_err").is_null()).then(pl.lit("Change is blank")).otherwise(pl.col("_change_err")),
        precise(change, "Change"),
        pl.when(known & wrong_sign.fill_null(False)).then(
            pl.format("a '{}' row should {} the balance, but Change is {}", op, sign, change)
        ),
        pl.when(pl.col("_fee_leg") & ~pl.col("_neg") & ~ex.is_zero(change)).then(
            pl.format("a '{}' row should reduce the balance, but Change is {}", op, change)
        ),
    ]
    return lf.with_columns(_error=ex.join_errors(*errors))


def _singles(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Deposits, withdrawals, income, skipped internal moves, and other operations' errors."""
    kind, qty = pl.col("_kind"), ex.unsigned(pl.col("_change"))
    inbound = kind.is_in(["deposit", "income"])
    outbound = kind.is_in(["withdrawal", "spend"])
    loan = pl.col("_opk").is_in(list(_LOANS))
    derivative = pl.col("_opk").is_in(_DERIVATIVES)
    note = (
        pl.when(derivative)
        .then(pl.format("derivatives P&L: {}", pl.col("_note")))
        .when(loan)
        .then(pl.format("borrowed principal, not income: {}", pl.col("_note")))
        .otherwise(pl.col("_note"))
    )
    skip = (
        pl.when(pl.col("_error").is_not_null())
        .then(None)
        .when(kind == "internal")
        .then(pl.format("internal move between Binance accounts ({})", pl.col("_op")))
        .when(pl.col("_zero"))
        .then(pl.format("'{}' row with a zero Change (no money moved)", pl.col("_op")))
    )
    return rows.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=pl.when(kind != "internal").then(kind),
            sent_asset=pl.when(outbound).then(pl.col("_asset")),
            sent_qty=pl.when(outbound).then(qty),
            received_asset=pl.when(inbound).then(pl.col("_asset")),
            received_qty=pl.when(inbound).then(qty),
            note=note,
            error=pl.col("_error"),
            skip=skip,
            event_class=pl.when(derivative).then(pl.format("derivatives-pnl:{}", pl.col("_opk"))),
        )
    )


def _dust_part(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Number the (coin line, BNB line) pairs of a dust group when every line is in such an adjacent pair."""
    grp = ["_k_time", "_k_account"]
    is_dust = pl.col("_family") == "dust"
    dust = rows.filter(is_dust).with_columns(
        _rank=pl.int_range(pl.len()).over(grp, order_by="line"),
        _step=(pl.col("line") - pl.col("line").shift(1).over(grp, order_by="line")).fill_null(0),
        _coin=((pl.col("_asset") != "BNB") & pl.col("_neg")).fill_null(False),
        _bnb=((pl.col("_asset") == "BNB") & ~pl.col("_neg")).fill_null(False),
    )
    dust = dust.with_columns(
        _fits=pl.when(pl.col("_rank") % 2 == 0).then(pl.col("_coin")).otherwise(pl.col("_bnb") & (pl.col("_step") == 1))
    )
    paired = pl.col("_fits").all().over(grp) & (pl.len().over(grp) % 2 == 0) & (pl.col("_coin").sum().over(grp) > 1)
    dust = dust.select(*rows.collect_schema().names(), _k_part=pl.when(paired).then(pl.col("_rank") // 2).otherwise(0))
    return pl.concat([rows.filter(~is_dust.fill_null(False)).with_columns(_k_part=pl.lit(0, pl.Int64)), dust])


def _trades(fam: pl.LazyFrame) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """``(trades, problems)``: the legs of each trade family and second summed, split by whether they pair."""
    good = fam.filter(~pl.col("_bad"))
    role = pl.when(pl.col("_fee_leg")).then(pl.lit("fee")).when(pl.col("_neg")).then(pl.lit("sent")).otherwise(pl.lit("received"))
    legs = good.select(*_KEYS, "line", "_ts", role=role, asset=pl.col("_asset"), qty=ex.unsigned(pl.col("_change")))
    received = pl.col("asset").filter(pl.col("role") == "received").first().over(_KEYS)
    legs = legs.with_columns(
        role=pl.when((pl.col("role") == "fee") & (pl.col("asset") == received)).then(pl.lit("own_fee")).otherwise(pl.col("role"))
    )
    groups = (
        combine_legs(legs, _KEYS, carry=("_ts",))
        .with_columns(
            _complete=(pl.col("sent_n") == 1) & (pl.col("received_n") == 1), _partial=(pl.col("sent_n") == 0) | (pl.col("received_n") == 0)
        )
        .cache()
    )
    side = ["_k_account", "_k_family", "_ts"]
    broken = _with_lines(groups.filter(pl.col("_partial")), good).group_by(side).agg(_near=pl.col("_lines").first())
    for name, shift in (("_before", "1s"), ("_after", "-1s")):
        near = broken.with_columns(pl.col("_ts").dt.offset_by(shift)).rename({"_near": name})
        groups = groups.join(near, on=side, how="left")
    fine = pl.col("_complete") & pl.col("_before").is_null() & pl.col("_after").is_null() & (pl.col("fee_n") <= 2)
    return groups.filter(fine), _with_lines(groups.filter(~fine), good).with_columns(_problem=_problem())


def _with_lines(groups: pl.LazyFrame, rows: pl.LazyFrame) -> pl.LazyFrame:
    """``groups`` (few, with problems) plus texts naming their lines (``_lines``) and assets (``_sent``, ``_received``)."""
    side = {
        "_sent": ~pl.col("_fee_leg") & pl.col("_neg"),
        "_received": ~pl.col("_fee_leg") & ~pl.col("_neg") & ~ex.is_zero(pl.col("_change")),
    }
    assets = {name: pl.col("_asset").filter(cond).unique().sort().str.join(", ") for name, cond in side.items()}
    lines = rows.join(groups.select(_KEYS), on=_KEYS, how="semi").group_by(_KEYS).agg(_lines=line_list(pl.col("line")), **assets)
    return groups.join(lines, on=_KEYS, how="left")


def _problem() -> pl.Expr:
    family, complete = pl.col("_k_family"), pl.col("_complete")
    where = pl.format("{} legs at {} ({})", family.replace_strict(_LABELS, default=None), pl.col("_k_time"), pl.col("_lines"))
    sent, received = pl.col("_sent"), pl.col("_received")
    what = pl.format(
        "send {} and receive {}",
        pl.when(sent != "").then(sent).otherwise(pl.lit("nothing")),
        pl.when(received != "").then(received).otherwise(pl.lit("nothing")),
    )
    spot = (
        pl.when(family == "spot")
        .then(pl.lit("; load the Trade History export, which lists every fill, and delete these statement lines"))
        .otherwise(pl.lit(""))
    )
    near = pl.coalesce(pl.col("_before"), pl.col("_after"))
    dust = (
        "; splitting the BNB per coin needs prices the statement lacks: put one BNB line per coin right after that coin's line,"
        " or record the dust by hand"
    )
    return (
        pl.when(pl.col("_partial"))
        .then(
            pl.format(
                "{} {}: the rest of the trade may be stamped a second earlier or later, and taxlots does not guess{}", where, what, spot
            )
        )
        .when((family == "dust") & ~complete)
        .then(pl.format("{} turn {} into {}{}", where, sent, received, pl.lit(dust)))
        .when(~complete)
        .then(pl.format("{} {}: legs of several trades in one second cannot be paired{}", where, what, spot))
        .when(near.is_not_null())
        .then(pl.format("{} may include legs of the incomplete trade a second away ({}){}", where, near, spot))
        .otherwise(pl.format("{}: {}", where, fee_error()))
    )


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Unified rows: one per single-row event, one per trade group, one error per unpairable group."""
    rows = (
        _parse(lf, ctx)
        .with_columns(
            _k_time=pl.col(_time_column(ctx)).str.strip_chars(),
            # Spot legs pair within one account (a margin trade is not a spot trade); a convert may move between accounts.
            _k_account=pl.when(pl.col("_family") == "spot").then(pl.col("account").str.strip_chars().fill_null("")).otherwise(pl.lit("")),
            _k_family=pl.col("_family").fill_null(""),
        )
        .cache()
    )
    fam = (
        _dust_part(rows.filter(pl.col("_family").is_not_null())).with_columns(_bad=pl.col("_error").is_not_null().any().over(_KEYS)).cache()
    )
    bad = fam.filter(pl.col("_bad")).with_columns(_n=pl.len().over(_KEYS), _lines=line_list(pl.col("line")).over(_KEYS))
    left_out = pl.when(pl.col("_n") > 1).then(pl.format(" (so its trade, {}, was left out)", pl.col("_lines"))).otherwise(pl.lit(""))
    bad = bad.filter(pl.col("_error").is_not_null()).select(
        ex.unified(
            timestamp=pl.col("_ts"), wallet=pl.lit(WALLET), type=pl.lit("trade"), note=pl.col("_note"), error=pl.col("_error") + left_out
        )
    )
    trades, problems = _trades(fam)
    prefix = pl.when(pl.col("_k_family") == "spot").then(pl.lit("binance")).otherwise(pl.format("binance:{}", pl.col("_k_family")))
    common = {
        "line": pl.col("line"),
        "timestamp": pl.col("_ts"),
        "wallet": pl.lit(WALLET),
        "type": pl.lit("trade"),
        "note": pl.col("_k_family").replace_strict(_LABELS, default=""),
    }
    ok = trades.select(ex.unified(**common, **{c: pl.col(c) for c in TRADE_COLUMNS}, id=trade_id(prefix, pl.col("_ts"))))
    fees = second_fees(trades.with_columns(_prefix=prefix), trade_id(pl.col("_prefix"), pl.col("_ts")))
    failed = problems.select(ex.unified(**common, error=pl.col("_problem")))
    return pl.concat([_singles(rows.filter(pl.col("_family").is_null())), bad, ok, fees, failed]).sort("line")
