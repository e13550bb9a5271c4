"""Kraken ``ledgers.csv``: one row per balance change; the legs of one event share a ``refid``.

Headers (matched by name; extra and trailing ``""`` columns ignored): 9 columns (<=2020-09), + ``subtype``
(2020-10), + ``wallet`` (2024), + ``amountusd`` (2024-07), + ``subclass`` (2025), + ``amountusd, feeusd,
balanceusd, feecurrency`` (2026, ``-`` when unknown). ``time`` is UTC ``YYYY-MM-DD HH:MM:SS[.f]``. ``amount``
is signed and excludes ``fee``; the fee is in the row's asset (or ``feecurrency``), documented positive but
negative in newer files: its magnitude is used. Sums run in ``Decimal(38, 18)``; a number with more than
18 decimal places is an error, never rounded.

Mapping decisions:

- wallet ``Kraken`` for every sub-wallet; assets by :func:`asset_code` (``XXBT``/``XBT`` -> BTC, ``ZUSD`` ->
  USD, ``DOT28.S`` -> DOT, ``ETH2.S`` -> ETH).
- ``trade``, ``spend``/``receive``, ``adjustment`` and ``transfer``/``delistingconversion`` rows are the legs of
  one trade per refid (id ``kraken:<refid>``, the refid being the trades export's txid; line = first leg;
  note = the legs' types, ``spend/receive``). Legs are summed per asset (a sale can draw BTC from ``spot /
  main`` and ``earn / liquid``); exactly one asset must net negative (sent) and one positive (received), else
  an error names the refid. A leg's fee leaves in addition to its amount, in its asset; a zero-amount leg
  carries only a fee (the ``KFEE`` credit leg), so KFEE is the fee asset when it is the only fee. A trade
  charged fees in two assets (KFEE plus a quote fee, or a fee on each leg: BTC and EUR) keeps one on its
  row (a USD fee first, as cash is no disposal; else the sent asset's, then the received asset's, then by
  ticker) and each other fee becomes a ``fee`` row of its own (``sent_*`` the fee, ``usd_value`` blank:
  priced later), id ``kraken:<refid>:fee2`` (``:fee3``, ...), on the line of a leg that charged it.
- ``usd_value`` of a trade: the summed ``amountusd`` of the received asset's legs, if each states it; blank
  when a side is USD. Single-row events take the row's ``amountusd`` (blank for USD itself).
- ``deposit``/``withdrawal``: an empty ``txid`` marks the pending copy of the final row: skipped. The final
  row is id ``kraken:<refid>``, fee in the same asset. A deposit with a negative amount (or a withdrawal
  with a positive one) is a reversal: the opposite movement, id ``kraken:<refid>:reversal``.
- income: ``staking`` (legacy), ``earn`` reward/airdrop, ``transfer`` airdrop, ``invite bonus``, ``dividend``
  (negative: error). Rows with refid ``Unknown`` (seen on earn rows) get id ``kraken:<txid>``.
- skipped as internal moves: ``earn`` allocation/deallocation/autoallocat(e|ion)/migration and transfers
  between spot and staking or futures wallets.
- errors: margin activity (``margin``, ``margin trade``, ``rollover``, ``settled``); a ``transfer`` without
  subtype (an airdrop or a wallet move: cannot tell); every other type or subtype, named. An ETH -> ETH2.S
  trade nets to one asset (both are ETH) and so is an error too.

Speed: type and asset mappings are computed once per distinct value and joined; legs are reduced with
simple group_by aggregations; error messages are built only for the rows that need them.
"""

from __future__ import annotations

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context
from taxlots.query import ENGINE

NAME = "kraken-ledgers"
TITLE = "Kraken ledgers.csv"
PRIORITY = 10
WALLET = "Kraken"

_CORE = ("txid", "refid", "time", "type", "aclass", "asset", "amount", "fee", "balance")
_SUBTYPE = ("txid", "refid", "time", "type", "subtype", "aclass", "asset", "amount", "fee", "balance")
_WALLET = ("txid", "refid", "time", "type", "subtype", "aclass", "asset", "wallet", "amount", "fee", "balance")
_Y2025 = ("txid", "refid", "time", "type", "subtype", "aclass", "subclass", "asset", "wallet", "amount", "fee", "balance")
SIGNATURES: tuple[tuple[str, ...], ...] = (
    _CORE,  # <= 2020-09
    _SUBTYPE,  # 2020-10 -> 2024, sometimes with a trailing "" column
    _WALLET,  # 2024-03 ->
    _SUBTYPE + ("amountusd",),  # 2024-07, without wallet
    _WALLET + ("amountusd",),  # 2024-07, with wallet
    _Y2025,  # 2025 ->
    _Y2025 + ("amountusd", "feeusd", "balanceusd", "feecurrency"),  # 2026
)

