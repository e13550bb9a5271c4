"""Etherscan address exports: transactions, internal transactions and ERC-20 token transfers.

Etherscan's "Download CSV Export" on an address page writes one file per tab. Headers (as BittyTax's
etherscan parser registers them; the first column was renamed ``Txhash`` -> ``Transaction Hash`` and
``DateTime`` -> ``DateTime (UTC)`` around 2023, ``Method`` and ``PrivateNote`` were added later):

- transactions: ``Txhash,Blockno,UnixTimestamp,DateTime (UTC),From,To,ContractAddress,Value_IN(ETH),
  Value_OUT(ETH),CurrentValue @ $<price>/Eth,TxnFee(ETH),TxnFee(USD),Historical $Price/Eth,Status,ErrCode,
  Method``. ``Status`` is blank for a success and ``Error(0)``-like for a failure (``ErrCode`` says why);
  another value is an error, not a guess.
- internal transactions: ``Txhash,Blockno,UnixTimestamp,DateTime (UTC),ParentTxFrom,ParentTxTo,
  ParentTxETH_Value,From,TxTo,ContractAddress,Value_IN(ETH),Value_OUT(ETH),CurrentValue @ ...,
  Historical $Price/Eth,Status,ErrCode,Type``. ``Status`` is ``0`` for a success, ``1`` for a revert.
- ERC-20 token transfers: ``Txhash,Blockno,UnixTimestamp,DateTime (UTC),From,To,TokenValue,USDValueDayOfTx,
  ContractAddress,TokenName,TokenSymbol`` (older files: ``Value`` for ``TokenValue``, no ``Blockno``).
  NFT (ERC-721/1155) exports, which add ``Token ID``, are not claimed.

The native asset is the one the value columns name (``Value_IN(ETH)``): other explorers built on the same
software (BscScan ``Value_IN(BNB)``) read the same way. Times are ``UnixTimestamp`` (UTC seconds; the
``DateTime`` column is ignored, Excel re-saves mangle it). Amounts may carry thousands commas.

The wallet is the address the export is for, lower-cased: the one ``0x...`` address in the file name
(Etherscan names files ``export-0x<address>.csv``), else the address that every row involves (a row with a
``Value_IN`` involves its ``To``, one with a ``Value_OUT`` its ``From``, any other row both). A file where no
address, or more than one, qualifies is an error on every row asking for the address in the file name.

Mapping (``tx_hash`` = the hash; ``address`` = the other side: ``From`` of a deposit, ``To`` of a withdrawal):

- Transactions: ``Value_IN`` > 0 -> deposit (the gas was the sender's: no fee); ``Value_OUT`` > 0 ->
  withdrawal with fee ``TxnFee`` in the native asset (the sender pays gas, Ethereum yellow paper §6;
  Etherscan lists ``TxnFee`` on every row, also on incoming ones, whose fee this wallet did not pay). A
  zero-value transaction this address sent (a contract call: approve, swap, token transfer), a failed one
  it sent (gas is spent even on a revert) and one it sent to itself -> ``fee`` row: ``TxnFee`` units
  disposed of, valued at ``TxnFee`` x ``Historical $Price`` when the export gives the price. Zero-value and
  failed transactions another address sent are skipped (nothing moved for this wallet).
- Internal transactions (value moved by contracts; their gas is on the parent transaction): ``Value_IN``
  -> deposit, ``Value_OUT`` -> withdrawal; zero-value and reverted ones are skipped.
- Token transfers: ``To`` = wallet -> deposit, ``From`` = wallet -> withdrawal (no fee: the gas is on the
  transaction row). Zero-value transfers (address-poisoning spam) and transfers to itself are skipped.

A DEX swap reads as a withdrawal and a deposit (internal ETH or another token) of different assets with the
same ``tx_hash``, often in different files: :func:`combine` (run by ingest over all files) makes them one
``trade`` (sending the withdrawn asset, receiving the deposited one) under the withdrawal's id, the gas of
that transaction (its fee row, or the withdrawal's own fee) as the trade's fee; the deposit and the fee row
become counted skips naming the trade. A transaction of this wallet with more than one withdrawal or deposit
(adding liquidity, a multi-hop refund) is left as its transfers. ``id`` is ``etherscan:<wallet>:<hash>`` for a
transaction, and for internal and token rows adds the tab, the two addresses, the contract and the value
(plus ``:2``, ``:3`` for identical rows), so overlapping exports of one address count a row once.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.importers.base import Context

NAME = "etherscan"
TITLE = "Etherscan address export CSV (transactions, internal, ERC-20)"

_TXNS = ("blockno", "unixtimestamp", "from", "to", "contractaddress", "txnfee(usd)", "status", "errcode")
_INTERNAL = ("blockno", "unixtimestamp", "parenttxfrom", "parenttxto", "from", "txto", "contractaddress", "status", "errcode", "type")
_TOKENS = ("unixtimestamp", "from", "to", "contractaddress", "tokenname", "tokensymbol")
SIGNATURES = (_TXNS, _INTERNAL, _TOKENS)

_VALUE_RE = re.compile(r"^value_(in|out)\((\w+)\)$")
_FEE_RE = re.compile(r"^txnfee\((\w+)\)$")
_PRICE_RE = re.compile(r"^historical \$price/(\w+)$")
_ADDRESS_RE = re.compile(r"0x[0-9a-fA-F]{40}(?![0-9a-fA-F])")
_NFT = ("token id", "tokenid")


def _find(header: tuple[str, ...], pattern: re.Pattern[str]) -> re.Match[str] | None:
    return next((m for c in header if (m := pattern.match(c))), None)


def _layout(header: tuple[str, ...]) -> str | None:
    """``"txns"``, ``"internal"`` or ``"tokens"``; None for a header this importer does not read."""
    h = set(header)
    if not h & {"txhash", "transaction hash"}:
        return None
    values = {m.group(1) for c in header if (m := _VALUE_RE.match(c))}
    if "parenttxfrom" in h and values == {"in", "out"}:
        return "internal"
    if values == {"in", "out"} and _find(header, _FEE_RE):
        return "txns"
    if "tokensymbol" in h and h & {"tokenvalue", "value"} and not h & set(_NFT) and not values:
        return "tokens"
    return None


def claims(header: tuple[str, ...]) -> bool:
    return _layout(header) is not None


def _amount(raw: pl.Expr, label: str) -> tuple[pl.Expr, pl.Expr]:
    """A checked, unsigned amount (thousands commas dropped; Etherscan never writes a decimal comma)."""
    value, error = ex.checked_number(raw.str.replace_all(",", ""), label)
    negative = pl.when(ex.is_negative(value)).then(pl.format(f"{label} '{{}}' is negative", value))
    return ex.expand_exponent(value), ex.join_errors(error, negative)


def _positive(value: pl.Expr) -> pl.Expr:
    return (value.is_not_null() & ~ex.is_zero(value.fill_null("0"))).fill_null(False)


#: A normal transaction's Status: blank for a success (``Success``/``0`` accepted too), ``Error(0)`` for a failure.
_FAILED_RE = r"(?i)^(error.*|fail(ed|ure)?)$"
_SUCCESS_RE = r"(?i)^(success(ful)?|ok|0)$"


def _status_error() -> pl.Expr:
    status = ex.blank_to_null(pl.col("status"))
    unknown = status.is_not_null() & ~status.str.contains(_FAILED_RE) & ~status.str.contains(_SUCCESS_RE)
    return pl.when(unknown).then(pl.format("unknown Status '{}'; expected blank (success) or Error(...) (failed)", status))


def _timestamp() -> tuple[pl.Expr, pl.Expr]:
    raw = ex.blank_to_null(pl.col("unixtimestamp"))
    seconds = pl.when(raw.str.contains(r"^\d{1,11}$")).then(raw).cast(pl.Int64)
    ts = pl.from_epoch(seconds, time_unit="s").dt.replace_time_zone("UTC").cast(pl.Datetime("us", "UTC"))
    return ts, ex.timestamp_error(pl.col("unixtimestamp"), ts, "UnixTimestamp", "whole seconds since 1970 (1704067200)")


def _owner(lf: pl.LazyFrame, ctx: Context, candidates: pl.Expr) -> pl.LazyFrame:
    """Add ``_me`` (the wallet address) and ``_me_err`` to every row; see the module docstring."""
    named = sorted({a.lower() for a in _ADDRESS_RE.findall(Path(ctx.file).name)})
    if len(named) == 1:
        return lf.with_columns(_me=pl.lit(named[0]), _me_err=pl.lit(None, pl.String))
    if named:
        return lf.with_columns(_me=pl.lit(None, pl.String), _me_err=pl.lit(f"the file name names several addresses: {', '.join(named)}"))
    total = lf.select(_n=pl.len())
    every = (
        lf.select("line", _c=candidates)
        .explode("_c")
        .drop_nulls("_c")
        .unique(["line", "_c"])
        .group_by("_c")
        .agg(_k=pl.len())
        .join(total, how="cross")
        .filter(pl.col("_k") == pl.col("_n"))
        .select(_me=pl.col("_c").min(), _found=pl.len(), _all=pl.col("_c").sort().str.join(", "))
    )
    hint = "; name the file after the address (export-0x<address>.csv)"
    error = (
        pl.when(pl.col("_found") == 0)
        .then(pl.lit("no address appears in every row, so the wallet is unknown" + hint))
        .when(pl.col("_found") > 1)
        .then(pl.format("every row involves each of {}, so the wallet is ambiguous" + hint, pl.col("_all")))
    )
    lf = lf.join(every, how="cross").with_columns(_me_err=error)
    return lf.with_columns(_me=pl.when(pl.col("_me_err").is_null()).then(pl.col("_me"))).drop("_found", "_all")


def _candidates(has_in: pl.Expr, has_out: pl.Expr) -> pl.Expr:
    """The addresses a row can be the export of: To for a Value_IN, From for a Value_OUT, else either."""
    to, frm = pl.concat_list("_to"), pl.concat_list("_from")
    return pl.when(has_in).then(to).when(has_out).then(frm).otherwise(pl.concat_list("_from", "_to"))


def _hash(ctx: Context) -> pl.Expr:
    return ex.blank_to_null(ex.column(ctx, "transaction hash", "txhash")).str.to_lowercase()


def _direction_error(
    ctx: Context, has_in: pl.Expr, has_out: pl.Expr, mine_in: pl.Expr, mine_out: pl.Expr, col_in: str, col_out: str, to: str = "To"
) -> pl.Expr:
    """A row whose value columns contradict its addresses (Value_IN must arrive at the wallet, Value_OUT leave it)."""
    label_in, label_out = _label(ctx, col_in), _label(ctx, col_out)
    return (
        pl.when(pl.col("_me").is_null()).then(None)
        .when(has_in & has_out).then(pl.lit(f"both {label_in} and {label_out} are given"))
        .when(~mine_in & ~mine_out).then(pl.format(f"neither From nor {to} is the wallet address {{}}", pl.col("_me")))
        .when(has_in & ~mine_in).then(pl.format(f"{label_in} is given but {to} is not the wallet address {{}}", pl.col("_me")))
        .when(has_out & ~mine_out).then(pl.format(f"{label_out} is given but From is not the wallet address {{}}", pl.col("_me")))
    )  # fmt: skip


def _address(name: str) -> pl.Expr:
    return ex.blank_to_null(pl.col(name)).str.to_lowercase()


def _unique_ids(lf: pl.LazyFrame) -> pl.LazyFrame:
    """Append ``:2``, ``:3`` to the later of identical ``_id`` values in a file (first keeps the plain id)."""
    rank = pl.int_range(1, pl.len() + 1).over("_id", order_by="line")
    return lf.with_columns(_id=pl.when(rank > 1).then(pl.col("_id") + ":" + rank.cast(pl.String)).otherwise(pl.col("_id")))


def _finish(lf: pl.LazyFrame, ctx: Context, **columns: pl.Expr) -> pl.LazyFrame:
    """The unified columns, with the owner error first, and ids for rows that are kept."""
    error = ex.join_errors(pl.col("_me_err"), columns.pop("error"))
    lf = lf.with_columns(_err=error).with_columns(_skip=pl.when(pl.col("_err").is_null()).then(columns.pop("skip")))
    lf = _unique_ids(lf.with_columns(_id=columns.pop("id")))
    kept = pl.col("_skip").is_null() & pl.col("_err").is_null()
    return lf.select(
        ex.unified(
            wallet=pl.col("_me"),
            id=pl.when(kept).then(pl.col("_id")),
            error=pl.col("_err"),
            skip=pl.col("_skip"),
            **columns,
        )
    ).sort("line")


def _native(ctx: Context) -> tuple[str, str, str]:
    """The native asset, and the names of the Value_IN and Value_OUT columns."""
    m = _find(ctx.header, _VALUE_RE)
    assert m is not None
    asset = m.group(2)
    return asset.upper(), f"value_in({asset})", f"value_out({asset})"


def _label(ctx: Context, name: str) -> str:
    return dict(zip(ctx.header, ctx.raw_header, strict=False)).get(name, name)


def _txns(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    asset, col_in, col_out = _native(ctx)
    fee_m, price_m = _find(ctx.header, _FEE_RE), _find(ctx.header, _PRICE_RE)
    assert fee_m is not None
    v_in, in_err = _amount(pl.col(col_in), _label(ctx, col_in))
    v_out, out_err = _amount(pl.col(col_out), _label(ctx, col_out))
    fee, fee_err = _amount(pl.col(fee_m.group(0)), _label(ctx, fee_m.group(0)))
    price, price_err = _amount(pl.col(price_m.group(0)) if price_m else pl.lit(None, pl.String), "Historical $Price")
    ts, ts_err = _timestamp()
    lf = lf.with_columns(
        _from=_address("from"), _to=_address("to"), _in=v_in, _out=v_out, _fee=fee, _price=price, _ts=ts,
        _errs=ex.join_errors(ts_err, in_err, out_err, fee_err, price_err, _status_error()), _status=ex.blank_to_null(pl.col("status")),
    )  # fmt: skip
    has_in, has_out = _positive(pl.col("_in")), _positive(pl.col("_out"))
    lf = _owner(lf, ctx, _candidates(has_in, has_out))
    me, frm, to = pl.col("_me"), pl.col("_from"), pl.col("_to")
    mine_out, mine_in = (frm == me).fill_null(False), (to == me).fill_null(False)
    failed = pl.col("_status").str.contains(_FAILED_RE).fill_null(False)
    gas = (mine_out & (failed | mine_in | (~has_in & ~has_out))).fill_null(False)
    deposit, withdrawal = ~gas & has_in & mine_in, ~gas & has_out & mine_out
    paid = _positive(pl.col("_fee"))
    kind = pl.when(gas).then(pl.lit("fee")).when(deposit).then(pl.lit("deposit")).when(withdrawal).then(pl.lit("withdrawal"))
    skip = (
        pl.when(failed & ~mine_out).then(pl.lit("failed transaction sent by another address (nothing arrived)"))
        .when(~has_in & ~has_out & ~mine_out & mine_in).then(pl.lit("zero-value transaction from another address (it paid the gas)"))
        .when(gas & ~paid & pl.col("_fee").is_not_null()).then(pl.lit("no value moved and no gas paid"))
    )  # fmt: skip
    direction = _direction_error(ctx, has_in, has_out, mine_in, mine_out, col_in, col_out)
    error = ex.join_errors(pl.col("_errs"), pl.when(~(mine_in & mine_out)).then(direction))
    fee_usd = ex.plain_decimal(ex.as_decimal(pl.col("_fee")) * ex.as_decimal(pl.col("_price")))
    status = pl.when(failed).then(pl.format("failed ({})", pl.coalesce(ex.blank_to_null(pl.col("errcode")), pl.col("_status"))))
    self_sent = pl.when(gas & mine_in & ~failed).then(pl.lit("sent to itself"))
    note = ex.note(ex.column(ctx, "method"), status, self_sent, ex.column(ctx, "privatenote"))
    tx = _hash(ctx)
    return _finish(
        lf, ctx, timestamp=pl.col("_ts"), type=kind,
        sent_asset=pl.when(gas | withdrawal).then(pl.lit(asset)),
        sent_qty=pl.when(gas).then(pl.col("_fee")).when(withdrawal).then(pl.col("_out")),
        received_asset=pl.when(deposit).then(pl.lit(asset)), received_qty=pl.when(deposit).then(pl.col("_in")),
        fee_asset=pl.when(withdrawal & paid).then(pl.lit(asset)), fee_qty=pl.when(withdrawal & paid).then(pl.col("_fee")),
        usd_value=pl.when(gas).then(fee_usd), note=note, tx_hash=tx,
        address=pl.when(deposit).then(frm).when(withdrawal).then(to),
        id=pl.format("etherscan:{}:{}", me, tx), skip=skip, error=error,
    )  # fmt: skip


def _internal(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    asset, col_in, col_out = _native(ctx)
    v_in, in_err = _amount(pl.col(col_in), _label(ctx, col_in))
    v_out, out_err = _amount(pl.col(col_out), _label(ctx, col_out))
    ts, ts_err = _timestamp()
    status = ex.blank_to_null(pl.col("status"))
    status_err = pl.when(~status.fill_null("0").is_in(["0", "1"])).then(
        pl.format("unknown Status '{}'; expected 0 (success) or 1 (reverted)", status)
    )
    errs = ex.join_errors(ts_err, in_err, out_err, status_err)
    lf = lf.with_columns(_from=_address("from"), _to=_address("txto"), _in=v_in, _out=v_out, _ts=ts, _errs=errs)
    has_in, has_out = _positive(pl.col("_in")), _positive(pl.col("_out"))
    lf = _owner(lf, ctx, _candidates(has_in, has_out))
    me, frm, to = pl.col("_me"), pl.col("_from"), pl.col("_to")
    mine_out, mine_in = (frm == me).fill_null(False), (to == me).fill_null(False)
    reverted = (status == "1").fill_null(False)
    zero = ~has_in & ~has_out
    deposit, withdrawal = has_in & mine_in & ~reverted, has_out & mine_out & ~reverted
    skip = (
        pl.when(reverted).then(pl.lit("reverted internal transaction (nothing moved)"))
        .when(zero).then(pl.lit("zero-value internal transaction"))
    )  # fmt: skip
    direction = _direction_error(ctx, has_in, has_out, mine_in, mine_out, col_in, col_out, "TxTo")
    error = ex.join_errors(pl.col("_errs"), pl.when(~reverted & ~zero).then(direction))
    tx = _hash(ctx)
    value = pl.coalesce(pl.when(has_in).then(pl.col("_in")), pl.col("_out"))
    return _finish(
        lf, ctx, timestamp=pl.col("_ts"), type=pl.when(deposit).then(pl.lit("deposit")).when(withdrawal).then(pl.lit("withdrawal")),
        sent_asset=pl.when(withdrawal).then(pl.lit(asset)), sent_qty=pl.when(withdrawal).then(pl.col("_out")),
        received_asset=pl.when(deposit).then(pl.lit(asset)), received_qty=pl.when(deposit).then(pl.col("_in")),
        note=ex.note(pl.lit("internal"), ex.column(ctx, "type")), tx_hash=tx,
        address=pl.when(deposit).then(frm).when(withdrawal).then(to),
        id=pl.format("etherscan:{}:{}:internal:{}:{}:{}", me, tx, frm, to, value), skip=skip, error=error,
    )  # fmt: skip


def _tokens(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    name = "tokenvalue" if "tokenvalue" in ctx.header else "value"
    qty, qty_err = _amount(pl.col(name), _label(ctx, name))
    ts, ts_err = _timestamp()
    symbol = ex.asset_code(pl.col("tokensymbol"))
    symbol_err = pl.when(symbol.is_null()).then(pl.lit("TokenSymbol is blank"))
    lf = lf.with_columns(
        _from=_address("from"), _to=_address("to"), _qty=qty, _asset=symbol, _contract=_address("contractaddress"), _ts=ts,
        _errs=ex.join_errors(ts_err, qty_err, symbol_err),
    )  # fmt: skip
    lf = _owner(lf, ctx, pl.concat_list("_from", "_to"))
    me, frm, to = pl.col("_me"), pl.col("_from"), pl.col("_to")
    mine_out, mine_in = (frm == me).fill_null(False), (to == me).fill_null(False)
    deposit, withdrawal = mine_in & ~mine_out, mine_out & ~mine_in
    zero = pl.col("_qty").is_not_null() & ~_positive(pl.col("_qty"))
    skip = (
        pl.when(zero).then(pl.lit("zero-value token transfer (often address-poisoning spam)"))
        .when(mine_in & mine_out).then(pl.lit("token transfer to itself"))
    )  # fmt: skip
    neither = pl.when(me.is_not_null() & ~mine_in & ~mine_out).then(pl.format("neither From nor To is the wallet address {}", me))
    tx, qty_col, asset_col = _hash(ctx), pl.col("_qty"), pl.col("_asset")
    return _finish(
        lf, ctx, timestamp=pl.col("_ts"), type=pl.when(deposit).then(pl.lit("deposit")).when(withdrawal).then(pl.lit("withdrawal")),
        sent_asset=pl.when(withdrawal).then(asset_col), sent_qty=pl.when(withdrawal).then(qty_col),
        received_asset=pl.when(deposit).then(asset_col), received_qty=pl.when(deposit).then(qty_col),
        note=ex.note(ex.column(ctx, "tokenname"), pl.col("_contract")), tx_hash=tx,
        address=pl.when(deposit).then(frm).when(withdrawal).then(to),
        id=pl.format("etherscan:{}:{}:token:{}:{}:{}:{}", me, tx, pl.col("_contract"), frm, to, qty_col),
        skip=skip, error=ex.join_errors(pl.col("_errs"), neither),
    )  # fmt: skip


def normalize(lf: pl.LazyFrame, ctx: Context) -> pl.LazyFrame:
    """An Etherscan export of one address -> deposits, withdrawals and gas-fee rows of that address's wallet."""
    layout = _layout(ctx.header)
    if layout == "internal":
        return _internal(lf, ctx)
    if layout == "tokens":
        return _tokens(lf, ctx)
    return _txns(lf, ctx)


