"""Link the ledger's withdrawals to the deposits they became, and apply the overrides file: the polars glue.

:func:`link` is the one entry point. It takes the crypto withdrawals and deposits out of the ledger frame as
plain columns (vectorized filters, then ``to_list``), lets :func:`taxlots.transfers.match.match` pair them,
and rewrites the frame with joins: a matched withdrawal becomes a ``transfer`` row to the deposit's wallet,
and the deposit row leaves the frame (the report keeps it, with its file and line). Overrides become the
columns the engine reads (``disposition``, ``acquired_at``, ``gift_fmv``, ``price_source``, ``usd_value``,
``type``). A crypto deposit left with no basis is an error, or, with ``missing_basis="zero"``, a warning and
a zero basis.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import overload

import polars as pl

from taxlots.model.diagnostics import Code, Diagnostic, Severity, sort_key
from taxlots.model.ledger import CASH, Kind
from taxlots.model.source import SourceRef
from taxlots.transfers import overrides as ov
from taxlots.transfers.match import DEFAULT_TOLERANCE, DEFAULT_WINDOW, Reason, Rule, Side, Unmatched, match
from taxlots.transfers.overrides import Override, Overrides
from taxlots.transfers.plan import ROW_COLUMNS, Plan, Row, named_ids, resolve

MISSING_BASIS_CHOICES = ("error", "zero")
ZERO_BASIS = "zero basis (assumed)"
_STRING_OPTIONAL = ("tx_hash", "address", "gift_fmv", "disposition", "fee_usd", "price_source", "fee_source")
_UTC_US = pl.Datetime("us", "UTC")

PAIR_SCHEMA: dict[str, pl.DataType] = {
    "asset": pl.String(),
    "sent": pl.String(),
    "received": pl.String(),
    "fee_asset": pl.String(),
    "fee": pl.String(),
    "from_wallet": pl.String(),
    "to_wallet": pl.String(),
    "withdrawn_at": _UTC_US,
    "deposited_at": _UTC_US,
    "withdrawal_id": pl.String(),
    "deposit_id": pl.String(),
    "withdrawal_file": pl.String(),
    "withdrawal_line": pl.Int64(),
    "deposit_file": pl.String(),
    "deposit_line": pl.Int64(),
    "rule": pl.String(),
}
UNMATCHED_SCHEMA: dict[str, pl.DataType] = {
    "side": pl.String(),
    "id": pl.String(),
    "wallet": pl.String(),
    "asset": pl.String(),
    "quantity": pl.String(),
    "timestamp": _UTC_US,
    "file": pl.String(),
    "line": pl.Int64(),
    "reason": pl.String(),
    "detail": pl.String(),
}


@dataclass(frozen=True, slots=True)
class TransferReport:
    """What linking did: ``pairs`` (:data:`PAIR_SCHEMA`, in withdrawal order) and ``unmatched`` withdrawals and
    deposits with their reasons (:data:`UNMATCHED_SCHEMA`, in ledger order). Frames, as a run can pair 10^5 rows."""

    pairs: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=PAIR_SCHEMA))
    unmatched: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=UNMATCHED_SCHEMA))


def read_overrides(path: str) -> tuple[Overrides, list[Diagnostic]]:
    """Read an overrides file (TOML for ``*.toml``, else CSV); an unreadable file is a diagnostic."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as err:
        message = f"cannot read overrides file: {getattr(err, 'strerror', None) or err}"
        return Overrides(file=path), [Diagnostic(code=Code.FILE_UNREADABLE, message=message, source=SourceRef(path, 0))]
    return ov.parse(text, path)


