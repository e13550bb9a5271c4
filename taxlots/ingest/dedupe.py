"""Step 5, dedupe: content ids for rows without one, then each id kept once across files."""

from __future__ import annotations

from hashlib import blake2b

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.model.diagnostics import Code, Diagnostic, Severity
from taxlots.model.ledger import LEDGER_COLUMNS
from taxlots.model.source import SourceRef

_CONTENT = [c for c in LEDGER_COLUMNS if c != "id"]


def content_ids(rows: pl.DataFrame) -> pl.Series:
    """Stable ids for rows whose export gives none: ``row-<hash of the content>-<k>``.

    The hash (BLAKE2b, 64 bits, hex) covers the content columns (every generic column but ``id``, the
    timestamp as the ledger writes it), never the file or line, so the same row read again through any route
    (the export itself, an overlapping export, a ledger taxlots wrote) gets the same id. ``k`` counts identical
    content within one file (in line order), so two identical fills in one export stay two rows, and across
    overlapping exports the most copies any one file has are kept.
    """
    stamp = pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%S%.fZ")
    parts = [(stamp if c == "timestamp" else pl.col(c)).fill_null("\x00") for c in _CONTENT]
    keyed = rows.select(_key=pl.concat_str(parts, separator="\x1f"), order="order", line="line").with_row_index("_i")
    # k is 1 for content seen once in its file (nearly every row); only repeated content needs the window
    repeated = keyed.filter(pl.struct("_key", "order").is_duplicated())
    ks = repeated.select("_i", _k=pl.int_range(pl.len()).over("_key", "order", order_by="line") + 1)
    k = keyed.select("_i").join(ks, on="_i", how="left", maintain_order="left")["_k"].fill_null(1)
    digests = pl.Series("_h", [blake2b(key.encode(), digest_size=8).hexdigest() for key in keyed["_key"].to_list()], pl.String)
    return pl.DataFrame([digests, k]).select(id=pl.format("row-{}-{}", "_h", "_k"))["id"]


def _dedupe(good: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame, list[Diagnostic]]:
    """Drop the rows that overlapping exports repeat. Returns ``(kept, dropped, conflicts)``.

    Rows without an exchange id first get their :func:`content_ids`. Then each id is kept once: the highest
    priority wins, then the earliest file and line. Rows sharing an id are compared on their content columns
    themselves (not a hash): two different rows under one id at the same priority are an error; a lower
    priority row that moves other amounts than the one kept is dropped with a warning (see :func:`_overruled`).
    """
    good = good.with_row_index("_r")
    missing = good["id"].is_null()
    if missing.any():  # ids computed for those rows only and put in place: the frame is not copied
        ids = content_ids(good.filter(missing))
        good = good.with_columns(good["id"].scatter(missing.arg_true(), ids))
    # Only ids seen more than once need a choice; the highest priority wins, then the earliest file and line.
    if not good["id"].is_duplicated().any():  # nearly always: nothing to drop
        return good.drop("_r"), good.clear().select("order"), []
    repeated = good.filter(pl.col("id").is_duplicated()).sort("priority", "order", "line", "_r", descending=[True, False, False, False])
    chosen = repeated.unique("id", keep="first", maintain_order=True)
    kept_as = chosen.select("id", _p=pl.col("priority"), _f=pl.col("file"), _l=pl.col("line"), **{f"_{c}": pl.col(c) for c in _CONTENT})
    differs = pl.any_horizontal([~pl.col(c).eq_missing(pl.col(f"_{c}")) for c in _CONTENT])
    joined = repeated.join(kept_as, on="id")
    conflicts = joined.filter(differs & (pl.col("priority") == pl.col("_p")))
    diags = [
        Diagnostic(
            code=Code.DUPLICATE_ID,
            message=f"id '{r['id']}' is also used at {r['_f']}:{r['_l']} for a different row",
            source=SourceRef(r["file"], r["line"]),
            hint="ids must be unique; give one of the rows another id",
        )
        for r in conflicts.select("id", "file", "line", "_f", "_l").iter_rows(named=True)
    ]
    diags += _overruled(joined.filter(_materially_differs() & (pl.col("priority") < pl.col("_p"))))
    dropped = repeated.join(chosen.select("_r"), on="_r", how="anti")
    kept = good.join(dropped.select("_r"), on="_r", how="anti").drop("_r")
    return kept, dropped.select("order"), diags


#: What a row moves: exports of one event may differ in everything else (notes, a value or not, trailing zeros).
_MOVES = ("wallet", "type", "sent_asset", "received_asset", "fee_asset", "to_wallet")


_AMOUNTS = ("sent_qty", "received_qty", "fee_qty")


def _materially_differs() -> pl.Expr:
    """A dropped row (joined with the kept row's ``_`` columns) that moves other amounts, assets or wallets.

    Times are compared to the second (some exports drop the fraction), amounts as numbers.
    """
    second = pl.col("timestamp").dt.truncate("1s") != pl.col("_timestamp").dt.truncate("1s")
    moves = [~pl.col(c).eq_missing(pl.col(f"_{c}")) for c in _MOVES]
    amounts = [~ex.as_decimal(pl.col(c)).eq_missing(ex.as_decimal(pl.col(f"_{c}"))) for c in _AMOUNTS]
    return pl.any_horizontal([second, *moves, *amounts])


def _overruled(rows: pl.DataFrame) -> list[Diagnostic]:
    """Warn, per pair of files, of rows dropped for a higher-priority row with the same id that moves other amounts.

    ``rows``: the dropped rows, each with the kept row's ``_f`` (file) and ``_l`` (line). The warning names
    the first dropped row's file:line (its source) and the kept row's, and counts them all.
    """
    if rows.is_empty():
        return []
    pairs = (
        rows.sort("order", "line")
        .group_by("file", "_f", maintain_order=True)
        .agg(n=pl.len(), id=pl.col("id").first(), line=pl.col("line").first(), _l=pl.col("_l").first())
    )
    return [
        Diagnostic(
            code=Code.DUPLICATE_ID,
            severity=Severity.WARNING,
            message=f"dropped {n} row(s) whose id is also used by a different row kept from {kept}"
            f" (the first: id '{rid}', kept at {kept}:{kept_line})",
            source=SourceRef(file, line),
            hint="the export with the higher priority wins; check that its row is the right one",
        )
        for file, kept, n, rid, line, kept_line in pairs.iter_rows()
    ]
