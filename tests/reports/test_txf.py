"""TXF V042: parsed back record by record; refnums by term and box; cost before proceeds."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from taxlots.reports import txf, yearly
from taxlots.reports.form8949 import Box, Broker, Rounding
from tests.reports._build import year_report
from tests.reports.test_form8949 import FEE_ABOVE_PROCEEDS
from tests.reports.test_schedule_d import BROKERS, SALES


def parse(text: str) -> list[list[str]]:
    """A plain TXF reader: CR LF lines, records end with '^'."""
    assert "\t" not in text and text.isascii()
    lines = text.split("\r\n")
    assert lines[-1] == ""
    records, current = [], []
    for line in lines[:-1]:
        if line == "^":
            records.append(current)
            current = []
        else:
            current.append(line)
    assert current == []
    return records


@pytest.mark.parametrize(
    ("box", "refnum"),
    [
        (Box.A, 321),
        (Box.B, 711),
        (Box.C, 712),
        (Box.D, 323),
        (Box.E, 713),
        (Box.F, 714),
        (Box.G, 321),
        (Box.I, 712),
        (Box.K, 713),
        (Box.L, 714),
    ],
)
def test_refnums(box: Box, refnum: int) -> None:
    assert txf.refnum(box) == refnum


def test_records_carry_cost_before_proceeds() -> None:
    report = year_report(SALES, 2025, brokers=BROKERS)
    out = io.StringIO(newline="")
    txf.write(out, report.form, date(2025, 12, 31))
    records = parse(out.getvalue())
    assert records[0] == ["V042", "Ataxlots " + __import__("taxlots").__version__, "D12/31/2025"]
    # In box order H, I, J, L; N = 711 (H as B), 712 (I as C), 323 (J as D), 714 (L as F).
    assert records[1] == ["TD", "N711", "C1", "L1", "P1 BTC", "D06/01/2024", "D02/01/2025", "$100.00", "$150.25"]
    assert [r[1] for r in records[1:]] == ["N711", "N712", "N323", "N714"]
    assert records[4] == ["TD", "N714", "C1", "L1", "P1 ADA", "D01/01/2023", "D02/01/2025", "$5.00", "$1.00"]


def test_txf_and_csv_carry_the_same_rows(tmp_path: Path) -> None:
    report = year_report(SALES, 2025, brokers=BROKERS)
    yearly.write_txf(report, tmp_path / "t.txf")
    yearly.write_form8949_csv(report, tmp_path / "f.csv")
    from_txf = [(r[4][1:], r[5][1:], r[6][1:], r[7][1:], r[8][1:]) for r in parse((tmp_path / "t.txf").read_bytes().decode("ascii"))[1:]]
    with (tmp_path / "f.csv").open(newline="") as fh:
        from_csv = [(r["description"], r["date_acquired"], r["date_sold"], r["cost_basis"], r["proceeds"]) for r in csv.DictReader(fh)]
    assert len(from_csv) == 4
    assert from_txf == from_csv


def test_warning_only_for_digital_asset_boxes() -> None:
    assert txf.warning(year_report(SALES, 2025, brokers=BROKERS).form) is not None
    text_2024 = SALES.replace("2025-02-01", "2024-12-01").replace("2024-06-01", "2024-01-05")
    assert txf.warning(year_report(text_2024, 2024, brokers={"A": Broker.PROCEEDS_ONLY}).form) is None


def test_non_ascii_descriptions_are_replaced() -> None:
    text = "2024-06-01 W trade 1 USD -> 1 ÉTH id B\n2025-02-01 W trade 1 ÉTH -> 2 USD id S"
    out = io.StringIO(newline="")
    txf.write(out, year_report(text, 2025).form, date(2025, 12, 31))
    assert "P1 ?TH" in parse(out.getvalue())[1]


def test_a_fee_above_the_proceeds_is_added_to_the_cost_so_no_amount_is_negative() -> None:
    form = year_report(FEE_ABOVE_PROCEEDS, 2025).form
    first = list(txf.records(form, date(2025, 12, 31)))[1]
    assert first[-2:] == ["$1.41", "$0.00"]  # cost 0.01 + the 1.40 excess fee, then proceeds 0: cost - proceeds = (h)


def test_whole_dollar_records() -> None:
    report = year_report(SALES, 2025, brokers=BROKERS, rounding=Rounding.DOLLARS)
    out = io.StringIO(newline="")
    txf.write(out, report.form, date(2025, 12, 31))
    records = parse(out.getvalue())
    # The first row of test_records_carry_cost_before_proceeds, in whole dollars: 100.00 -> 100, 150.25 -> 150.
    assert records[1] == ["TD", "N711", "C1", "L1", "P1 BTC", "D06/01/2024", "D02/01/2025", "$100", "$150"]
    assert records == [list(r) for r in txf.records(report.form, date(2025, 12, 31))]
