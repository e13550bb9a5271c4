"""Step 7, conversion: the one bridge from the ledger frame to the engine's ``LedgerRow`` values."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from sys import intern

import polars as pl

from taxlots.model.ledger import LEDGER_COLUMNS, Kind, LedgerRow
from taxlots.model.source import SourceRef

_ROW_COLUMNS = ("seq", *LEDGER_COLUMNS, "file", "line", "importer")  # the order to_rows unpacks


#: Columns the transfer and price steps may add; absent ones are read as blank.
_DECIDED = ("fee_usd", "acquired_at", "gift_fmv", "disposition", "price_source", "fee_source")


def to_rows(frame: pl.DataFrame, batch: int = 65_536) -> Iterator[LedgerRow]:
    """Yield the frame's rows as ``LedgerRow`` values, in ``seq`` order, a batch at a time.

    The only bridge from polars to the engine: each Decimal is built from its string column; repeated
    strings (wallets, assets, files) are interned, so a million rows stay lean.
    """
    kinds = {k.value: k for k in Kind}
    missing = [
        pl.lit(None, pl.Datetime("us", "UTC") if c == "acquired_at" else pl.String).alias(c) for c in _DECIDED if c not in frame.columns
    ]
    columns = frame.with_columns(missing).select(*_ROW_COLUMNS, *_DECIDED)
    for part in columns.iter_slices(batch):
        for (
            seq,
            ts,
            wallet,
            kind,
            sa,
            sq,
            ra,
            rq,
            fa,
            fq,
            usd,
            to,
            rid,
            note,
            file,
            line,
            imp,
            fusd,
            acq,
            gfmv,
            disp,
            psrc,
            fsrc,
        ) in part.iter_rows():
            yield LedgerRow(
                seq=seq,
                timestamp=ts,
                wallet=intern(wallet),
                kind=kinds[kind],
                sent_asset=sa and intern(sa),
                sent_qty=None if sq is None else Decimal(sq),
                received_asset=ra and intern(ra),
                received_qty=None if rq is None else Decimal(rq),
                fee_asset=fa and intern(fa),
                fee_qty=None if fq is None else Decimal(fq),
                usd_value=None if usd is None else Decimal(usd),
                to_wallet=to and intern(to),
                id=rid,
                note=note or "",
                source=SourceRef(intern(file), line, intern(imp)),
                fee_usd=None if fusd is None else Decimal(fusd),
                acquired_at=acq,
                gift_fmv=None if gfmv is None else Decimal(gfmv),
                disposition=disp or "",
                price_source=psrc and intern(psrc) or "",
                fee_source=fsrc and intern(fsrc) or "",
            )
