"""Fast paths in ingest give exactly what their general fallback gives, on inputs that exercise both."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from taxlots import ingest
from taxlots.importers import IMPORTERS
from taxlots.ingest.lines import _line_checks
from taxlots.ingest.sniff import sniff

_KRAKEN = '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance","amountusd"'


def _general_field_counts(path: Path, header_line: int) -> list[int]:
    """Fields per line as the general rule counts them: separators left after removing quoted segments."""
    lines = path.read_text().splitlines()[header_line:]
    counts = pl.Series(lines).str.replace_all(r'"[^"]*"', "").str.count_matches(",", literal=True) + 1
    return counts.to_list()


def test_literal_field_counts_agree_with_the_regex_on_quoted_unquoted_and_mixed_lines(tmp_path: Path) -> None:
    rows = [
        '"L1","T1","2024-01-01 00:00:00","trade","tradespot","currency","ZUSD","spot / main","-1.5","0.1","","-1.5"',
        "L2,T2,2024-01-01 00:00:01,trade,tradespot,currency,XETH,spot / main,0.5,0,,1.5",
        '"L3","T3","2024-01-01 00:00:02","trade","a,b","currency","XETH","spot / main","0.5","0","","1.5"',  # a comma inside quotes
        '"L4","T4","2024-01-01 00:00:03","trade","","currency","XETH","spot / main","0.5","0",""',  # a field short
        'L5,"T5","2024-01-01 00:00:04",trade,,currency,XETH,spot / main,0.5,0,,1.5',  # some fields quoted
        '"L6","T6","2024-01-01 ""x""","trade","","currency","XETH","spot / main","0.5","0","","1.5"',  # an escaped quote
        '"L7","T7","2024-01-01 00:00:06","trade","","currency","XETH","spot / main","0.5","0","","1.5","extra"',
        '"L8",",","2024-01-01 00:00:07","trade","","currency","XETH","spot / main","0.5","0","","1.5"',  # a lone comma quoted
    ]
    path = tmp_path / "ledgers.csv"
    path.write_text("\n".join([_KRAKEN, *rows]) + "\n")
    sn, _ = sniff(str(path), IMPORTERS, name=str(path))
    assert sn is not None
    checks, unterminated = _line_checks(str(path), sn)
    assert checks is not None and unterminated is None
    errors = checks.collect()["_error"].to_list()
    expected = [None if n == 12 else f"row has {n} fields, the header has 12" for n in _general_field_counts(path, sn.header_line)]
    assert errors == expected
    assert errors.count(None) == 6  # L4 is a field short, L7 one long; L3, L5, L6 and L8 take the regex


_KRAKEN_SAMPLES = sorted(Path(__file__).parent.glob("importers/samples/kraken/ledgers_*.csv")) + [
    Path(__file__).parents[1] / "samples" / "kraken_ledgers_2024.csv"
]


def _kraken_rows(paths: list[Path]) -> pl.DataFrame:
    from taxlots import ingest

    frames = [ingest.read_file(str(p), i)[0] for i, p in enumerate(paths)]
    return pl.concat([f for f in frames if f is not None])


def test_kraken_trades_read_from_adjacent_legs_equal_the_group_by_on_every_sample(monkeypatch: pytest.MonkeyPatch) -> None:
    from taxlots.importers import kraken_ledgers

    fast, pairs = _kraken_rows(_KRAKEN_SAMPLES), kraken_ledgers._pairs

    def no_pairs(legs: pl.LazyFrame) -> tuple[pl.LazyFrame, pl.LazyFrame]:  # every leg through the general group-by
        return pairs(legs)[0].head(0), legs

    monkeypatch.setattr(kraken_ledgers, "_pairs", no_pairs)
    assert_frame_equal(fast, _kraken_rows(_KRAKEN_SAMPLES))
    assert fast.filter(pl.col("type") == "trade").height > 5  # the samples have trades of both shapes


def test_plain_decimal_strips_exactly_what_its_two_regexes_strip() -> None:
    from taxlots.importers import _exprs as ex

    cases = ["1.50", "100", "1.", "1.000", ".500", "0.0", ".0", "-0.00", "10.0", "1.50e10", "abc.00", "1.2x0", "1..", "1.00.00"]
    cases += ["", ".", "0", "00", "1.05", "x.", "1.0 ", " 1.0", "1.0\n", "1.\u06600", None, "-.0", "+1.10", "1e5.00", "..0"]
    s = pl.col("s").cast(pl.String)
    regexes = s.str.replace(r"(\.\d*?)0+$", "${1}").str.replace(r"\.$", "")
    out = pl.DataFrame({"s": cases}, schema={"s": pl.String}).select(a=regexes, b=ex.plain_decimal(pl.col("s")))
    assert out["a"].to_list() == out["b"].to_list()
    decimals = pl.Series(["1751.050000", "610.000", "-0.5", "12"]).str.to_decimal(scale=18)
    assert pl.select(ex.plain_decimal(pl.lit(decimals))).to_series().to_list() == ["1751.05", "610", "-0.5", "12"]


