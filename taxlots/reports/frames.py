"""The one bridge from the engine's results to polars frames: every report reads these frames, nothing else.

Money leaves the bridge as exact integer **cents** (``Int64``), rounded exactly as ``taxlots gains`` rounds
them (each disposal's proceeds split over its lots in proportion to quantity, the remainder on its last row),
so a report's totals are the sums of the gains rows. Quantities stay exact as text (``plain``). Dates are
``pl.Date`` tax dates. If the engine's representation changes, only this module changes.

Columns of :func:`slices` (one row per lot slice of a disposal sold in the year, in disposal order):
``disposal_id, lot_id, wallet, asset, quantity, date_acquired, date_sold, proceeds, cost_basis, gain,
long_term, price_source, identification, sold_file, sold_line, acquired_file, acquired_line``.
"""

from __future__ import annotations

import gc
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import repeat

import polars as pl

from taxlots.ingest.convert import FrameSources
from taxlots.model import grains
from taxlots.model.diagnostics import Diagnostic
from taxlots.model.lots import Disposal, DisposalColumns, Income, Lot, MatchResult, Sources
from taxlots.model.money import ZERO, decimal_context, plain
from taxlots.model.source import SourceRef
from taxlots.reports.money import round_cents

MISSING_LOT = "MISSING"
_ORDINAL_1970 = 719_163  # date(1970, 1, 1).toordinal()
_CENT = 10**16  # grains per cent  # the lot of a slice no lot covered (a shortfall)

SLICE_SCHEMA: dict[str, pl.DataType] = {
    "disposal_id": pl.String(),
    "lot_id": pl.String(),
    "wallet": pl.String(),
    "asset": pl.String(),
    "quantity": pl.String(),
    "date_acquired": pl.Date(),
    "date_sold": pl.Date(),
    "proceeds": pl.Int64(),
    "cost_basis": pl.Int64(),
    "gain": pl.Int64(),
    "long_term": pl.Boolean(),
    "price_source": pl.String(),
    "identification": pl.String(),
    "sold_file": pl.String(),
    "sold_line": pl.Int64(),
}
#: The columns that come from the disposal (the same on each of its slices), in the order they are read.
_DISPOSAL_COLUMNS = ("disposal_id", "wallet", "asset", "date_sold", "price_source", "identification", "sold_file", "sold_line")


def split_cents(d: Disposal) -> tuple[list[int], list[int]]:
    """The cents of each slice of ``d``: its proceeds split in proportion to quantity, and its basis.

    Every slice but the last is rounded to cents (half up); the last takes the rest of the rounded total, so a
    disposal's rows add up to its rounded proceeds and basis. Call inside ``decimal_context``.
    """
    parts = d.slices
    if len(parts) == 1:  # nearly always: nothing to split
        return [round_cents(d.proceeds)], [round_cents(parts[0].basis)]
    total, whole = d.proceeds, d.quantity
    proceeds = [round_cents(total * part.quantity / whole) for part in parts[:-1]]
    basis = [round_cents(part.basis) for part in parts[:-1]]
    proceeds.append(round_cents(total) - sum(proceeds))
    basis.append(round_cents(sum((part.basis for part in parts), ZERO)) - sum(basis))
    return proceeds, basis


def split_grains(proceeds: int, quantity: int, parts: list[int], bases: list[int]) -> tuple[list[int], list[int]]:
    """:func:`split_cents` on the engine's grains: the cents of each slice's proceeds and basis (same rule, exact)."""
    if len(parts) == 1:
        return [grains.cents(proceeds)], [grains.cents(bases[0])]
    head = [grains.share_cents(proceeds, part, quantity) for part in parts[:-1]]
    basis = [grains.cents(b) for b in bases[:-1]]
    head.append(grains.cents(proceeds) - sum(head))
    basis.append(grains.cents(sum(bases)) - sum(basis))
    return head, basis


