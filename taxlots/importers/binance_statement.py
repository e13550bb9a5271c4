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
    decimal_text,
    fee_error,
    line_list,
    precise,
    second_fees,
    short_year,
    trade_id,
    wall_time,
)
from taxlots.query import ENGINE

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
#: The key compared between neighbouring lines: a group's key before dust lines are split into parts.
_RUN = ["_k_time", "_k_account", "_k_family"]
#: Columns that hold one value per group, kept on its trade.
_CARRY = ("_ts", "_k_time", "_k_account", "_k_family", "_k_part")
#: The columns of one group (a trade, or legs that do not pair) that the steps after pairing read.
_GROUP = (
    "_g", "line", *_CARRY, "sent_n", "received_n", "fee_n", "sent_asset", "sent_qty", "sent_gross", "received_asset",
    "received_qty", "received_gross", "fee_asset", "fee_qty", "fee_min", "fee_max", "fee2_qty", "fee2_line",
)  # fmt: skip
#: What the pairing reads of a trade family's line.
_LEG = ("line", "_ts", "_k_time", "_k_account", "_k_family", "_asset", "_change", "_z", "_neg", "_fee_leg", "_has_error")
_SENT, _RECEIVED, _FEE = 0, 1, 2  # leg roles in :func:`_runs`


def _time_column(ctx: Context) -> str:
    return "utc_time" if "utc_time" in ctx.header else "time"


def _per_value(lf: pl.LazyFrame, values: pl.Series, exprs: dict[str, pl.Expr]) -> pl.LazyFrame:
    """``lf`` plus ``exprs`` of a column with few distinct values (operation, coin, account), computed once per value.

    ``values`` holds the column's distinct values. The expressions run on a small table of them (null
    included), and each row takes its table row by its value's code as an Enum: lower-casing and a regex on
    every one of a million operation cells cost more than the whole lookup.
    """
    name = values.name
    distinct = values.drop_nulls().unique(maintain_order=True)
    table = pl.DataFrame({name: pl.concat([distinct, pl.Series(name, [None], pl.String)])}).with_columns(**exprs)
    code = pl.col(name).cast(pl.Enum(distinct.to_list())).to_physical().cast(pl.UInt32).fill_null(len(distinct))
    lf = lf.with_columns(code.alias("_code"))
    return lf.with_columns(ex.gathered(table[c], pl.col("_code")).alias(c) for c in exprs).drop("_code")