def link(
    frame: pl.DataFrame,
    *,
    window: timedelta = DEFAULT_WINDOW,
    tolerance: Decimal = DEFAULT_TOLERANCE,
    overrides: Overrides | None = None,
    missing_basis: str = "error",
) -> tuple[pl.DataFrame, TransferReport, list[Diagnostic]]:
    """Turn matched withdrawal/deposit pairs into transfer rows and apply the overrides.

    Args:
        frame: the ledger frame of :func:`taxlots.ingest.load` (``seq`` order).
        window: the longest a deposit may arrive after its withdrawal.
        tolerance: the fraction of a withdrawal its deposit may be short by (at least the withdrawal's own fee).
        overrides: the user's overrides file, read by :func:`read_overrides`.
        missing_basis: ``"error"`` (a crypto deposit with no match, override or ``usd_value`` is an error) or
            ``"zero"`` (it gets basis 0, ``price_source`` ``"zero basis (assumed)"``, and a warning).

    Returns:
        The rewritten frame (``seq`` order, every column kept, the optional decided columns added), the
        report, and the diagnostics (bad overrides, missing basis), ordered by file and line.
    """
    if missing_basis not in MISSING_BASIS_CHOICES:
        raise ValueError(f"missing_basis must be one of {MISSING_BASIS_CHOICES}, not {missing_basis!r}")
    frame = _with_optional(frame)
    plan = _plan(frame, overrides or Overrides())
    ws, ds, scale = _sides(frame, plan.fixed)
    found = match(ws, ds, scale=scale, window=window, tolerance=tolerance, forbidden=plan.forbidden)
    n = len(found.withdrawal)
    pairs = pl.DataFrame(
        {
            "w_seq": [*found.withdrawal, *(w for w, _ in plan.forced)],
            "d_seq": [*found.deposit, *(d for _, d in plan.forced)],
            "_hash": [*found.by_hash, *[False] * len(plan.forced)],
        },
        schema={"w_seq": pl.Int64, "d_seq": pl.Int64, "_hash": pl.Boolean},
    )
    rule = pl.when(pl.int_range(pl.len()) >= n).then(pl.lit(str(Rule.OVERRIDE))).when("_hash").then(pl.lit(str(Rule.HASH)))
    pairs = pairs.select("w_seq", "d_seq", rule=rule.otherwise(pl.lit(str(Rule.CLOSEST))))
    unmatched = _unmatched_frame(frame, [*found.unmatched, *plan.unmatched])
    out = _declare(_rewrite(frame, pairs), plan.declared)
    out, basis_diags = _missing_basis(out, unmatched, missing_basis)
    report = TransferReport(pairs=_pairs_frame(frame, pairs), unmatched=unmatched.drop("seq"))
    return out, report, sorted([*plan.diagnostics, *basis_diags], key=sort_key)


def _with_optional(frame: pl.DataFrame) -> pl.DataFrame:
    """Add the optional columns the transfer and price steps decide, when the frame lacks them."""
    missing = [pl.lit(None, pl.String).alias(c) for c in _STRING_OPTIONAL if c not in frame.columns]
    if "acquired_at" not in frame.columns:
        missing.append(pl.lit(None, _UTC_US).alias("acquired_at"))
    return frame.with_columns(missing) if missing else frame


def _plan(frame: pl.DataFrame, overrides: Overrides) -> Plan:
    """Look up the rows the overrides name (a filter, not a dict of every id), and resolve the overrides."""
    if not overrides.items:
        return Plan()
    rows: dict[str, list[Row]] = {}
    for values in frame.filter(pl.col("id").is_in(named_ids(overrides))).select(ROW_COLUMNS).iter_rows():
        row = Row(*values)
        rows.setdefault(row.id, []).append(row)
    return resolve(overrides, rows)


def _declare(frame: pl.DataFrame, declared: Sequence[tuple[int, Override]]) -> pl.DataFrame:
    """Set the columns each declaring override decides (see ``docs/overrides.md``)."""
    if not declared:
        return frame
    types = {ov.Kind.INCOME: Kind.INCOME.value, ov.Kind.PAYMENT: Kind.SPEND.value}
    disposition = {ov.Kind.PURCHASE: "purchase", ov.Kind.GIFT_RECEIVED: "gift"}
    decided = pl.DataFrame(
        {
            "seq": [s for s, _ in declared],
            "_type": [types.get(o.kind) for _, o in declared],
            "_usd": [None if o.usd_value is None else str(o.usd_value) for _, o in declared],
            "_acq": [o.acquired_at for _, o in declared],
            "_fmv": [None if o.fmv is None else str(o.fmv) for _, o in declared],
            "_disp": [
                disposition.get(o.kind) or (o.income_type or "income" if o.kind is ov.Kind.INCOME else str(o.kind)) for _, o in declared
            ],
        },
        schema={"seq": pl.Int64, "_type": pl.String, "_usd": pl.String, "_acq": _UTC_US, "_fmv": pl.String, "_disp": pl.String},
    )
    joined = frame.join(decided, on="seq", how="left", maintain_order="left")
    return joined.with_columns(
        type=pl.coalesce("_type", "type"),
        usd_value=pl.coalesce("_usd", "usd_value"),
        acquired_at=pl.coalesce("_acq", "acquired_at"),
        gift_fmv=pl.coalesce("_fmv", "gift_fmv"),
        disposition=pl.coalesce("_disp", "disposition"),
        price_source=pl.when(pl.col("_usd").is_not_null()).then(pl.lit("override")).otherwise(pl.col("price_source")),
    ).drop("_type", "_usd", "_acq", "_fmv", "_disp")