#: Kraken's legacy and alternative codes -> plain tickers (after suffixes are removed).
ALIASES: dict[str, str] = {
    "XXBT": "BTC", "XBT": "BTC", "XXDG": "DOGE", "XDG": "DOGE", "XETH": "ETH", "ETH2": "ETH", "XLTC": "LTC",
    "XXRP": "XRP", "XXLM": "XLM", "XETC": "ETC", "XZEC": "ZEC", "XMLN": "MLN", "XREP": "REP", "XXMR": "XMR",
    "ZUSD": "USD", "ZEUR": "EUR", "ZGBP": "GBP", "ZCAD": "CAD", "ZJPY": "JPY", "ZAUD": "AUD", "ZCHF": "CHF",
}  # fmt: skip

_TYPE_ACTIONS = {
    "trade": "group", "spend": "group", "receive": "group", "adjustment": "group", "deposit": "deposit",
    "withdrawal": "withdrawal", "staking": "income", "invite bonus": "income", "dividend": "income",
}  # fmt: skip
_EARN = {
    "reward": "income", "airdrop": "income", "allocation": "earn", "deallocation": "earn",
    "autoallocate": "earn", "autoallocation": "earn", "migration": "earn",
}  # fmt: skip
_TRANSFER = {
    "airdrop": "income", "delistingconversion": "group", "spottostaking": "earn", "stakingfromspot": "earn",
    "stakingtospot": "earn", "spotfromstaking": "earn", "spottofutures": "futures", "spotfromfutures": "futures",
}  # fmt: skip
_MARGIN_TYPES = ("margin", "margin trade", "rollover", "settled")
_MARGIN = "margin trading (ledger type '{}') is not supported; taxlots reads spot activity only"
_KNOWN_TYPES = ", ".join(sorted((*_TYPE_ACTIONS, "earn", "transfer")))
_INTERNAL = {k: f"internal move between Kraken spot and {k} wallets" for k in ("earn", "futures")}
_OPTIONAL = ("subtype", "wallet", "amountusd", "feecurrency")
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S%.f"
#: The columns of :func:`_legs` that :func:`normalize`'s parts read (the raw cells only for messages).
_PARTS_READ = ("line", "time", "amount", "fee", "amountusd", "txid", "refid", "_ts", "_kind", "_note", "_act", "_act_err",
               "_internal", "_asset", "_fee_asset", "_amount", "_amt", "_fee", "_fee_d", "_usd", "_usd_d")  # fmt: skip


def asset_code(raw: pl.Expr) -> pl.Expr:
    """Kraken asset code -> plain ticker: drop ``.S .M .P .F .B .HOLD`` and bond terms (``DOT28.S``), map aliases."""
    code = ex.blank_to_null(raw).str.to_uppercase()
    code = code.str.replace(r"^([A-Z0-9]*[A-Z])\d{2}\.S$", "$1").str.replace(r"\.(S|M|P|F|B|HOLD)$", "")
    return code.replace(ALIASES)


def _text(raw: pl.Expr) -> pl.Expr:
    """A number cell as text: stripped, null when blank or ``-`` (Kraken's "no value")."""
    return raw.str.strip_chars().replace(["", "-"], None)  # the stripped cell named once (polars would strip it per mention)


def _too_fine(text: pl.Expr) -> pl.Expr:
    """More than 18 decimal places (``Decimal(38, 18)`` would round them)."""
    places = text.str.strip_chars_end("0").str.len_bytes() - text.str.find(".", literal=True) - 1
    return (places > 18).fill_null(False) & ~text.str.contains("[eE]")


def number_error(raw: pl.Expr, label: str) -> pl.Expr:
    """Why a number cell cannot be read (null when it can). Costly: built only for rows flagged as bad."""
    text = _text(raw)
    return pl.coalesce(
        ex.checked_number(text, label)[1],
        pl.when(_too_fine(text)).then(pl.format(f"{label} '{{}}' has more than 18 decimal places", text)),
        pl.when(text.is_not_null() & text.str.to_decimal(scale=18).is_null()).then(pl.format(f"{label} '{{}}' is too large", text)),
    )