def combine(rows: pl.DataFrame) -> pl.DataFrame:
    """Pair each swap's withdrawal and deposit (one each, of different assets, one wallet and hash) into a trade.

    ``rows`` are every file's rows (with ingest's ``importer``, ``file``, ``order`` columns); only clean rows of
    this importer are looked at. Copies of a row from overlapping exports (one id) are counted once and all
    become the same trade (or skip), so deduplication still sees identical rows.
    """
    typ = pl.col("type")
    mine = (
        (pl.col("importer") == NAME)
        & pl.col("error").is_null()
        & pl.col("skip").is_null()
        & pl.col("tx_hash").is_not_null()
        & pl.col("id").is_not_null()
        & typ.is_in(["deposit", "withdrawal", "fee"])
    )
    cand = rows.filter(mine).sort("order", "line").unique("id", keep="first", maintain_order=True)
    if cand.is_empty():
        return rows
    key = ["wallet", "tx_hash"]
    out, into, gas = typ == "withdrawal", typ == "deposit", typ == "fee"
    groups = cand.group_by(key).agg(
        _n_out=out.sum(),
        _n_in=into.sum(),
        _n_gas=gas.sum() + (out & pl.col("fee_qty").is_not_null()).sum(),
        _w_id=pl.col("id").filter(out).first(),
        _w_where=pl.format("{}:{}", "file", "line").filter(out).first(),
        _sent=pl.col("sent_asset").filter(out).first(),
        _received=pl.col("received_asset").filter(into).first(),
        _received_qty=pl.col("received_qty").filter(into).first(),
        _gas_asset=pl.coalesce(pl.col("sent_asset").filter(gas).first(), pl.col("fee_asset").filter(out).first()),
        _gas_qty=pl.coalesce(pl.col("sent_qty").filter(gas).first(), pl.col("fee_qty").filter(out).first()),
        _others=pl.col("id").filter(into | gas),
    )
    swaps = groups.filter(
        (pl.col("_n_out") == 1) & (pl.col("_n_in") == 1) & (pl.col("_n_gas") <= 1) & (pl.col("_sent") != pl.col("_received"))
    )
    if swaps.is_empty():
        return rows
    trade = swaps.select(
        id=pl.col("_w_id"),
        _t_received=pl.col("_received"),
        _t_received_qty=pl.col("_received_qty"),
        _t_gas_asset=pl.col("_gas_asset"),
        _t_gas_qty=pl.col("_gas_qty"),
    )
    parts = swaps.select(pl.col("_others").alias("id"), _part_of=pl.col("_w_where")).explode("id")
    is_mine = pl.col("importer") == NAME
    rows = rows.join(trade, on="id", how="left", maintain_order="left").join(parts, on="id", how="left", maintain_order="left")
    to_trade = is_mine & pl.col("_t_received").is_not_null()
    to_skip = is_mine & pl.col("_part_of").is_not_null()
    return rows.with_columns(
        type=pl.when(to_trade).then(pl.lit("trade")).otherwise(typ),
        received_asset=pl.when(to_trade).then("_t_received").otherwise("received_asset"),
        received_qty=pl.when(to_trade).then("_t_received_qty").otherwise("received_qty"),
        fee_asset=pl.when(to_trade).then("_t_gas_asset").otherwise("fee_asset"),
        fee_qty=pl.when(to_trade).then("_t_gas_qty").otherwise("fee_qty"),
        usd_value=pl.when(~to_trade).then("usd_value"),
        address=pl.when(~to_trade).then("address"),
        note=pl.when(to_trade).then(pl.concat_str(pl.lit("swap"), pl.col("note"), separator="; ", ignore_nulls=True)).otherwise("note"),
        skip=pl.when(to_skip).then(pl.format("part of the swap read as one trade at {}", "_part_of")).otherwise("skip"),
        id=pl.when(to_skip).then(pl.lit(None, pl.String)).otherwise("id"),
    ).drop("_t_received", "_t_received_qty", "_t_gas_asset", "_t_gas_qty", "_part_of")
