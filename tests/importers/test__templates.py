"""The tax-tool template expressions on their own: labels, strict amounts, sides, fees, currencies, dates.

The importers' tests (test_koinly, test_koinly_simple, test_cointracker, test_coinledger) cover them on
whole files; these pin each rule to one small column.
"""

from __future__ import annotations

from datetime import UTC, datetime

import polars as pl
import pytest

from taxlots.importers import _templates as tpl


def values(expr: pl.Expr, *cells: str | None) -> list[object]:
    """``expr`` evaluated over a column ``x`` holding ``cells``."""
    return pl.DataFrame({"x": list(cells)}, schema={"x": pl.String}).select(expr.alias("out"))["out"].to_list()


X = pl.col("x")


def test_label_key__case_underscores_and_blank() -> None:
    assert values(tpl.label_key(X), " Other_Income ", "STAKING", "  ", None) == ["other income", "staking", None, None]


def test_quantity__strict_and_positive() -> None:
    value, error = tpl.quantity(X, "Sent Amount")
    assert values(value, "0.5", "-1", "1,650.2", "") == ["0.5", "-1", None, None]
    assert values(error, "0.5", "-1", "1,650.2", "") == [
        None,
        "Sent Amount '-1' is negative; amounts are positive here (the column gives the direction)",
        "Sent Amount '1,650.2' is not a number",
        None,
    ]


def test_present__a_lone_zero_is_an_empty_side() -> None:
    assert values(tpl.present(X, pl.lit(None, pl.String)), "0.1", "0", "0.000", "", None) == [True, False, False, False, False]
    assert values(tpl.present(X, pl.lit("BTC")), "0", None) == [True, True]


def test_fee_side__zero_fee_is_no_fee() -> None:
    asset, qty, error = tpl.fee_side(X, pl.lit(" eth "), "Fee Amount")
    assert values(asset, "0.001", "0", None) == ["ETH", None, "ETH"]
    assert values(qty, "0.001", "0", None) == ["0.001", None, None]
    assert values(error, "0.001", "0", "-0.5") == [
        None,
        None,
        "Fee Amount '-0.5' is negative; amounts are positive here (the column gives the direction)",
    ]


SIDES = {"trade": (True, True), "sent": (True, False), "received": (False, True), "none": (False, False)}


@pytest.mark.parametrize(
    ("sides", "label", "kind", "error", "skip"),
    [
        ("trade", None, "trade", None, None),
        ("sent", None, "withdrawal", None, None),
        ("received", None, "deposit", None, None),
        ("received", "Other_Income", "income", None, None),
        ("sent", "cost", "spend", None, None),
        ("trade", "swap", "trade", None, None),
        ("trade", "ignored", None, None, "Koinly label 'ignored' (excluded from calculations by the user)"),
        ("sent", "gift", None, "Koinly label 'gift' is not supported yet", None),
        ("trade", "staking", None, "Koinly label 'staking' needs a row with only a received side", None),
        ("received", "cost", None, "Koinly label 'cost' needs a row with only a sent side", None),
        ("sent", "swap", "withdrawal", "Koinly label 'swap' needs a row with both a sent and a received side", None),
        ("none", None, None, "row has neither a sent nor a received amount", None),
    ],
)
def test_classify__kind_from_sides_refined_by_label(
    sides: str, label: str | None, kind: str | None, error: str | None, skip: str | None
) -> None:
    sent, received = SIDES[sides]
    exprs = tpl.classify(pl.lit(sent), pl.lit(received), X, tpl.KOINLY_LABELS)
    assert [values(e, label)[0] for e in exprs] == [kind, error, skip]


def test_classify__unknown_label_lists_the_known_ones() -> None:
    _, error, _ = tpl.classify(pl.lit(True), pl.lit(False), X, tpl.Labels(what="CoinTracker tag", spend=frozenset({"payment"})))
    assert values(error, "Bribe") == ["unknown CoinTracker tag 'Bribe'; taxlots knows: (blank), payment"]


def test_usd_value__only_in_usd_and_not_for_usd_cash() -> None:
    amount = pl.lit("100")
    assert values(tpl.usd_value(amount, X, pl.lit("BTC"), pl.lit("ETH")), "usd", "EUR", None) == ["100", None, None]
    assert values(tpl.usd_value(amount, X, pl.lit("USD"), pl.lit("BTC")), "USD") == [None]


def test_currency__a_number_is_a_shifted_column() -> None:
    code, error = tpl.currency(X, "Sent Currency")
    assert values(code, " btc ", "650.2") == ["BTC", "650.2"]
    assert values(error, " btc ", "650.2") == [
        None,
        "Sent Currency '650.2' is a number, not a currency (an unquoted 1,650.2 shifts the columns)",
    ]


def test_koinly_currency__internal_ids_are_errors() -> None:
    _, error = tpl.koinly_currency(X, "Currency")
    assert values(error, "ID:1234", "BTC") == ["Currency 'ID:1234' is a Koinly internal id; write the ticker", None]


def test_koinly_time__minutes_utc_and_offsets() -> None:
    ts, error = tpl.koinly_time(X)
    cells = ("2024-02-29 00:00 UTC", "2024-03-01 10:20:30", "2024-03-01T12:00:00+02:00", "01/03/2024 10:00")
    assert values(ts, *cells) == [
        datetime(2024, 2, 29, tzinfo=UTC),
        datetime(2024, 3, 1, 10, 20, 30, tzinfo=UTC),
        datetime(2024, 3, 1, 10, tzinfo=UTC),
        None,
    ]
    assert values(error, *cells)[3] == "Date '01/03/2024 10:00' is not a Koinly date (YYYY-MM-DD HH:MM:SS UTC)"


def test_us_time__month_first_never_day_first() -> None:
    ts, error = tpl.us_time(X, "Date", "MM/DD/YYYY")
    cells = ("04/02/2024 13:05:09", "4/2/2024 13:05", "04/02/2024", "14/04/2024 10:00:00", "04/02/24 10:00:00")
    assert values(ts, *cells) == [
        datetime(2024, 4, 2, 13, 5, 9, tzinfo=UTC),
        datetime(2024, 4, 2, 13, 5, tzinfo=UTC),
        datetime(2024, 4, 2, tzinfo=UTC),
        None,
        None,
    ]
    assert values(error, *cells)[3:] == ["Date '14/04/2024 10:00:00' is not MM/DD/YYYY", "Date '04/02/24 10:00:00' is not MM/DD/YYYY"]