def _types(lf: pl.LazyFrame) -> pl.LazyFrame:
    """One row per distinct (type, subtype): the action, the note and the message for an unknown one."""
    kind = ex.blank_to_null(pl.col("type")).str.to_lowercase().fill_null("")
    sub = ex.blank_to_null(pl.col("subtype")).str.to_lowercase().fill_null("")
    action = (
        pl.when(kind == "earn").then(sub.replace_strict(_EARN, default=None, return_dtype=pl.String))
        .when(kind == "transfer").then(sub.replace_strict(_TRANSFER, default=None, return_dtype=pl.String))
        .otherwise(kind.replace_strict(_TYPE_ACTIONS, default=None, return_dtype=pl.String))
    )  # fmt: skip
    bad_sub = {
        k: pl.format(f"unknown {k} subtype '{{}}'; taxlots knows: {', '.join(sorted(v))}", sub)
        for k, v in (("earn", _EARN), ("transfer", _TRANSFER))
    }
    message = (
        pl.when(kind.is_in(_MARGIN_TYPES)).then(pl.format(_MARGIN, kind))
        .when(kind == "earn").then(bad_sub["earn"])
        .when(kind == "transfer").then(bad_sub["transfer"])
        .otherwise(pl.format(f"unknown ledger type '{{}}'; taxlots knows: {_KNOWN_TYPES}", kind))
    )  # fmt: skip
    return (
        lf.select("type", "subtype")
        .unique()
        .with_columns(
            _kind=kind,
            _note=pl.when(sub == "").then(kind).otherwise(pl.format("{} {}", kind, sub)),
            _act=action,
            _act_err=pl.when(action.is_null()).then(message),
            _internal=action.replace_strict(_INTERNAL, default=None, return_dtype=pl.String),
        )
    )


def _parsed_time(time: pl.Expr) -> pl.Expr:
    """``time`` as UTC: the exact ``YYYY-MM-DD HH:MM:SS`` format first (a fast path), then the general one.

    Where the exact format parses a value, the general one gives the same; the general format parses only
    the values the exact one cannot (fractions, white space, bad values: the others are null for it).
    """
    exact = time.str.to_datetime("%Y-%m-%d %H:%M:%S", strict=False, time_zone="UTC")
    rest = pl.when(exact.is_null()).then(time).str.strip_chars()
    return pl.coalesce(exact, rest.str.to_datetime(_TIME_FORMAT, strict=False, time_zone="UTC"))


_ASSET_KEY = ("asset", "feecurrency")
_SEP, _NULL = "\x1f", "\x1e"  # between the cells of a key, and for a null cell


def _mapped(lf: pl.LazyFrame, table: pl.DataFrame, on: list[str]) -> pl.LazyFrame:
    """``lf`` with the other columns of ``table`` (one row per distinct ``on`` of ``lf``): a left join, in row order.

    Each row finds its table row through one key of its ``on`` cells, cast to an enum of the table's keys
    (its row number), and the table's columns are gathered by it: far cheaper than the join, which moves
    every column of ``lf``. Should a cell hold the key's separator, so that two table rows share a key,
    the join runs instead.
    """
    key = pl.concat_str([pl.col(c).fill_null(_NULL) for c in on], separator=_SEP)
    keys = table.select(key.alias("_key"))["_key"]
    if table.is_empty() or keys.n_unique() < table.height:
        return lf.join(table.lazy(), on=on, how="left", nulls_equal=True, maintain_order="left")
    row = key.cast(pl.Enum(keys)).to_physical()
    return lf.with_columns(_row=row).with_columns(ex.gathered(table[c], "_row").alias(c) for c in table.columns if c not in on).drop("_row")


def _long(lf: pl.LazyFrame, texts: dict[str, str]) -> dict[str, bool]:
    """Per number column (``{name: raw column}``): whether a cell has 20 bytes or more.

    Only such a cell can have 19 decimal places, so :func:`_too_fine` runs only on the columns that have one.
    """
    longest = lf.select((pl.col(raw).str.len_bytes() >= 20).any().alias(name) for name, raw in texts.items())
    return longest.collect(engine=ENGINE).row(0, named=True)


