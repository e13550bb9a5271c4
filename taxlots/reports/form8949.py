"""Form 8949: the box of each row, its columns (a)-(h), rounding, pages and the summary route.

**Boxes.** From tax year 2025 a digital-asset sale goes in box G/H/I (Part I, short-term) or J/K/L (Part II,
long-term): I/L for a wallet that sent no 1099-DA (the default: a tool that has not seen the user's 1099-DA
cannot claim one), G/J for a wallet the user marks ``basis-reported`` and H/K for ``proceeds-only``. Before
2025 the same three choices are C/F, A/D and B/E.

**Rounding.** In cents mode every amount is the gains row's cents. In whole-dollar mode (d), (e) and (g)
are rounded on each row (drop 1-49 cents, raise 50-99 cents; on the magnitude for a negative amount) and
(h) = (d) - (e) + (g) on the rounded values, so every column and every total foots: a total is always the
sum of the rows it covers. All money is integer cents (whole-dollar amounts are multiples of 100).

**Pages.** 11 rows per part per page from 2025, 14 before. A box that would need more than ``max_pages``
pages (or every box, with ``statement_all``) takes the form's summary route: one row per wallet with
"<wallet> see attached statement", code M (EM when a row has code E) and the totals, and every row listed
on the attached statement. A sale whose fee exceeds what it brought has (d) = 0 and the excess in (g), code E.
With ``exception1``, the basis-reported boxes (A/G, D/J) go straight to Schedule D lines 1a/8a instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

import polars as pl

from taxlots.reports.money import cents_text, dollars_half_up, dollars_text, us_date


class Box(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"
    F = "F"
    G = "G"
    H = "H"
    I = "I"  # noqa: E741 - the form's own letter
    J = "J"
    K = "K"
    L = "L"


class Broker(StrEnum):
    """What a wallet's broker reported: nothing (no 1099), basis and proceeds, or proceeds only."""

    NONE = "none"
    BASIS_REPORTED = "basis-reported"
    PROCEEDS_ONLY = "proceeds-only"


class Rounding(StrEnum):
    CENTS = "cents"
    DOLLARS = "dollars"


FIRST_DIGITAL_ASSET_YEAR = 2025
#: (short, long) box per broker kind, from 2025 and before 2025.
_BOXES = {
    True: {Broker.NONE: (Box.I, Box.L), Broker.BASIS_REPORTED: (Box.G, Box.J), Broker.PROCEEDS_ONLY: (Box.H, Box.K)},
    False: {Broker.NONE: (Box.C, Box.F), Broker.BASIS_REPORTED: (Box.A, Box.D), Broker.PROCEEDS_ONLY: (Box.B, Box.E)},
}
#: The boxes in the order their checkboxes appear on the form (top to bottom), per part.
CHECKBOX_ORDER = {1: (Box.A, Box.B, Box.C, Box.G, Box.H, Box.I), 2: (Box.D, Box.E, Box.F, Box.J, Box.K, Box.L)}
BOX_ORDER = CHECKBOX_ORDER[1] + CHECKBOX_ORDER[2]
PART = {box: part for part, boxes in CHECKBOX_ORDER.items() for box in boxes}
SCHEDULE_D_LINE = {
    Box.A: "1b",
    Box.G: "1b",
    Box.B: "2",
    Box.H: "2",
    Box.C: "3",
    Box.I: "3",
    Box.D: "8b",
    Box.J: "8b",
    Box.E: "9",
    Box.K: "9",
    Box.F: "10",
    Box.L: "10",
}
BASIS_REPORTED = frozenset({Box.A, Box.D, Box.G, Box.J})
MONEY = ("d", "e", "g", "h")


def box_for(year: int, long_term: bool, broker: Broker = Broker.NONE) -> Box:
    """The checkbox for a sale in ``year`` of the given term at a wallet whose broker reported ``broker``."""
    return _BOXES[year >= FIRST_DIGITAL_ASSET_YEAR][broker][long_term]


def rows_per_page(year: int) -> int:
    """Rows per part per page: 11 on the 2025 revision, 14 on 2024 and earlier."""
    return 11 if year >= FIRST_DIGITAL_ASSET_YEAR else 14