def _parse(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Per row: UTC time, operation class, asset, signed change, and whether it has errors (:func:`_error` names them)."""
    time_col = _time_column(ctx)
    tz = "UTC" if time_col == "utc_time" else ctx.tz
    names = ("operation", "coin", "account")
    short = short_year(pl.col(time_col))
    distinct = lf.select(*(pl.col(c).unique().implode() for c in names), _any=short.any(), _all=short.all()).collect(engine=ENGINE)
    ops, coins, accounts = (distinct[c][0].alias(c) for c in names)
    # One date form when the file keeps to it (nearly always): each cell is then parsed in that form alone.
    years = distinct.row(0, named=True)
    short_years = None if years["_any"] and not years["_all"] else bool(years["_any"])
    op = ex.blank_to_null(pl.col("operation"))
    opk = op.str.to_lowercase().str.replace_all(r"\s+", " ")
    signed = opk.is_in(list(_SIGNED))
    kinds = opk.replace_strict(_KINDS, default=None)
    # The kind of a signed operation follows the sign of Change: both are looked up, each row takes its own.
    by_sign = {s: opk.replace_strict({k: v[i] for k, v in _SIGNED.items()}, default=None) for s, i in (("neg", 1), ("pos", 0))}
    kind = {s: pl.when(signed).then(k).otherwise(kinds) for s, k in by_sign.items()}
    by_op = {
        "_op": op, "_opk": opk, "_family": opk.replace_strict(_FAMILIES, default=None), "_signed": signed,
        "_unsupported": opk.replace_strict(_UNSUPPORTED, default=None), "_fee_leg": opk.is_in(_FEE_OPS),
        **{f"_kind_{s}": k for s, k in kind.items()}, **{f"_sign_{s}": k.replace_strict(_SIGN, default=None) for s, k in kind.items()},
    }  # fmt: skip
    cleaned = ex.blank_to_null(pl.col("change"))
    lf = lf.with_columns(
        _ts=wall_time(pl.col(time_col), short_years)
        .dt.replace_time_zone(tz, ambiguous="earliest", non_existent="null")
        .dt.convert_time_zone("UTC"),
        _k_time=pl.col(time_col).str.strip_chars(),
        _change=pl.when(cleaned.str.contains(ex.NUMBER_RE)).then(cleaned),  # the value of ex.checked_number, without its extract
    )
    lf = _per_value(lf, ops, by_op)
    lf = _per_value(lf, coins, {"_asset": ex.asset_code(pl.col("coin"), ALIASES)})
    lf = _per_value(lf, accounts, {"_account": pl.col("account").str.strip_chars().fill_null("")})
    # ex.is_negative: a number that starts with a minus is zero by its test exactly when it is by is_zero's.
    lf = lf.with_columns(_z=ex.is_zero(pl.col("_change"))).with_columns(_neg=pl.col("_change").str.starts_with("-") & ~pl.col("_z"))
    neg = pl.col("_neg")
    lf = lf.with_columns(
        _kind=pl.when(neg).then(pl.col("_kind_neg")).otherwise(pl.col("_kind_pos")),
        _sign=pl.when(neg).then(pl.col("_sign_neg")).otherwise(pl.col("_sign_pos")),
        _zero=pl.col("_signed") & pl.col("_z").fill_null(False),
        # Spot legs pair within one account (a margin trade is not a spot trade); a convert may move between accounts.
        _k_account=pl.when(pl.col("_family") == "spot").then(pl.col("_account")).otherwise(pl.lit("")),
        _k_family=pl.col("_family").fill_null(""),
    )
    return lf.with_columns(_has_error=_has_error())


def _known() -> pl.Expr:
    return pl.col("_family").is_not_null() | pl.col("_kind").is_not_null()


def _wrong_sign() -> pl.Expr:
    sign, neg = pl.col("_sign"), pl.col("_neg")
    return (sign == "increase") & neg | (sign == "reduce") & ~neg & ~pl.col("_z")


def _has_error() -> pl.Expr:
    """Whether :func:`_error` names a problem: its conditions alone, so that messages are formatted only where there are some."""
    return pl.any_horizontal(
        pl.col("_ts").is_null(),  # blank or unreadable
        pl.col("_op").is_null() | pl.col("_unsupported").is_not_null() | ~_known(),
        pl.col("_asset").is_null(),
        pl.col("_change").is_null(),  # blank or not a number
        pl.col("_change").str.contains(r"\.\d{19,}").fill_null(False),
        _known() & _wrong_sign().fill_null(False),
        (pl.col("_fee_leg") & ~pl.col("_neg") & ~pl.col("_z")).fill_null(False),
    )


def _error(ctx: Context) -> pl.Expr:
    """A row's own errors, null when :func:`_has_error` is false (reads the raw columns and :func:`_parse`'s)."""
    time_col = _time_column(ctx)
    op, change = pl.col("_op"), pl.col("_change")
    change_err = ex.checked_number(pl.col("change"), "Change")[1]
    errors = [
        ex.timestamp_error(pl.col(time_col), pl.col("_ts"), ctx.raw_header[ctx.header.index(time_col)], "a time like 2024-03-08 10:15:42"),
        pl.when(op.is_null())
        .then(pl.lit("Operation is blank"))
        .when(pl.col("_unsupported").is_not_null())
        .then(pl.format("operation '{}' is not supported: {}", op, pl.col("_unsupported")))
        .when(~_known())
        .then(
            pl.format(
                "unknown operation '{}' (account '{}'); taxlots knows the operations listed in its Binance statement importer",
                op,
                pl.col("account").fill_null(""),
            )
        ),
        pl.when(pl.col("_asset").is_null()).then(pl.lit("Coin is blank")),
        pl.when(change.is_null() & change_err.is_null()).then(pl.lit("Change is blank")).otherwise(change_err),
        precise(change, "Change"),
        pl.when(_known() & _wrong_sign().fill_null(False)).then(
            pl.format("a '{}' row should {} the balance, but Change is {}", op, pl.col("_sign"), change)
        ),
        pl.when(pl.col("_fee_leg") & ~pl.col("_neg") & ~pl.col("_z")).then(
            pl.format("a '{}' row should reduce the balance, but Change is {}", op, change)
        ),
    ]
    return ex.join_errors(*errors)


def _note(ctx: Context) -> pl.Expr:
    remark = ex.blank_to_null(ex.column(ctx, "remark"))
    return pl.when(remark.is_null()).then(pl.col("_op")).otherwise(pl.format("{}: {}", pl.col("_op"), remark)).fill_null("")


def _singles(rows: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Deposits, withdrawals, income, skipped internal moves, and other operations' errors."""
    rows = rows.with_columns(_error=_error(ctx), _note=_note(ctx))
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