def _legs(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Every row with its action (from the type table), mapped assets, times and Decimal numbers.

    ``_fee`` and ``_usd`` are the cells as read, sign and all (only single-row events show them).
    """
    lf = lf.with_columns(pl.lit(None, pl.String).alias(c) for c in _OPTIONAL if c not in ctx.header).cache()
    assets = (
        lf.select("asset", "feecurrency")
        .unique()
        .with_columns(_asset=asset_code(pl.col("asset")), _fee_cur=asset_code(pl.col("feecurrency").str.replace(r"^\s*-\s*$", "")))
        .with_columns(_fee_asset=pl.coalesce("_fee_cur", "_asset"))
    )
    # rows stay in line order, so a trade's legs stay side by side (see _pairs)
    by_asset = ["asset", "feecurrency"] if "feecurrency" in ctx.header else ["asset"]  # else the fee currency is null
    types = _types(lf).collect(engine=ENGINE)
    lf = _mapped(_mapped(lf, types, ["type", "subtype"]), assets.collect(engine=ENGINE).drop(set(_ASSET_KEY) - set(by_asset)), by_asset)
    texts = {"_amount": "amount", "_fee": "fee", "_usd": "amountusd"}
    lf = lf.with_columns(
        txid=ex.blank_to_null(pl.col("txid")),
        refid=ex.blank_to_null(pl.col("refid")),
        _ts=_parsed_time(pl.col("time")),
        **{name: _text(pl.col(raw)) for name, raw in texts.items()},
    )
    long = _long(lf, texts)
    lf = lf.with_columns(
        **{f"{name}_d": pl.col(name).str.to_decimal(scale=18) for name in texts},
        **{f"{name}_fine": _too_fine(pl.col(name)) if long[name] else pl.lit(False) for name in texts},
    )
    unreadable = [pl.col(n).is_not_null() & (pl.col(f"{n}_d").is_null() | pl.col(f"{n}_fine")) for n in texts]
    return lf.with_columns(
        _amt=pl.col("_amount_d"),
        _fee_d=pl.col("_fee_d").abs().fill_null(0),
        _usd_d=pl.col("_usd_d").abs(),
        _bad=pl.any_horizontal(pl.col("_ts").is_null(), pl.col("_asset").is_null(), pl.col("_amount").is_null(), *unreadable),
    )


def _problems(rows: pl.LazyFrame) -> pl.LazyFrame:
    """The messages of the rows that cannot be read (built here, for these few rows only)."""
    time = pl.col("time")
    parsed = ex.blank_to_null(time).str.to_datetime(_TIME_FORMAT, strict=False)
    errors = ex.join_errors(
        ex.timestamp_error(time, parsed, "time", "a UTC time like 2024-03-01 12:00:00"),
        pl.when(pl.col("_asset").is_null()).then(pl.lit("asset is blank")),
        pl.when(pl.col("_amount").is_null()).then(pl.lit("amount is blank")),
        *(number_error(pl.col(c), c) for c in ("amount", "fee", "amountusd")),
        pl.when((pl.col("_act") == "income") & (pl.col("_amt") < 0)).then(
            pl.format("{} amount '{}' is negative; taxlots reads it as income received", "_kind", "_amount")
        ),
        pl.when((pl.col("_act") == "group") & pl.col("refid").is_null()).then(pl.lit("refid is blank; a trade's legs are linked by it")),
    )
    return rows.select(ex.unified(error=pl.coalesce("_act_err", errors)))


def _skipped(rows: pl.LazyFrame) -> pl.LazyFrame:
    return rows.select(ex.unified(skip=pl.coalesce("_internal", pl.format("pending {} (empty txid): the final row follows", "_act"))))


def _movements(rows: pl.LazyFrame) -> pl.LazyFrame:
    """Deposits, withdrawals (a reversal is the opposite movement) and income: one row each."""
    act, amt = pl.col("_act"), pl.col("_amt")
    reversal = ((act == "deposit") & (amt < 0)) | ((act == "withdrawal") & (amt > 0))
    incoming = (act == "income") | (amt > 0)
    kind = pl.when(act == "income").then(pl.lit("income")).when(incoming).then(pl.lit("deposit")).otherwise(pl.lit("withdrawal"))
    qty, fee = ex.unsigned(pl.col("_amount")), pl.when(pl.col("_fee_d") != 0).then(ex.unsigned(pl.col("_fee")))
    ref = pl.when(pl.col("refid").is_null() | (pl.col("refid").str.to_lowercase() == "unknown")).then("txid").otherwise("refid")
    return rows.select(
        ex.unified(
            timestamp=pl.col("_ts"),
            wallet=pl.lit(WALLET),
            type=kind,
            sent_asset=pl.when(~incoming).then("_asset"),
            sent_qty=pl.when(~incoming).then(qty),
            received_asset=pl.when(incoming).then("_asset"),
            received_qty=pl.when(incoming).then(qty),
            fee_asset=pl.when(fee.is_not_null()).then("_fee_asset"),
            fee_qty=fee,
            usd_value=pl.when(pl.col("_asset") != "USD").then(ex.unsigned(pl.col("_usd"))),
            id=pl.concat_str(pl.lit("kraken:"), ref, pl.when(reversal).then(pl.lit(":reversal")).otherwise(pl.lit(""))),
            note=pl.when(reversal).then(pl.format("reversed {}", "_kind")).otherwise("_note"),
        )
    )


def _two_legs(legs: pl.LazyFrame) -> pl.Expr:
    """True on a leg whose refid has exactly two legs (with the next leg, it is the other one).

    When every refid's legs are side by side (checked here: as many runs of one refid as refids), that is
    a run of two, told by the neighbours (no group-by); otherwise the legs of each refid are counted.
    """
    refid = pl.col("refid")
    starts = (refid != refid.shift(1)).fill_null(True)
    runs, refids = legs.select(starts.sum().alias("runs"), refid.n_unique().alias("refids")).collect(engine=ENGINE).row(0)
    if runs == refids:
        return starts & (refid != refid.shift(-2)).fill_null(True)
    return pl.len().over("refid") == 2


def _pairs(legs: pl.LazyFrame) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """``(pairs, rest)``: the trades whose refid has exactly two legs, found side by side, and the other legs.

    A pair whose legs are two assets, one sent and one received, with a fee on at most one of them, is the
    common Kraken trade: its row is read from the two legs directly (no group-by), with the same values the
    sums of :func:`_trades` give. Which legs qualify never depends on row order (only how many do): a
    leg pairs with the next row only when they share a refid that no other leg has.
    """
    nxt = {c: pl.col(c).shift(-1) for c in ("refid", "_asset", "_amt", "_fee_d", "_fee_asset", "_usd_d", "line", "_ts", "_note")}
    amt, other = pl.col("_amt"), nxt["_amt"]
    first = (
        _two_legs(legs)
        & (pl.col("refid") == nxt["refid"])
        & (pl.col("_asset") != nxt["_asset"])
        & (((amt < 0) & (other > 0)) | ((amt > 0) & (other < 0)))
        & ((pl.col("_fee_d") == 0) | (nxt["_fee_d"] == 0))
    ).fill_null(False)
    legs = legs.with_columns(_first=first).with_columns(_paired=pl.col("_first") | pl.col("_first").shift(1).fill_null(False)).cache()
    # the next leg's values become columns before the filter (a shift after it would read the next pair)
    paired = legs.with_columns(**{f"_next{c}": e for c, e in nxt.items()}).filter("_first")
    amt, other, sent = pl.col("_amt"), pl.col("_next_amt"), pl.col("_amt") < 0
    fee_here, fee_next = pl.col("_fee_d") != 0, pl.col("_next_fee_d") != 0
    pairs = paired.select(
        "refid",
        line=pl.min_horizontal("line", "_nextline"),
        _ts=pl.min_horizontal("_ts", "_next_ts"),
        _lo=pl.min_horizontal("_note", "_next_note"),
        _hi=pl.max_horizontal("_note", "_next_note"),
        _sent=pl.when(sent).then(pl.col("_asset")).otherwise(pl.col("_next_asset")),
        _sent_qty=pl.when(sent).then(amt).otherwise(other).abs(),
        _recv=pl.when(sent).then(pl.col("_next_asset")).otherwise(pl.col("_asset")),
        _recv_qty=pl.when(sent).then(other).otherwise(amt),
        _fee_asset=pl.when(fee_here).then(pl.col("_fee_asset")).when(fee_next).then(pl.col("_next_fee_asset")),
        _fee_q=pl.when(fee_here).then(pl.col("_fee_d")).when(fee_next).then(pl.col("_next_fee_d")),
        _usd=pl.when(sent).then(pl.col("_next_usd_d")).otherwise(pl.col("_usd_d")),
    ).with_columns(_usd_missing=pl.col("_usd").is_null().cast(pl.UInt32))
    return pairs.select(_trade_row()), legs.filter(~pl.col("_paired")).drop("_first", "_paired")


def _trades(legs: pl.LazyFrame) -> pl.LazyFrame:
    """One trade per refid: legs summed per asset, then one sent and one received asset (simple aggregations only)."""
    pairs, legs = _pairs(legs)
    amt, usd = pl.col("_amt"), pl.col("_usd_d")
    per_asset = legs.group_by("refid", "_asset").agg(
        amt.sum(), usd.sum(), usd.null_count().alias("_usd_missing"),
        pl.col("line").min(), pl.col("line").max().alias("_last"), pl.col("_ts").min(),
        pl.col("_note").min().alias("_lo"), pl.col("_note").max().alias("_hi"),
    ).cache()  # fmt: skip
    sent, recv = amt < 0, amt > 0
    sides = per_asset.group_by("refid").agg(
        pl.col("line").min(), pl.col("_last").max(), pl.col("_ts").min(), pl.col("_lo").min(), pl.col("_hi").max(),
        _n_sent=sent.sum(), _n_recv=recv.sum(),
        _sent=pl.when(sent).then(pl.col("_asset")).max(), _sent_qty=pl.when(sent).then(amt).min().abs(),
        _recv=pl.when(recv).then(pl.col("_asset")).max(), _recv_qty=pl.when(recv).then(amt).max(),
        _usd=pl.when(recv).then(usd).max(), _usd_missing=pl.when(recv).then(pl.col("_usd_missing")).max(),
    )  # fmt: skip
    by_fee = legs.filter(pl.col("_fee_d") != 0).group_by("refid", "_fee_asset")
    fees = by_fee.agg(pl.col("_fee_d").sum(), _fee_lo=pl.col("line").min(), _fee_hi=pl.col("line").max()).cache()
    fee = fees.group_by("refid").agg(_n_fee=pl.len())
    groups = sides.join(fee, on="refid", how="left").cache()
    good = (pl.col("_n_sent") == 1) & (pl.col("_n_recv") == 1)
    ranked = _ranked_fees(fees, groups.filter(good))
    trades = groups.filter(good).join(ranked.filter(pl.col("_rank") == 0).drop("_rank"), on="refid", how="left")
    extra = ranked.filter(pl.col("_rank") > 0).join(groups.filter(good).select("refid", "line", "_last", "_ts"), on="refid")
    return pl.concat([pairs, trades.select(_trade_row()), extra.select(_fee_row()), _group_errors(groups.filter(~good), per_asset)])


def _ranked_fees(fees: pl.LazyFrame, groups: pl.LazyFrame) -> pl.LazyFrame:
    """A trade's fees, one row per asset, ranked: the one the trade row carries first (``_rank`` 0).

    A USD fee comes first (cash is no disposal, so it must stay on the trade), then one in the sent asset,
    then one in the received asset, then any other by ticker: a fee in a second asset gets a row of its own.
    """
    sides = groups.select("refid", "_sent", "_recv")
    asset = pl.col("_fee_asset")
    order = pl.when(asset == "USD").then(0).when(asset == pl.col("_sent")).then(1).when(asset == pl.col("_recv")).then(2).otherwise(3)
    return (
        fees.join(sides, on="refid")
        .with_columns(_order=order, _fee_q=pl.col("_fee_d"))
        .with_columns(_rank=pl.int_range(pl.len()).over("refid", order_by=["_order", "_fee_asset"]))
        .select("refid", "_fee_asset", "_fee_q", "_rank", "_fee_lo", "_fee_hi")
    )


def _decimal_text(value: pl.Expr) -> pl.Expr:
    """A ``Decimal(38, 18)`` (every sum and amount here) as :func:`ex.plain_decimal` writes it, without its regex.

    Such a value's text always ends in a point and 18 digits, so the trailing zeros and then a bare point go.
    """
    return value.cast(pl.String).str.strip_chars_end("0").str.strip_suffix(".")


def _fee_row() -> list[pl.Expr]:
    """A trade's fee in a second asset: a ``fee`` row of its own (priced later), id ``kraken:<refid>:fee<n+1>``.

    Its line is that of a leg that charged it, never the trade row's own line (rows are ordered by line).
    """
    trade_line, lo, hi = pl.col("line"), pl.col("_fee_lo"), pl.col("_fee_hi")
    return ex.unified(
        line=pl.when(lo != trade_line).then(lo).when(hi != trade_line).then(hi).otherwise(pl.col("_last")),
        timestamp=pl.col("_ts"),
        wallet=pl.lit(WALLET),
        type=pl.lit("fee"),
        sent_asset=pl.col("_fee_asset"),
        sent_qty=_decimal_text(pl.col("_fee_q")),
        id=pl.format("kraken:{}:fee{}", "refid", pl.col("_rank") + 1),
        note=pl.format("trade fee of kraken:{} charged in a second asset", "refid"),
    )


def _trade_row() -> list[pl.Expr]:
    usd_side = (pl.col("_sent") == "USD") | (pl.col("_recv") == "USD")
    return ex.unified(
        timestamp=pl.col("_ts"),
        wallet=pl.lit(WALLET),
        type=pl.lit("trade"),
        sent_asset=pl.col("_sent"),
        sent_qty=_decimal_text(pl.col("_sent_qty")),
        received_asset=pl.col("_recv"),
        received_qty=_decimal_text(pl.col("_recv_qty")),
        fee_asset=pl.col("_fee_asset"),
        fee_qty=_decimal_text(pl.col("_fee_q")),
        usd_value=pl.when(~usd_side & (pl.col("_usd_missing") == 0)).then(_decimal_text(pl.col("_usd"))),
        id=pl.format("kraken:{}", "refid"),
        note=pl.when(pl.col("_lo") == pl.col("_hi")).then("_lo").otherwise(pl.format("{}/{}", "_hi", "_lo")),
    )


def _group_errors(groups: pl.LazyFrame, per_asset: pl.LazyFrame) -> pl.LazyFrame:
    """Messages for the refids that do not resolve into one trade (a few rows: lists are affordable here)."""
    amt, refid = pl.col("_amt"), groups.select("refid")
    lists = (
        per_asset.join(refid, on="refid", how="semi")
        .sort("_asset")
        .group_by("refid")
        .agg(_s=pl.col("_asset").filter(amt < 0).str.join(", "), _r=pl.col("_asset").filter(amt > 0).str.join(", "))
    )
    named = [pl.when(pl.col(c) == "").then(pl.lit("nothing")).otherwise(c) for c in ("_s", "_r")]
    sides = pl.format("refid {} does not resolve into exactly one sent and one received asset (sent: {}; received: {})", "refid", *named)
    return groups.join(lists, on="refid", how="left").select(ex.unified(error=sides))


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """Read a Kraken ledgers export: rows sorted into skips, errors, single-row events and trade legs."""
    legs = _legs(lf, ctx)
    act = pl.col("_act")
    skip = (act.is_in(("deposit", "withdrawal")) & pl.col("txid").is_null()) | pl.col("_internal").is_not_null()
    income_neg = (act == "income") & (pl.col("_amt") < 0)
    problem = ~skip & (act.is_null() | pl.col("_bad") | income_neg | ((act == "group") & pl.col("refid").is_null()))
    # Materialized once, with only the columns the four parts read: a cached plan was evaluated per part.
    # (In memory: polars 2.1's streaming engine panics on this plan for some bad-row files.)
    frame = legs.select(*_PARTS_READ, _skip=skip, _problem=problem).collect(engine=ENGINE)
    legs = frame.lazy()
    fine = ~pl.col("_skip") & ~pl.col("_problem")
    group = legs.filter(fine & (act == "group"))
    broken = frame.filter(pl.col("_problem") & (act == "group")).select("refid")
    if not broken.is_empty():  # a refid with an unreadable leg is no trade: its other legs are set aside too
        group = group.join(broken.lazy(), on="refid", how="anti")
    parts = [
        _skipped(legs.filter("_skip")),
        _problems(legs.filter("_problem")),
        _movements(legs.filter(fine & (act != "group"))),
        _trades(group),
    ]
    return pl.concat(parts, how="vertical").sort("line")