def slices(disposals: DisposalColumns | Iterable[Disposal], year: int | None, ledger: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every lot slice of the disposals sold in ``year`` (all years when None), money in cents.

    Money is split and rounded by :func:`split_cents`, so a disposal's rows add up to its rounded totals.

    Args:
        disposals: the engine's disposals, in event order: a run's ``columns`` (read whole, without a
            ``Disposal`` per row), or ``Disposal`` values.
        year: the tax year, or None for every year.
        ledger: the run's ledger frame; when given, each slice gets the file and line of the row that
            acquired its lot (``acquired_file``, ``acquired_line``; null for a shortfall).
    """
    if isinstance(disposals, DisposalColumns):
        return _from_columns(disposals, year).pipe(_with_acquisition_source, ledger)
    chosen = disposals if year is None else (d for d in disposals if d.sold_date.year == year)
    owned: list[Disposal] = []  # the disposals that have slices
    owner: list[int] = []  # the index of each slice's disposal in ``owned``
    lot_id: list[str] = []
    quantity: list[str] = []
    acquired: list[date | None] = []
    long_term: list[bool] = []
    proceeds: list[int] = []
    basis: list[int] = []
    paused = gc.isenabled()
    gc.disable()  # many small objects and no cycles: the collector would only rescan them
    try:
        with decimal_context():
            for d in chosen:
                parts = d.slices
                if not parts:
                    continue
                owner.extend(repeat(len(owned), len(parts)))
                owned.append(d)
                for part in parts:
                    lot_id.append(part.lot_id or MISSING_LOT)
                    quantity.append(plain(part.quantity))
                    acquired.append(part.acquired_date)
                    long_term.append(part.long_term)
                p, b = split_cents(d)
                proceeds += p
                basis += b
    finally:
        if paused:
            gc.enable()
    per_disposal = pl.DataFrame(
        [(d.id, d.wallet, d.asset, d.sold_date, d.price_source, d.identification, d.source.file, d.source.line) for d in owned],
        schema={name: SLICE_SCHEMA[name] for name in _DISPOSAL_COLUMNS},
        orient="row",
    )
    frame = pl.DataFrame(
        {
            "lot_id": lot_id,
            "quantity": quantity,
            "date_acquired": acquired,
            "proceeds": proceeds,
            "cost_basis": basis,
            "long_term": long_term,
        },
        schema={name: SLICE_SCHEMA[name] for name in ("lot_id", "quantity", "date_acquired", "proceeds", "cost_basis", "long_term")},
    )
    out = pl.concat([per_disposal[pl.Series(owner, dtype=pl.UInt32)], frame], how="horizontal")
    out = out.with_columns(gain=pl.col("proceeds") - pl.col("cost_basis")).select(SLICE_SCHEMA.keys())
    return out.pipe(_with_acquisition_source, ledger)


def _from_columns(c: DisposalColumns, year: int | None) -> pl.DataFrame:
    """:func:`slices` from the engine's columns, whole columns in polars.

    The cents follow :func:`split_grains`: every slice's basis and a lone slice's proceeds are rounded in
    128-bit integers; only the proceeds of a split disposal's slices but the last (a share whose product
    needs more than 128 bits) are computed in Python, and the last slices take what makes the totals.
    """
    lo, hi = (date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal()) if year is not None else (0, 1 << 62)
    ends = pl.Series(c.start, dtype=pl.Int64)
    disposals = pl.DataFrame(
        {"k": pl.int_range(len(c.day), eager=True, dtype=pl.UInt32), "day": pl.Series(c.day, dtype=pl.Int32), "a": ends[:-1], "b": ends[1:]}
    ).filter((pl.col("b") > pl.col("a")) & pl.col("day").is_between(lo, hi, closed="left"))
    picked = disposals["k"]
    owner_of = disposals.select(
        owner=pl.int_range(pl.len(), dtype=pl.UInt32).repeat_by(pl.col("b") - pl.col("a")).explode(),
        j=pl.int_ranges("a", "b", dtype=pl.UInt32).explode(),
        last=pl.int_ranges("a", "b").explode() == (pl.col("b") - 1).repeat_by(pl.col("b") - pl.col("a")).explode(),
        split=(pl.col("b") - pl.col("a") > 1).repeat_by(pl.col("b") - pl.col("a")).explode(),
        first=(pl.col("b") - pl.col("a")).cum_sum().shift(1).fill_null(0).repeat_by(pl.col("b") - pl.col("a")).explode(),
    )
    where = owner_of["j"]
    money = owner_of.with_columns(
        basis=pl.Series(c.slice_basis, dtype=pl.Int128).gather(where),
        total=pl.Series(c.proceeds, dtype=pl.Int128).gather(picked).gather(owner_of["owner"]),
        head=_split_heads(c, owner_of, picked),
    ).with_columns(
        cb=_cents(pl.col("basis")),
        cp=pl.when(~pl.col("split")).then(_cents(pl.col("total"))).otherwise(pl.col("head")),
    )
    rest = pl.col("last") & pl.col("split")
    money = money.select(
        proceeds=pl.when(rest).then(_cents(pl.col("total")) - _owner_sum(pl.col("cp").fill_null(0))).otherwise(pl.col("cp")).cast(pl.Int64),
        cost_basis=pl.when(rest)
        .then(_cents(_owner_sum(pl.col("basis"))) - (_owner_sum(pl.col("cb")) - pl.col("cb")))
        .otherwise(pl.col("cb"))
        .cast(pl.Int64),
    )
    per_disposal = pl.DataFrame(
        {
            "disposal_id": pl.Series(c.id, dtype=pl.String).gather(picked),
            "wallet": pl.Series(c.wallet, dtype=pl.String).gather(picked),
            "asset": pl.Series(c.asset, dtype=pl.String).gather(picked),
            "date_sold": _dates(disposals["day"]),
            "price_source": pl.Series(c.price_source, dtype=pl.String).gather(picked),
            "identification": pl.Series(c.identification, dtype=pl.String).gather(picked),
            **_sold_at(c, pl.Series(c.row, dtype=pl.UInt32).gather(picked)),
        }
    )
    lot_id = pl.Series(c.lot_id, dtype=pl.String).gather(where)
    frame = pl.DataFrame(
        {
            "lot_id": lot_id.fill_null(MISSING_LOT),
            "quantity": grains_text(pl.Series(c.slice_quantity, dtype=pl.Int128).gather(where)),
            "date_acquired": _dates(pl.Series(c.acquired_day, dtype=pl.Int32).gather(where)).set(lot_id.is_null(), None),
            "proceeds": money["proceeds"],
            "cost_basis": money["cost_basis"],
            "long_term": pl.Series(c.long_term, dtype=pl.Boolean).gather(where),
        }
    )
    out = pl.concat([per_disposal[owner_of["owner"]], frame], how="horizontal")
    return out.with_columns(gain=pl.col("proceeds") - pl.col("cost_basis")).select(SLICE_SCHEMA.keys())


def _split_heads(c: DisposalColumns, owner_of: pl.DataFrame, picked: pl.Series) -> pl.Series:
    """The proceeds cents of each slice but the last of every split disposal (``grains.share_cents``), null elsewhere.

    One entry per row of ``owner_of`` (a slice: ``j``, its disposal's place in ``picked``, ``split``, ``last``).
    """
    heads = owner_of.with_row_index("at").filter(pl.col("split") & ~pl.col("last"))
    sq, total, whole = c.slice_quantity, c.proceeds, c.quantity
    cents: list[int] = []
    append = cents.append
    for j, k in zip(heads["j"].to_list(), picked.gather(heads["owner"]).to_list(), strict=True):
        # grains.share_cents, inlined: p * q / whole in cents, half up on the magnitude (q > 0, so p gives the sign)
        p, den = total[k], whole[k] * _CENT
        magnitude = (2 * abs(p) * sq[j] + den) // (2 * den)
        append(magnitude if p >= 0 else -magnitude)
    nothing = pl.repeat(None, owner_of.height, dtype=pl.Int64, eager=True)
    return nothing.scatter(heads["at"], pl.Series(cents, dtype=pl.Int64)) if cents else nothing


def _owner_sum(values: pl.Expr) -> pl.Expr:
    """On each disposal's last slice, the sum of its slices' ``values``: running sums, as the slices are contiguous."""
    running = values.cum_sum()
    return running - running.shift(1).fill_null(0).gather(pl.col("first"))


def _cents(grains_: pl.Expr) -> pl.Expr:
    """Int128 USD grains to cents, half up on the magnitude (``grains.cents``)."""
    cent, half, zero = pl.lit(10**16, pl.Int128), pl.lit(5 * 10**15, pl.Int128), pl.lit(0, pl.Int128)
    return pl.when(grains_ < 0).then(zero - (zero - grains_ + half) // cent).otherwise((grains_ + half) // cent)  # no neg for i128


def _dates(ordinals: pl.Series) -> pl.Series:
    """Proleptic ordinals (``date.toordinal``) as ``pl.Date``."""
    return (ordinals - _ORDINAL_1970).cast(pl.Date)


def _sold_at(c: DisposalColumns, rows: pl.Series) -> dict[str, pl.Series]:
    """The file and line of each disposal's row."""
    file, line = _file_line(c.sources, rows)
    return {"sold_file": file, "sold_line": line}


def _file_line(sources: Sources, rows: pl.Series) -> tuple[pl.Series, pl.Series]:
    """The file and line of input rows by position, gathered from the ledger frame when the run read one."""
    if isinstance(sources, FrameSources):
        where = sources.frame[rows]
        return where["file"], where["line"].cast(pl.Int64)
    return _ref_columns([sources[r] for r in rows.to_list()])


def _ref_columns(refs: list[SourceRef]) -> tuple[pl.Series, pl.Series]:
    return pl.Series([r.file for r in refs], dtype=pl.String), pl.Series([r.line for r in refs], dtype=pl.Int64)


def grains_text(values: pl.Series) -> pl.Series:
    """Non-negative Int128 grains as plain text without trailing zeros (``grains.plain``, whole columns)."""
    e = pl.lit(grains.SCALE, pl.Int128)
    parts = values.to_frame("g").select(
        whole=(pl.col("g") // e).cast(pl.String),
        frac=((pl.col("g") % e) + e).cast(pl.String).str.slice(1).str.strip_chars_end("0"),
    )
    text = pl.when(pl.col("frac") == "").then(pl.col("whole")).otherwise(pl.concat_str("whole", pl.lit("."), "frac"))
    return parts.select(text.alias("quantity")).to_series()


def _with_acquisition_source(frame: pl.DataFrame, ledger: pl.DataFrame | None) -> pl.DataFrame:
    if ledger is None:
        return frame.with_columns(acquired_file=pl.lit(None, pl.String), acquired_line=pl.lit(None, pl.Int64))
    where = ledger.select(lot_id="id", acquired_file="file", acquired_line="line").unique("lot_id", keep="first")
    return frame.join(where, on="lot_id", how="left", maintain_order="left")


def open_lots_of(result: MatchResult) -> pl.DataFrame:
    """:func:`open_lots` of a run, from the engine's columns when it has them (no ``Lot`` per row)."""
    c = result.lot_columns
    if c is None or not len(c) or min(c.quantity) < 0:  # grains_text writes non-negative quantities
        return open_lots(result.open_lots)
    if all(isinstance(origin, int) for origin in c.origin):
        file, line = _file_line(c.sources, pl.Series(c.origin, dtype=pl.UInt32))
    else:  # opening lots name their own sources
        file, line = _ref_columns([c.source(k) for k in range(len(c))])
    frame = pl.DataFrame(
        {
            "lot_id": pl.Series(c.id, dtype=pl.String),
            "asset": pl.Series(c.asset, dtype=pl.String),
            "wallet": pl.Series(c.wallet, dtype=pl.String),
            "quantity": grains_text(pl.Series(c.quantity, dtype=pl.Int128)),
            "date_acquired": _dates(pl.Series(c.day, dtype=pl.Int32)),
            "cost_basis": pl.Series(c.basis, dtype=pl.Int128),
            "file": file,
            "line": line,
        }
    )
    return frame.with_columns(_cents(pl.col("cost_basis")).cast(pl.Int64).alias("cost_basis"))


def open_lots(lots: Iterable[Lot]) -> pl.DataFrame:
    """The lots still held: lot_id, asset, wallet, quantity, date_acquired, cost_basis (cents), file, line."""
    rows = []
    with decimal_context():
        for lot in lots:
            rows.append(
                (
                    lot.id,
                    lot.asset,
                    lot.wallet,
                    plain(lot.quantity),
                    lot.acquired_date,
                    round_cents(lot.basis),
                    lot.source.file,
                    lot.source.line,
                )
            )
    schema = {
        "lot_id": pl.String,
        "asset": pl.String,
        "wallet": pl.String,
        "quantity": pl.String,
        "date_acquired": pl.Date,
        "cost_basis": pl.Int64,
        "file": pl.String,
        "line": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


def income_of(result: MatchResult, year: int | None) -> pl.DataFrame:
    """:func:`income` of a run, from the engine's columns when it has them (no ``Income`` per row)."""
    c = result.income_columns
    if c is None or not len(c) or min(c.quantity) < 0:  # grains_text writes non-negative quantities
        return income(result.income, year)
    days = pl.Series(c.day, dtype=pl.Int32)
    if year is None:
        picked = pl.int_range(len(days), eager=True, dtype=pl.UInt32)
    else:
        picked = days.is_between(date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal()).arg_true()
    file, line = _file_line(c.sources, pl.Series(c.row, dtype=pl.UInt32).gather(picked))
    frame = pl.DataFrame(
        {
            "id": pl.Series(c.id, dtype=pl.String).gather(picked),
            "date": _dates(days.gather(picked)),
            "wallet": pl.Series(c.wallet, dtype=pl.String).gather(picked),
            "asset": pl.Series(c.asset, dtype=pl.String).gather(picked),
            "quantity": grains_text(pl.Series(c.quantity, dtype=pl.Int128).gather(picked)),
            "usd_value": pl.Series(c.usd_value, dtype=pl.Int128).gather(picked),
            "note": pl.Series(c.note, dtype=pl.String).gather(picked),
            "price_source": pl.Series(c.price_source, dtype=pl.String).gather(picked),
            "file": file,
            "line": line,
        }
    )
    return frame.with_columns(_cents(pl.col("usd_value")).cast(pl.Int64).alias("usd_value"))


def income(items: Iterable[Income], year: int | None) -> pl.DataFrame:
    """Income received in ``year``: id, date, wallet, asset, quantity, usd_value (cents), note, price_source, file, line."""
    rows = []
    with decimal_context():
        for i in items:
            if year is None or i.received_date.year == year:
                value = round_cents(i.usd_value)
                rows.append(
                    (
                        i.id,
                        i.received_date,
                        i.wallet,
                        i.asset,
                        plain(i.quantity),
                        value,
                        i.note,
                        i.price_source,
                        i.source.file,
                        i.source.line,
                    )
                )
    schema = {
        "id": pl.String,
        "date": pl.Date,
        "wallet": pl.String,
        "asset": pl.String,
        "quantity": pl.String,
        "usd_value": pl.Int64,
        "note": pl.String,
        "price_source": pl.String,
        "file": pl.String,
        "line": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema, orient="row")


TRANSFER_SCHEMA: dict[str, pl.DataType] = {
    "id": pl.String(),
    "date": pl.Date(),
    "from_wallet": pl.String(),
    "to_wallet": pl.String(),
    "asset": pl.String(),
    "sent_qty": pl.String(),
    "received_qty": pl.String(),
    "fee_asset": pl.String(),
    "fee_qty": pl.String(),
    "note": pl.String(),
    "file": pl.String(),
    "line": pl.Int64(),
}


def transfers_schema_frame() -> pl.DataFrame:
    """An empty transfers frame (for results that come without a ledger)."""
    return pl.DataFrame(schema=TRANSFER_SCHEMA)


def transfers(ledger: pl.DataFrame, year: int | None, zone: str = "UTC") -> pl.DataFrame:
    """The ledger's transfer rows dated in ``year`` (in ``zone``'s calendar), as text, with file and line."""
    frame = ledger.filter(pl.col("type") == "transfer").with_columns(date=pl.col("timestamp").dt.convert_time_zone(zone).dt.date())
    if year is not None:
        frame = frame.filter(pl.col("date").dt.year() == year)
    return frame.select(
        "id",
        "date",
        pl.col("wallet").alias("from_wallet"),
        pl.col("to_wallet"),
        pl.col("sent_asset").alias("asset"),
        "sent_qty",
        "received_qty",
        "fee_asset",
        "fee_qty",
        "note",
        "file",
        "line",
    )


def problems(diagnostics: Iterable[Diagnostic]) -> pl.DataFrame:
    """Every diagnostic of the run: severity, code, file, line, message, hint."""
    rows = [
        (str(d.severity), str(d.code), d.source.file if d.source else "", d.source.line if d.source else None, d.message, d.hint)
        for d in diagnostics
    ]
    schema = {"severity": pl.String, "code": pl.String, "file": pl.String, "line": pl.Int64, "message": pl.String, "hint": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row")


def year_end(year: int) -> date:
    return date(year, 12, 31)


@dataclass(frozen=True, slots=True, kw_only=True)
class Frames:
    """Everything a report reads about one tax year, as frames (see the module docstring for the columns)."""

    year: int
    slices: pl.DataFrame
    open_lots: pl.DataFrame
    income: pl.DataFrame
    transfers: pl.DataFrame
    problems: pl.DataFrame


def from_run(result: MatchResult, ledger: pl.DataFrame, diagnostics: Iterable[Diagnostic], year: int, zone: str = "UTC") -> Frames:
    """The frames of tax year ``year`` from one run (matched up to the year's end, so open lots are year-end lots).

    Args:
        result: the engine's result.
        ledger: the run's ledger frame (for acquisition file and line, and the transfers).
        diagnostics: the run's problems.
        year: the tax year.
        zone: the IANA zone of the tax dates.
    """
    return Frames(
        year=year,
        slices=slices(result.columns, year, ledger),
        open_lots=open_lots_of(result),
        income=income_of(result, year),
        transfers=transfers(ledger, year, zone),
        problems=problems(diagnostics),
    )