# ---- matching ---------------------------------------------------------------------------------------------------


def _sides(frame: pl.DataFrame, fixed: set[int]) -> tuple[Side, Side, int]:
    """The crypto withdrawals and deposits not fixed by an override, as plain columns with scaled quantities.

    Sorted by asset and time (the order :func:`match` sweeps in, so it copies nothing); wallets and assets
    as int codes (cheaper to read out and compare than strings); ids read only when a message names one.
    """
    typ, free = pl.col("type"), ~pl.col("seq").is_in(sorted(fixed))
    same_fee = pl.when(pl.col("fee_asset") == pl.col("sent_asset")).then(pl.col("fee_qty")).otherwise(pl.lit("0"))
    time = pl.col("timestamp").dt.epoch("us").alias("time")
    w = frame.filter((typ == Kind.WITHDRAWAL.value) & (pl.col("sent_asset") != CASH) & free).select(
        "seq", "id", time, "wallet", "tx_hash", asset="sent_asset", qty="sent_qty", fee=same_fee.fill_null("0")
    )
    d = frame.filter((typ == Kind.DEPOSIT.value) & (pl.col("received_asset") != CASH) & free).select(
        "seq", "id", time, "wallet", "tx_hash", asset="received_asset", qty="received_qty", fee=pl.lit("0")
    )
    both = pl.concat([w.with_columns(_w=True), d.with_columns(_w=False)])
    scale, digits = _scale(pl.concat([both["qty"], both["fee"]]))
    exact = scale + digits <= 38  # fits polars' 128-bit decimal: parse there and read its integer representation
    scaled = [pl.col(c).str.to_decimal(scale=scale).to_physical() for c in ("qty", "fee")] if exact else ["qty", "fee"]
    codes = pl.col("wallet", "asset").cast(pl.Categorical).to_physical().cast(pl.Int64)
    # The ledger is in seq order, so in time order: a stable sort by asset alone groups it as match() sweeps.
    both = both.select("_w", "seq", "id", "time", _same_hash(pl.col("tx_hash")), codes, *scaled).sort("asset", maintain_order=True)

    def side(part: pl.DataFrame) -> Side:
        return Side(
            seq=part["seq"].to_list(),
            id=_Column(part["id"]),
            time=part["time"].to_list(),
            wallet=part["wallet"].to_list(),
            asset=part["asset"].to_list(),
            qty=part["qty"].to_list() if exact else _scaled(part["qty"], scale),
            fee=part["fee"].to_list() if exact else _scaled(part["fee"], scale),
            tx_hash=part["tx_hash"].to_list(),
        )

    return side(both.filter("_w")), side(both.filter(~pl.col("_w"))), scale


def _same_hash(tx_hash: pl.Expr) -> pl.Expr:
    """A transaction hash as the sides compare it: a hex hash (64 hex digits, with or without ``0x``, any case) in
    one spelling, since exchanges write Etherscan's ``0xab…`` as ``AB…`` or without the prefix; others as given
    (base58 hashes, e.g. Solana's, are case-sensitive)."""
    text = tx_hash.str.strip_chars()
    hex64 = text.str.to_lowercase().str.strip_prefix("0x")
    return pl.when(hex64.str.contains(r"^[0-9a-f]{64}$")).then(hex64).otherwise(pl.when(text != "").then(text)).alias("tx_hash")


