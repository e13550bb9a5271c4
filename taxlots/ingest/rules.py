"""Step 4, ledger rules: every rule a unified row must meet, and the rows an authoritative export covers."""

from __future__ import annotations

from datetime import UTC, datetime
from types import ModuleType

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.model.ledger import Kind
from taxlots.query import ENGINE

#: Timestamps outside [EARLIEST, LATEST) are errors (an Excel zero date, a year 9999 placeholder); later than
#: now is a warning.
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)


LATEST = datetime(2100, 1, 1, tzinfo=UTC)


_KINDS = ", ".join(k.value for k in Kind)


def _a(kind: Kind) -> str:
    return f"{'an' if kind.value[0] in 'aeiou' else 'a'} {kind.value}"


def _need(kind: Kind, *cols: str) -> list[tuple[pl.Expr, pl.Expr]]:
    is_kind = pl.col("type") == kind.value
    return [(is_kind & pl.col(c).is_null(), pl.lit(f"{_a(kind)} row needs {c}")) for c in cols]


def _forbid(kind: Kind, *cols: str) -> list[tuple[pl.Expr, pl.Expr]]:
    is_kind = pl.col("type") == kind.value
    return [(is_kind & pl.col(c).is_not_null(), pl.lit(f"{_a(kind)} row has no {c}; leave it blank")) for c in cols]


def _rules() -> list[tuple[pl.Expr, pl.Expr]]:
    """Every rule a unified row must meet, whatever importer produced it: ``(broken, message)`` pairs."""
    typ = pl.col("type")
    rules: list[tuple[pl.Expr, pl.Expr]] = [
        (pl.col("timestamp").is_null(), pl.lit("timestamp is blank")),
        (pl.col("wallet").is_null(), pl.lit("wallet is blank")),
        (typ.is_null(), pl.lit(f"type is blank; use one of {_KINDS}")),
        (typ.is_not_null() & ~typ.is_in([k.value for k in Kind]), pl.format(f"type '{{}}' is not one of {_KINDS}", typ)),
    ]
    for col in ("sent_qty", "received_qty", "fee_qty", "usd_value"):
        message = f"{col} '{{}}' is negative; write amounts as positive numbers (the type gives the direction)"
        rules.append((ex.is_negative(pl.col(col)), pl.format(message, pl.col(col))))
    # The regexes below run only on the values they can match (the others are null for them, so the rule is
    # false there as before): a zero's text on values that are zero or no decimal at all, since a text
    # :func:`ex.is_zero` takes for zero never reads as another number; 19 decimals on texts of 20 bytes or more.
    for col in ("sent_qty", "received_qty"):
        value, exact = pl.col(col), ex.as_decimal(pl.col(col))
        rules.append((ex.is_zero(pl.when(exact.is_null() | (exact == 0)).then(value)), pl.lit(f"{col} is zero")))
    for col in ("sent_qty", "received_qty", "fee_qty", "usd_value"):
        value, exact = pl.col(col), ex.as_decimal(pl.col(col))
        big = f"{col} '{{}}' is out of range (at most 20 digits before the decimal point)"
        rules.append((value.is_not_null() & exact.is_null(), pl.format(big, value)))
        tiny = f"{col} '{{}}' is below 1e-18, the smallest amount taxlots keeps"
        rules.append(((exact == 0) & ~ex.is_zero(pl.when(exact == 0).then(value)), pl.format(tiny, value)))
        fine = f"{col} '{{}}' has more than 18 decimals; taxlots keeps amounts exactly to 1e-18"
        long = pl.when(value.str.len_bytes() >= 20).then(value)
        rules.append(((exact != 0) & long.str.contains(r"\.\d{18}\d*[1-9]"), pl.format(fine, value)))
    stamp = pl.col("timestamp").dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    rules.append(
        (pl.col("timestamp") < EARLIEST, pl.format(f"timestamp {{}} is before {EARLIEST:%Y-%m-%d}: not a real date of a trade", stamp))
    )
    rules.append((pl.col("timestamp") >= LATEST, pl.format(f"timestamp {{}} is after {LATEST.year - 1}: not a real date", stamp)))
    for side in ("sent", "received", "fee"):
        asset, qty = pl.col(f"{side}_asset"), pl.col(f"{side}_qty")
        rules.append((qty.is_not_null() & asset.is_null(), pl.lit(f"{side}_qty is given but {side}_asset is blank")))
        rules.append((asset.is_not_null() & qty.is_null(), pl.lit(f"{side}_asset is given but {side}_qty is blank")))
    rules += _need(Kind.TRADE, "sent_asset", "received_asset")
    same = (typ == "trade") & (pl.col("sent_asset") == pl.col("received_asset"))
    rules.append((same, pl.lit("a trade's sent_asset and received_asset are the same")))
    rules += _need(Kind.DEPOSIT, "received_asset") + _forbid(Kind.DEPOSIT, "sent_asset")
    rules += _need(Kind.WITHDRAWAL, "sent_asset") + _forbid(Kind.WITHDRAWAL, "received_asset")
    rules += _need(Kind.INCOME, "received_asset") + _forbid(Kind.INCOME, "sent_asset")
    rules += _need(Kind.SPEND, "sent_asset") + _forbid(Kind.SPEND, "received_asset")
    rules += _need(Kind.FEE, "sent_asset") + _forbid(Kind.FEE, "received_asset")
    rules += _need(Kind.TRANSFER, "sent_asset", "to_wallet")
    is_transfer = typ == "transfer"
    rules.append((is_transfer & (pl.col("to_wallet") == pl.col("wallet")), pl.lit("a transfer's to_wallet is its wallet")))
    other_asset = is_transfer & pl.col("received_asset").is_not_null() & (pl.col("received_asset") != pl.col("sent_asset"))
    rules.append((other_asset, pl.lit("a transfer receives the asset it sends")))
    more = is_transfer & (pl.col("received_asset") == pl.col("sent_asset"))
    more = more & (ex.as_decimal(pl.col("received_qty")) > ex.as_decimal(pl.col("sent_qty")))
    rules.append((more, pl.format("a transfer receives more ({}) than it sends ({})", pl.col("received_qty"), pl.col("sent_qty"))))
    rules.append((~is_transfer & pl.col("to_wallet").is_not_null(), pl.lit("only a transfer has a to_wallet")))
    return rules