@dataclass(frozen=True, slots=True, kw_only=True)
class Options:
    year: int
    brokers: Mapping[str, Broker] = field(default_factory=dict)
    rounding: Rounding = Rounding.CENTS
    max_pages: int = 20  # per box; beyond it the box takes the summary route
    statement_all: bool = False  # every box by the summary route
    exception1: bool = False  # basis-reported boxes straight to Schedule D 1a/8a


@dataclass(frozen=True, slots=True, kw_only=True)
class Form8949:
    """Every row (``detail``), the rows printed on the form pages (``form``), and which route each box took.

    Both frames have ``box, part, a, b, c, d, e, f, g, h`` (money in integer cents), ``page`` and ``row``
    (1-based, per box); ``detail`` also has ``disposal_id, lot_id, wallet, asset`` and ``slice`` (the row's
    index in the slices frame it was built from).
    """

    options: Options
    detail: pl.DataFrame
    form: pl.DataFrame
    statement_boxes: tuple[Box, ...]
    exception1_boxes: tuple[Box, ...]

    def totals(self, frame: pl.DataFrame | None = None) -> dict[Box, tuple[int, int, int, int]]:
        """(d, e, g, h) per box, in box order, of ``frame`` (default: every row)."""
        return box_totals(self.detail if frame is None else frame)


def box_totals(frame: pl.DataFrame) -> dict[Box, tuple[int, int, int, int]]:
    sums = frame.group_by("box").agg(pl.col(c).sum() for c in MONEY).rows_by_key("box", unique=True)
    return {box: tuple(int(v) for v in sums[box]) for box in BOX_ORDER if box in sums}  # type: ignore[misc]


def _round(frame: pl.DataFrame, rounding: Rounding) -> pl.DataFrame:
    """(d), (e), (g) rounded per row in dollar mode; (h) = (d) - (e) + (g) in both modes.

    Net proceeds below zero (a fee larger than what the sale brought) are not written as a negative (d): (d)
    is 0 and the excess cost is an adjustment in (g) with code E (a selling expense not reflected in (d)).
    """
    proceeds = pl.col("proceeds")
    money = frame.with_columns(
        d=pl.max_horizontal(proceeds, pl.lit(0, pl.Int64)),
        e=pl.col("cost_basis"),
        g=pl.min_horizontal(proceeds, pl.lit(0, pl.Int64)),
        f=pl.when(proceeds < 0).then(pl.lit("E")).otherwise(pl.lit("")),
    )
    if rounding is Rounding.DOLLARS:
        money = money.with_columns(dollars_half_up(pl.col(c)).alias(c) for c in ("d", "e", "g"))
    return money.with_columns(h=pl.col("d") - pl.col("e") + pl.col("g"))


def detail_rows(slices: pl.DataFrame, options: Options) -> pl.DataFrame:
    """One form row per lot slice (a frame from ``frames.slices``), in box order then disposal order."""
    brokers = pl.DataFrame(
        {"wallet": list(options.brokers), "_broker": [str(b) for b in options.brokers.values()]},
        schema={"wallet": pl.String, "_broker": pl.String},
    )
    digital = options.year >= FIRST_DIGITAL_ASSET_YEAR
    pick = {str(b): boxes for b, boxes in _BOXES[digital].items()}
    box = pl.lit(None, pl.String)
    for broker, (short, long) in pick.items():
        box = (
            pl.when(pl.col("_broker") == broker)
            .then(pl.when(pl.col("long_term")).then(pl.lit(long)).otherwise(pl.lit(short)))
            .otherwise(box)
        )
    order = {str(b): i for i, b in enumerate(BOX_ORDER)}
    rows = (
        slices.with_row_index("_n")
        .join(brokers, on="wallet", how="left", maintain_order="left")
        .with_columns(pl.col("_broker").fill_null(str(Broker.NONE)))
        .with_columns(box=box)
        .with_columns(
            part=pl.when(pl.col("long_term")).then(2).otherwise(1), _order=pl.col("box").replace_strict(order, return_dtype=pl.Int64)
        )
        .pipe(_round, options.rounding)
        .with_columns(
            a=pl.format("{} {}", "quantity", "asset"),
            b=pl.col("date_acquired").map_batches(us_date, return_dtype=pl.String).fill_null(""),
            c=pl.col("date_sold").map_batches(us_date, return_dtype=pl.String),
        )
        .sort("_order", "_n")
        .rename({"_n": "slice"})
    )
    return rows.pipe(_paginate, rows_per_page(options.year)).select(
        "box", "part", "page", "row", "a", "b", "c", "d", "e", "f", "g", "h", "disposal_id", "lot_id", "wallet", "asset", "slice"
    )