def _runs_are_groups(heads: pl.DataFrame) -> bool:
    """Whether no two runs (their first lines' :data:`_RUN` keys, in file order) share a key.

    Cheap for a file in time order, the usual: equal seconds then stand together, and two runs of one key
    would need a run of another key between them, three runs of that second in a row.
    """
    time = heads["_k_time"]
    if time.null_count() == 0 and (time.is_sorted() or time.is_sorted(descending=True)):
        same = pl.col("_k_time") == pl.col("_k_time").shift(1)
        if not heads.select((same & same.shift(1)).any()).item():
            return True
    return heads.n_unique() == heads.height


def _runs(fam: pl.DataFrame) -> tuple[pl.Series, pl.Series, pl.DataFrame]:
    """Pair the legs of trades whose lines stand together, without a group-by.

    A run is a stretch of neighbouring trade-family lines with one :data:`_RUN` key. When no two runs share a
    key, each run is a whole group. A run of 2 or 3 readable, non-zero, non-dust legs that sends one asset,
    receives one and pays at most one fee (nearly every trade) is combined here, its lines side by side, into
    the trade :func:`combine_legs` would make of them. All other lines are left to the general pairing.

    Returns:
        ``(run, simple, trades)``: each line's run number (from 1), whether its run was combined here, and
        those runs' trades in the columns of :data:`_GROUP`, numbered ``_g`` by run.
    """
    n = fam.height
    new_key = pl.any_horizontal(pl.col(k).ne_missing(pl.col(k).shift(1)) for k in _RUN) | (pl.int_range(pl.len()) == 0)
    start = fam.select(new_key).to_series()
    run = start.cum_sum().cast(pl.Int64)
    heads = start.arg_true()
    size = heads.shift(-1, fill_value=n) - heads
    fits = (size == 2) | (size == 3)
    if not _runs_are_groups(fam.select(_RUN)[heads]):
        fits = pl.repeat(False, len(fits), eager=True)
    first, three = heads.filter(fits), (size.filter(fits) == 3)
    legs = fam.select(
        "line", "_asset",
        _q=ex.unsigned(pl.col("_change")),
        _role=pl.when("_fee_leg").then(_FEE).when("_neg").then(_SENT).otherwise(_RECEIVED),
        _ok=~pl.col("_has_error") & ~pl.col("_z").fill_null(True) & (pl.col("_k_family") != "dust"),
    )  # fmt: skip
    at = (first, first + 1, first + 1 + three.cast(first.dtype))  # a run of two repeats its second line, unused
    heads_of = fam.select("_ts", *_RUN)[first].with_columns(_g=run.gather(first), _k_part=pl.lit(0, pl.Int64), _three=three)
    side = pl.concat([heads_of, *(legs[i].rename({c: f"{c}{k}" for c in legs.columns}) for k, i in enumerate(at))], how="horizontal")
    count = {code: pl.sum_horizontal(_is_role(k, code).cast(pl.Int8) for k in range(3)) for code in (_SENT, _RECEIVED)}
    ok = pl.col("_ok0") & pl.col("_ok1") & (~pl.col("_three") | pl.col("_ok2"))
    side = side.with_columns(_simple=ok & (count[_SENT] == 1) & (count[_RECEIVED] == 1))
    simple_heads = side["_simple"]
    simple = pl.repeat(False, n, eager=True)
    for k, i in enumerate(at):
        mask = simple_heads if k < 2 else simple_heads & three
        simple = simple.scatter(i.filter(mask), True)
    return run, simple, _run_trades(side.filter("_simple"))


def _is_role(k: int, code: int) -> pl.Expr:
    """Whether the ``k``-th line of a :func:`_runs` run (0, 1, 2) is a leg of role ``code``."""
    return pl.col(f"_role{k}") == code if k < 2 else pl.col("_three") & (pl.col("_role2") == code)