class _Column(Sequence[str]):
    """A string column read one value at a time (the matcher reads ids only for the rows a message names)."""

    def __init__(self, series: pl.Series) -> None:
        self._series = series

    def __len__(self) -> int:
        return self._series.len()

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        return self._series[i] if isinstance(i, int) else self._series[i].to_list()


def _scale(numbers: pl.Series) -> tuple[int, int]:
    """``(decimals, integer digits)``: the most of each among canonical decimal strings (no sign, no exponent)."""
    if numbers.is_empty():
        return 0, 1
    dot = numbers.str.find(".", literal=True)  # null when there is none
    length = numbers.str.len_chars()
    decimals = (length - dot - 1).fill_null(0).max()
    whole = dot.fill_null(length).max()
    return int(decimals), int(whole)  # type: ignore[arg-type]


def _scaled(values: pl.Series, scale: int) -> list[int]:
    """Canonical decimal strings as exact integers ``value * 10**scale`` (for numbers too long for 128 bits)."""
    parts = values.str.split_exact(".", 1)
    text = parts.struct.field("field_0") + parts.struct.field("field_1").fill_null("").str.pad_end(scale, "0")
    return [int(t) for t in text.to_list()]


# ---- rewriting the frame ----------------------------------------------------------------------------------------


def _rewrite(frame: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    """Matched withdrawals become transfers; matched deposits leave the frame (a deposit's own fee stays, as a fee row)."""
    if pairs.is_empty():
        return frame
    deposits = frame.select(
        d_seq="seq",
        _to="wallet",
        _got="received_qty",
        _did="id",
    ).join(pairs.select("d_seq", seq="w_seq"), on="d_seq")
    out = frame.join(deposits.drop("d_seq"), on="seq", how="left", maintain_order="left")
    matched = pl.col("_did").is_not_null()
    said = pl.format("matched with deposit {}", pl.col("_did"))
    note = pl.when(pl.col("note").fill_null("") == "").then(said).otherwise(pl.format("{} ({})", pl.col("note"), said))
    out = out.with_columns(
        type=pl.when(matched).then(pl.lit(Kind.TRANSFER.value)).otherwise(pl.col("type")),
        to_wallet=pl.when(matched).then(pl.col("_to")).otherwise(pl.col("to_wallet")),
        received_asset=pl.when(matched).then(pl.col("sent_asset")).otherwise(pl.col("received_asset")),
        received_qty=pl.when(matched).then(pl.col("_got")).otherwise(pl.col("received_qty")),
        note=pl.when(matched).then(note).otherwise(pl.col("note")),
    ).drop("_to", "_got", "_did")
    withdrawal_of = pairs.select(seq="d_seq", _wid=pl.col("w_seq")).join(frame.select(_wid="seq", _wname="id"), on="_wid")
    out = out.join(withdrawal_of.drop("_wid"), on="seq", how="left", maintain_order="left")
    is_dep = pl.col("_wname").is_not_null()
    has_fee = is_dep & pl.col("fee_qty").is_not_null()
    out = out.filter(~is_dep | has_fee)
    if not out.select(has_fee.any()).item():
        return out.drop("_wname")  # the usual case: no deposit fee, so no column to rewrite on every row
    fee_note = pl.format("fee of deposit {} (matched with withdrawal {})", pl.col("id"), pl.col("_wname"))
    return out.with_columns(
        type=pl.when(has_fee).then(pl.lit(Kind.FEE.value)).otherwise(pl.col("type")),
        sent_asset=pl.when(has_fee).then(pl.col("fee_asset")).otherwise(pl.col("sent_asset")),
        sent_qty=pl.when(has_fee).then(pl.col("fee_qty")).otherwise(pl.col("sent_qty")),
        received_asset=pl.when(has_fee).then(None).otherwise(pl.col("received_asset")),
        received_qty=pl.when(has_fee).then(None).otherwise(pl.col("received_qty")),
        fee_asset=pl.when(has_fee).then(None).otherwise(pl.col("fee_asset")),
        fee_qty=pl.when(has_fee).then(None).otherwise(pl.col("fee_qty")),
        usd_value=pl.when(has_fee).then(pl.col("fee_usd")).otherwise(pl.col("usd_value")),
        price_source=pl.when(has_fee).then(pl.col("fee_source")).otherwise(pl.col("price_source")),
        fee_usd=pl.when(has_fee).then(None).otherwise(pl.col("fee_usd")),
        fee_source=pl.when(has_fee).then(None).otherwise(pl.col("fee_source")),
        id=pl.when(has_fee).then(pl.format("{}:fee", pl.col("id"))).otherwise(pl.col("id")),
        note=pl.when(has_fee).then(fee_note).otherwise(pl.col("note")),
    ).drop("_wname")


# ---- missing basis and the report -------------------------------------------------------------------------------


def _unmatched_frame(frame: pl.DataFrame, rows: Sequence[Unmatched]) -> pl.DataFrame:
    """The unmatched rows with what the report shows of each (``seq`` kept for the missing-basis step)."""
    why = pl.DataFrame(
        {
            "seq": [u.seq for u in rows],
            "side": [u.side for u in rows],
            "reason": [str(u.reason) for u in rows],
            "detail": [u.detail for u in rows],
        },
        schema={"seq": pl.Int64, "side": pl.String, "reason": pl.String, "detail": pl.String},
    )
    info = frame.select(
        "seq",
        "id",
        "wallet",
        pl.coalesce("sent_asset", "received_asset").alias("asset"),
        pl.coalesce("sent_qty", "received_qty").alias("quantity"),
        "timestamp",
        "file",
        "line",
    )
    joined = why.join(info, on="seq").sort("seq")
    return joined.select("seq", *UNMATCHED_SCHEMA)


def _missing_basis(frame: pl.DataFrame, unmatched: pl.DataFrame, mode: str) -> tuple[pl.DataFrame, list[Diagnostic]]:
    """A crypto deposit still without ``usd_value``: one error each, or with ``zero`` a zero basis and one warning each."""
    lacking = (pl.col("type") == Kind.DEPOSIT.value) & (pl.col("received_asset") != CASH) & pl.col("usd_value").is_null()
    rows = frame.filter(lacking).select("seq", "id", "received_asset", "received_qty", "file", "line", "importer")
    if rows.is_empty():
        return frame, []
    rows = rows.join(unmatched.select("seq", "reason", "detail"), on="seq", how="left", maintain_order="left")
    diags = []
    for _seq, rid, asset, qty, file, line, importer, reason, detail in rows.iter_rows():
        why = f"no withdrawal matched it ({reason or Reason.NO_CANDIDATE}{': ' + detail if detail else ''})"
        src = SourceRef(file, line, importer or "")
        if mode == "zero":
            message = f"deposit of {qty} {asset} has no cost basis; zero assumed: {why}"
            diags.append(Diagnostic(code=Code.MISSING_BASIS, message=message, source=src, severity=Severity.WARNING))
        else:
            message = f"deposit of {qty} {asset} has no cost basis: {why}"
            hint = f"add an override for id '{rid}' (match, purchase, gift-received or income), or use --missing-basis zero"
            diags.append(Diagnostic(code=Code.MISSING_BASIS, message=message, source=src, hint=hint))
    if mode == "zero":
        frame = frame.with_columns(
            usd_value=pl.when(lacking).then(pl.lit("0")).otherwise(pl.col("usd_value")),
            price_source=pl.when(lacking).then(pl.lit(ZERO_BASIS)).otherwise(pl.col("price_source")),
        )
    return frame, diags


def _pairs_frame(frame: pl.DataFrame, pairs: pl.DataFrame) -> pl.DataFrame:
    w = frame.select(
        w_seq="seq",
        asset="sent_asset",
        sent="sent_qty",
        fee_asset="fee_asset",
        fee="fee_qty",
        from_wallet="wallet",
        withdrawn_at="timestamp",
        withdrawal_id="id",
        withdrawal_file="file",
        withdrawal_line="line",
    )
    d = frame.select(
        d_seq="seq",
        received="received_qty",
        to_wallet="wallet",
        deposited_at="timestamp",
        deposit_id="id",
        deposit_file="file",
        deposit_line="line",
    )
    return pairs.join(w, on="w_seq").join(d, on="d_seq").sort("w_seq").select(list(PAIR_SCHEMA))