def _paginate(frame: pl.DataFrame, per_page: int) -> pl.DataFrame:
    index = pl.int_range(pl.len()).over("box")
    return frame.with_columns(page=(index // per_page + 1).cast(pl.Int64), row=(index % per_page + 1).cast(pl.Int64))


def summary_rows(detail: pl.DataFrame, boxes: tuple[Box, ...], per_page: int) -> pl.DataFrame:
    """One row per (box, wallet) with the totals, "<wallet> see attached statement" and code M."""
    chosen = detail.filter(pl.col("box").is_in([str(b) for b in boxes]))
    grouped = (
        chosen.group_by("box", "part", "wallet", maintain_order=True)
        .agg(*(pl.col(c).sum() for c in MONEY), _e=pl.col("f").str.contains("E").any())
        .with_columns(
            a=pl.format("{} see attached statement", "wallet"),
            b=pl.lit(""),
            c=pl.lit(""),
            f=pl.when(pl.col("_e")).then(pl.lit("EM")).otherwise(pl.lit("M")),  # codes in alphabetical order
        )
    )
    return grouped.pipe(_paginate, per_page).select("box", "part", "page", "row", "a", "b", "c", "d", "e", "f", "g", "h")


def build(slices: pl.DataFrame, options: Options) -> Form8949:
    """Form 8949 for the slices of one tax year: every row, the route each box takes and the printed rows.

    Args:
        slices: ``frames.slices`` for the year.
        options: the year, the wallets' broker kinds, rounding and the summary-route thresholds.
    """
    per_page = rows_per_page(options.year)
    detail = detail_rows(slices, options)
    counts = dict(detail.group_by("box").len().iter_rows())
    present = [b for b in BOX_ORDER if b in counts]
    exception1 = tuple(b for b in present if options.exception1 and b in BASIS_REPORTED)
    statement = tuple(
        b for b in present if b not in exception1 and (options.statement_all or -(-counts[b] // per_page) > options.max_pages)
    )
    on_pages = detail.filter(~pl.col("box").is_in([str(b) for b in (*statement, *exception1)]))
    form = pl.concat([on_pages.select(summary_rows(detail.head(0), (), per_page).columns), summary_rows(detail, statement, per_page)])
    order = {str(b): i for i, b in enumerate(BOX_ORDER)}
    form = form.sort(pl.col("box").replace_strict(order, return_dtype=pl.Int64), "page", "row")
    return Form8949(options=options, detail=detail, form=form, statement_boxes=statement, exception1_boxes=exception1)


CSV_HEADER = (
    "box",
    "part",
    "page",
    "row",
    "description",
    "date_acquired",
    "date_sold",
    "proceeds",
    "cost_basis",
    "code",
    "adjustment",
    "gain",
    "disposal_id",
    "lot_id",
    "wallet",
    "asset",
)


def csv_rows(form: Form8949) -> pl.DataFrame:
    """``form8949.csv``: every row, money as signed decimal text in the chosen rounding (``-12.34`` / ``-12``)."""
    fmt = money_text(form.options.rounding)
    d = form.detail
    return d.select(
        "box",
        pl.format("{}", pl.when(pl.col("part") == 1).then(pl.lit("I")).otherwise(pl.lit("II"))).alias("part"),
        pl.col("page").cast(pl.String),
        pl.col("row").cast(pl.String),
        pl.col("a").alias("description"),
        pl.col("b").alias("date_acquired"),
        pl.col("c").alias("date_sold"),
        fmt(pl.col("d")).alias("proceeds"),
        fmt(pl.col("e")).alias("cost_basis"),
        pl.col("f").alias("code"),
        fmt(pl.col("g")).alias("adjustment"),
        fmt(pl.col("h")).alias("gain"),
        "disposal_id",
        "lot_id",
        "wallet",
        "asset",
    )


def money_text(rounding: Rounding) -> Callable[[pl.Expr], pl.Expr]:
    """The polars formatter of integer cents for ``rounding``."""
    return dollars_text if rounding is Rounding.DOLLARS else cents_text