def _run_trades(side: pl.DataFrame) -> pl.DataFrame:
    """:func:`_runs`' simple runs as trades: what :func:`combine_legs` makes of one leg per role."""

    def pick(col: str, code: int) -> pl.Expr:
        expr = pl.when(_is_role(0, code)).then(pl.col(f"{col}0"))
        return expr.when(_is_role(1, code)).then(pl.col(f"{col}1")).when(_is_role(2, code)).then(pl.col(f"{col}2"))

    def total(col: str, code: int) -> pl.Expr:  # a sum of one leg (an unreadable number sums to 0), as text
        return decimal_text(ex.as_decimal(pick(col, code)).fill_null(pl.lit(0, pl.Decimal(38, 18))))

    three = pl.col("_three")
    out = side.lazy().with_columns(
        sent_asset=pick("_asset", _SENT), received_asset=pick("_asset", _RECEIVED), _fee_asset=pick("_asset", _FEE),
        _sent=total("_q", _SENT), _received=total("_q", _RECEIVED), _fee=pl.when(three).then(total("_q", _FEE)),
        line=pl.min_horizontal("line0", "line1", pl.when(three).then(pl.col("line2"))),
    )  # fmt: skip
    own = three & (pl.col("_fee_asset") == pl.col("received_asset"))  # a fee in the received asset: own_fee
    other = three & (pl.col("_fee_asset") != pl.col("received_asset"))
    out = out.with_columns(
        sent_n=pl.lit(1, pl.UInt32),
        received_n=pl.lit(1, pl.UInt32),
        fee_n=other.cast(pl.UInt32),
        sent_gross=pl.col("_sent"),
        received_gross=pl.col("_received"),
        fee_asset=pl.when(other).then(pl.col("_fee_asset")).when(own).then(pl.col("received_asset")),
        fee_qty=pl.col("_fee"),
        fee_min=pl.when(other).then(pl.col("_fee_asset")),
        fee_max=pl.when(other).then(pl.col("_fee_asset")),
        fee2_qty=pl.lit(None, pl.String),
        fee2_line=pl.lit(None, pl.Int64),  # read only for fees in two assets, which such a run never has
    )
    return out.with_columns(sent_qty=pl.col("sent_gross"), received_qty=pl.col("received_gross")).select(_GROUP).collect(engine=ENGINE)