def test_an_okx_file_with_cut_lines_reads_the_rest(tmp_path: Path) -> None:
    """Two cut lines set aside (a fuzz case on which polars' streaming engine panicked): the rest is read."""
    path = tmp_path / "okx_trades_2024.csv"
    path.write_text(
        "".join(
            [
                "id,Order id,Time,Trade Type,Instrument,Type,Amount,Unit,PL,Fee,Position Change,Position Balance,Balance Change,Balance,Unit\n"  # noqa: E501
                "660014,589009,2024-03-15 04:20:00,Spot,ETH-BTC,Sell,-0.04,BTC,0,0,0,0,-0.04,0.0099,BTC\n"
                "660014,589009,2024-03-15 04:20:00,Spot,ETH-BTC,Buy,0.8,ETH,0,-0.0008,0,0,0.7992,1.7977,ETH\n"
                "660012,589008,2024-03-01 23:59:59,Spot,BTC-USDT,Buy,2150,USDT,0,-2.15,0,0,2147.85,3221.65,USDT\n"
                "660012,589008,2024-03-01 23:59:59,Spot,BTC-USDT,Sell,-0.05,BTC,0,0,0,0,-0.05,0.0499,BTC\n"
                "660011,,2024-02-10 12:00:00,Transfer,,Transfer out,-500,USDT,0,0,0,0,-500,1073.8,USDT\n"
                "660006,589004,2024-02-05 16:45:33,Spot,SOL-USDT,Sell,-2000,USDT,0,0,0,0,-2000,1573.8,USDT\n"
                "66000\n"
                "660004,589003,202\n"
                "660004,589003,2024-01-20 08:30:05,Spot,ETH-USDT,Buy,1200,USDT,0,-1.2,0,0,1198.8,3573.8,USDT\n"
                "660004,589003,2024-01-20 08:30:05,Spot,ETH-USDT,Buy,1200,USDT,0,-1.2,0,0,1198.8,3573.8,USDT\n"
                "660003,589002,2024-01-08 14:02:11,Spot,ETH-USDT,Buy,1.5,ETH,0,-0.0015,0,0,1.4985,1.4985,ETH\n"
                "660003,589002,2024-01-08 14:02:11,Spot,ETH-USDT,Sell,-3375,USDT,0,0,0,0,-3375,2375,USDT\n"
                "660002,589001,2024-01-03 10:15:20,Spot,BTC-USDT,Buy,0.1,BTC,0,-0.0001,0,0,0.0999,0.0999,BTC\n"
                "660002,589001,2024-01-03 10:15:20,Spot,BTC-USDT,Sell,-4250,USDT,0,0,0,0,-4250,5750,USDT\n"
                "660001,,2024-01-02 09:00:00,Transfer,,Transfer in,10000,USDT,0,0,0,0,10000,10000,USDT\n"
            ]
        )
    )
    led = ingest.load([str(path)])
    assert led.frame.height == 4
    assert {d.source.line for d in led.diagnostics if d.source is not None} >= {
        9
    }  # the cut line is named (the one-field line 8 is a counted skip)


def test_clean_money_fast_path_equals_its_steps_on_every_kind_of_cell() -> None:
    from taxlots.importers import _exprs as ex

    cells = ["$1,284.20", "-$597.49", "$", "-$", "$0.00", "$1,,2", "$.5", "$1.", " $1.00", "$1.00 ", "($1.72)", "-€597.49", "US$5"]
    cells += ["1,284.20", "$1.2.3", "$-1", "-$1,000,000.00", "kr 5", "$١٢", "", None, "$1e5", "$ 1", "Â$3"]
    frame = pl.DataFrame({"s": cells}, schema={"s": pl.String})
    fast, steps = frame.select(ex.clean_money(pl.col("s")))["s"], frame.select(ex._clean_money(pl.col("s")))["s"]
    assert fast.to_list() == steps.to_list()


def test_is_negative_equals_its_unfiltered_regex() -> None:
    from taxlots.importers import _exprs as ex

    cells = ["0", "-0.00", "0e5", ".", "", "1", "-1", "0.0000000000000000001", "1.0000000000000000001", "1.000000000000000000"]
    cells += ["-0", "+0", "-.0e-3", "1.2345678901234567891", "12345678901234567890", None, "-", "-1e-30", "0.000000000000000000"]
    v = pl.col("s")
    negative = v.str.starts_with("-") & ~v.str.contains(r"^-0*\.?0*([eE][+-]?\d+)?$")
    frame = pl.DataFrame({"s": cells}, schema={"s": pl.String})
    assert frame.select(ex.is_negative(v).fill_null(False))["s"].to_list() == frame.select(negative.fill_null(False))["s"].to_list()