def _judge(rows: pl.DataFrame) -> pl.DataFrame:
    """Fill ``error`` for clean rows that break a ledger rule. Messages are built only for those rows."""
    rules = _rules()
    broken = pl.col("skip").is_null() & pl.col("error").is_null() & pl.any_horizontal([c.fill_null(False) for c, _ in rules])
    rows = rows.lazy().with_columns(_broken=broken).collect(engine=ENGINE)  # lazily: the repeated casts of a column are computed once
    suspect = rows.filter(pl.col("_broken"))
    if suspect.is_empty():
        return rows.drop("_broken")
    messages = ex.join_errors(*[pl.when(c.fill_null(False)).then(m) for c, m in rules])
    return pl.concat([rows.filter(~pl.col("_broken")), suspect.with_columns(error=messages)]).drop("_broken")


def _covered(rows: pl.DataFrame, importers: tuple[ModuleType, ...]) -> pl.DataFrame:
    """Skip rows that an authoritative export records under other ids (see ``AUTHORITATIVE`` in ``base``).

    For each ``event_class``, the span from the first to the last authoritative row is taken as covered
    (from the start of the first row's second: other exports may drop the fraction): other exports' rows of
    that class inside it are counted skips naming the file that covers them. An export whose times are
    coarser (``AUTHORITATIVE_PRECISION``, e.g. ``"1m"``) covers the whole first and last such unit.
    """
    authority = {imp.NAME: tuple(getattr(imp, "AUTHORITATIVE", ())) for imp in importers}
    coarse = {imp.NAME: imp.AUTHORITATIVE_PRECISION for imp in importers if hasattr(imp, "AUTHORITATIVE_PRECISION")}
    classes = {c for names in authority.values() for c in names}
    if not classes:
        return rows
    prefix = pl.col("event_class").str.split(":").list.first()
    clean = pl.col("error").is_null() & pl.col("skip").is_null() & prefix.is_in(list(classes))
    is_authority = pl.lit(False)
    for name, owned in authority.items():
        if owned:
            is_authority = is_authority | ((pl.col("importer") == name) & prefix.is_in(list(owned)))
    rows = rows.with_columns(_auth=clean & is_authority, _other=clean & ~is_authority)
    start, end = pl.col("timestamp").dt.truncate("1s"), pl.col("timestamp")
    for name, unit in coarse.items():
        own = pl.col("importer") == name
        unit_start = pl.col("timestamp").dt.truncate(unit)
        start = pl.when(own).then(unit_start).otherwise(start)
        end = pl.when(own).then(unit_start.dt.offset_by(unit) - pl.duration(microseconds=1)).otherwise(end)
    spans = (
        rows.filter(pl.col("_auth"))
        .with_columns(_start=start, _end=end)
        .group_by("event_class")
        .agg(_from=pl.col("_start").min(), _to=pl.col("_end").max(), _by=pl.col("file").sort().first())
    )
    if spans.is_empty():
        return rows.drop("_auth", "_other")
    rows = rows.join(spans, on="event_class", how="left", maintain_order="left")
    inside = pl.col("_other") & pl.col("timestamp").is_between(pl.col("_from"), pl.col("_to"))
    reason = pl.format("covered by {} (the authoritative export of these trades)", pl.col("_by"))
    return rows.with_columns(skip=pl.when(inside).then(reason).otherwise(pl.col("skip"))).drop("_auth", "_other", "_from", "_to", "_by")