def _dust_part(rows: pl.DataFrame) -> pl.DataFrame:
    """``rows`` with ``_k_part``: a dust line's number of (coin line, BNB line) pair, when every line of its group is in one, else 0."""
    grp = ["_k_time", "_k_account"]
    dust = (
        rows.lazy()
        .filter(pl.col("_k_family") == "dust")
        .with_columns(
            _rank=pl.int_range(pl.len()).over(grp, order_by="line"),
            _step=(pl.col("line") - pl.col("line").shift(1).over(grp, order_by="line")).fill_null(0),
            _coin=((pl.col("_asset") != "BNB") & pl.col("_neg")).fill_null(False),
            _bnb=((pl.col("_asset") == "BNB") & ~pl.col("_neg")).fill_null(False),
        )
    )
    dust = dust.with_columns(
        _fits=pl.when(pl.col("_rank") % 2 == 0).then(pl.col("_coin")).otherwise(pl.col("_bnb") & (pl.col("_step") == 1))
    )
    paired = pl.col("_fits").all().over(grp) & (pl.len().over(grp) % 2 == 0) & (pl.col("_coin").sum().over(grp) > 1)
    parts = dust.select("line", _k_part=pl.when(paired).then(pl.col("_rank") // 2).otherwise(0)).collect(engine=ENGINE)
    return rows.join(parts, on="line", how="left", maintain_order="left").with_columns(pl.col("_k_part").fill_null(0))


def _general(rows: pl.DataFrame) -> pl.DataFrame:
    """Legs that :func:`_runs` left, numbered by group (``_g``, negative) and marked ``_bad`` when a leg of their group has an error."""
    rows = _dust_part(rows).with_columns(_g=-pl.struct(_KEYS).rank("dense").cast(pl.Int64))
    return rows.with_columns(_bad=pl.col("_has_error").any().over("_g"))


def _combined(general: pl.LazyFrame) -> pl.LazyFrame:
    """The general pairing: the legs of each group summed with :func:`combine_legs`."""
    role = pl.when(pl.col("_fee_leg")).then(pl.lit("fee")).when(pl.col("_neg")).then(pl.lit("sent")).otherwise(pl.lit("received"))
    legs = general.select("_g", "line", *_CARRY, role=role, asset=pl.col("_asset"), qty=ex.unsigned(pl.col("_change")))
    received = pl.col("asset").filter(pl.col("role") == "received").first().over("_g")
    legs = legs.with_columns(
        role=pl.when((pl.col("role") == "fee") & (pl.col("asset") == received)).then(pl.lit("own_fee")).otherwise(pl.col("role"))
    )
    return combine_legs(legs, ["_g"], carry=_CARRY).select(_GROUP)


def _trades(groups: pl.DataFrame, good: pl.LazyFrame) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """``(trades, problems)``: the groups split by whether they pair; ``good`` holds the legs of every group."""
    groups = groups.with_columns(
        _complete=(pl.col("sent_n") == 1) & (pl.col("received_n") == 1), _partial=(pl.col("sent_n") == 0) | (pl.col("received_n") == 0)
    )
    side = ["_k_account", "_k_family", "_ts"]
    # Two incomplete groups a second away on one side: name the first in the file.
    partial = _with_lines(groups.lazy().filter(pl.col("_partial")), good)
    broken = partial.group_by(side).agg(_near=pl.col("_lines").sort_by("line").first()).collect(engine=ENGINE)
    for name, shift in (("_before", "1s"), ("_after", "-1s")):
        if broken.height == 0:  # nearly always: no join over every trade
            groups = groups.with_columns(pl.lit(None, pl.String).alias(name))
            continue
        near = broken.with_columns(pl.col("_ts").dt.offset_by(shift)).rename({"_near": name})
        groups = groups.join(near, on=side, how="left")
    fine = pl.col("_complete") & pl.col("_before").is_null() & pl.col("_after").is_null() & (pl.col("fee_n") <= 2)
    return groups.lazy().filter(fine), _with_lines(groups.lazy().filter(~fine), good).with_columns(_problem=_problem())


def _with_lines(groups: pl.LazyFrame, rows: pl.LazyFrame) -> pl.LazyFrame:
    """``groups`` (few, with problems) plus texts naming their lines (``_lines``) and assets (``_sent``, ``_received``)."""
    side = {
        "_sent": ~pl.col("_fee_leg") & pl.col("_neg"),
        "_received": ~pl.col("_fee_leg") & ~pl.col("_neg") & ~pl.col("_z"),
    }
    assets = {name: pl.col("_asset").filter(cond).unique().sort().str.join(", ") for name, cond in side.items()}
    lines = rows.join(groups.select("_g"), on="_g", how="semi").group_by("_g").agg(_lines=line_list(pl.col("line")), **assets)
    return groups.join(lines, on="_g", how="left")


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
    """Unified rows: one per single-row event, one per trade group, one error per unpairable group.

    Read once (:func:`_parse`), then in steps: the trade families' lines are paired by neighbourhood where the
    file allows it (:func:`_runs`), the rest by group (:func:`_general`), and both kinds of group are judged
    together (:func:`_trades`).
    """
    rows = _parse(lf, ctx).collect(engine=ENGINE)
    in_family = pl.col("_family").is_not_null()
    singles = _singles(rows.lazy().filter(~in_family), ctx)
    fam = rows.lazy().filter(in_family).select(_LEG).collect(engine=ENGINE)
    run, simple, fast = _runs(fam)
    general = _general(fam.filter(~simple)).lazy()
    messages = rows.lazy().filter("_has_error").select("line", _error=_error(ctx), _note=_note(ctx))
    bad = general.filter("_bad").with_columns(_n=pl.len().over("_g"), _lines=line_list(pl.col("line")).over("_g"))
    left_out = pl.when(pl.col("_n") > 1).then(pl.format(" (so its trade, {}, was left out)", pl.col("_lines"))).otherwise(pl.lit(""))
    bad = (
        bad.filter("_has_error")
        .join(messages, on="line", how="left")
        .select(
            ex.unified(
                timestamp=pl.col("_ts"),
                wallet=pl.lit(WALLET),
                type=pl.lit("trade"),
                note=pl.col("_note"),
                error=pl.col("_error") + left_out,
            )
        )
    )
    good_general = general.filter(~pl.col("_bad"))
    groups = pl.concat([fast, _combined(good_general).collect(engine=ENGINE)])
    read = ["_g", "line", "_asset", "_fee_leg", "_neg", "_z"]
    good = pl.concat([fam.lazy().with_columns(_g=run).filter(simple).select(read), good_general.select(read)])
    trades, problems = _trades(groups, good)
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
    return pl.concat([singles, bad, ok, fees, failed]).sort("line")
