"""The Kraken ledgers importer's fast paths give exactly what their general versions give.

Each fast path checks at run time that it applies and otherwise takes the general plan: a table lookup by
key instead of a join (unless two cells make the same key), the exact time format before the general one,
pairs told by their neighbours when every refid's legs are side by side (else counted per refid), the
Decimal text without a regex, the 19-decimals check only on columns with a long cell. The files here make
both branches run; with the general versions patched in, every output must stay the same.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from taxlots import ingest
from taxlots.importers import _exprs as ex
from taxlots.importers import kraken_ledgers as kl

_HERE = Path(__file__).parent
_SAMPLES = sorted((_HERE / "samples" / "kraken").glob("ledgers_*.csv")) + [_HERE.parents[1] / "samples" / "kraken_ledgers_2024.csv"]
_HEADER = '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance","amountusd"'
_ROWS = [  # one line each: a leg's txid, refid, time, type, subtype, asset, amount, fee, amountusd
    ("L01", "T1", "2024-01-01 00:00:00", "trade", "tradespot", "ZUSD", "-100.5", "0.2", "-100.5"),  # a pair
    ("L02", "T1", "2024-01-01 00:00:00", "trade", "tradespot", "XXBT", "0.0025", "0", "100.5"),
    ("L03", "T2", "2024-01-01 00:00:01.25", "trade", "tradespot", "ZEUR", "-50", "0", ""),  # a fraction of a second
    ("L04", "T2", " 2024-01-01 00:00:01 ", "trade", "tradespot", "XETH", "0.02", "0.0001", ""),  # white space
    ("L05", "T3", "2024-01-02 10:00:00", "trade", "tradespot", "ZUSD", "-10", "0", "-10"),  # three legs: KFEE
    ("L06", "T3", "2024-01-02 10:00:00", "trade", "tradespot", "SOL", "0.1", "0", "10"),
    ("L07", "T3", "2024-01-02 10:00:00", "trade", "tradespot", "KFEE", "0", "40", ""),
    ("", "D1", "2024-01-03 00:00:00", "deposit", "", "ZUSD", "500", "0", "500"),  # pending copy
    ("L08", "D1", "2024-01-03 00:05:00", "deposit", "", "ZUSD", "500", "1.5", "500"),
    ("L09", "T4", "2024-01-04 00:00:00", "trade", "tradespot", "ZUSD", "oops", "0", ""),  # an unreadable leg
    ("L10", "T4", "2024-01-04 00:00:00", "trade", "tradespot", "XXBT", "0.001", "0", ""),
    ("L11", "T5", "2024-13-01 00:00:00", "trade", "tradespot", "ZUSD", "-1", "0", ""),  # a bad time
    ("L12", "T5", "2024-01-05 00:00:00", "trade", "tradespot", "XETH", "0.0004", "0", ""),
    ("L13", "E1", "2024-01-06 00:00:00", "earn", "reward", "DOT", "0.1234567890123456789", "0", "1"),  # 19 places
    ("L14", "E2", "2024-01-06 00:00:00", "earn", "reward", "DOT", "123456789012.12345678", "0", "1.5"),  # long, 8 places
    ("L15", "W1", "2024-01-07 00:00:00", "withdrawal", "", "XXBT", "-0.5", "-0.0001", "-30000"),
    ("L16", "S1", "2024-01-08 00:00:00", "staking", "", "DOT.S", "-0.2", "0", ""),  # negative income: an error
]


def _write(path: Path, rows: list[tuple[str, ...]]) -> Path:
    line = '"{}","{}","{}","{}","{}","currency","{}","spot / main",{},{},"",{}'
    path.write_text("\n".join([_HEADER, *(line.format(*r) for r in rows)]) + "\n", encoding="utf-8")
    return path


def _side_by_side(tmp_path: Path) -> Path:
    return _write(tmp_path / "side_by_side.csv", _ROWS)


def _interleaved(tmp_path: Path) -> Path:
    """T1's second leg after T2's first, T3's KFEE leg after the deposit: refids are no longer runs.

    T3 keeps two legs side by side: told by its neighbours, it would pass for a pair.
    """
    rows = list(_ROWS)
    rows[1], rows[2] = rows[2], rows[1]
    rows.insert(8, rows.pop(6))
    return _write(tmp_path / "interleaved.csv", rows)


def _colliding(tmp_path: Path) -> Path:
    """A subtype left empty (null) and one holding the null marker of the lookup key: their keys collide."""
    day = "2024-01-09 00:00:00"
    rows = [*_ROWS, ("L17", "E3", day, "earn", None, "DOT", "0.5", "0", "2"), ("L18", "E4", day, "earn", kl._NULL, "DOT", "0.5", "0", "2")]
    path = _write(tmp_path / "colliding.csv", rows)  # type: ignore[arg-type]
    path.write_text(path.read_text(encoding="utf-8").replace('"earn","None"', '"earn",'), encoding="utf-8")
    return path


def _general(monkeypatch: pytest.MonkeyPatch) -> None:
    """Patch in the general version of every fast path."""

    def joined(lf: pl.LazyFrame, table: pl.DataFrame, on: list[str]) -> pl.LazyFrame:
        return lf.join(table.lazy(), on=on, how="left", nulls_equal=True, maintain_order="left")

    monkeypatch.setattr(kl, "_mapped", joined)
    monkeypatch.setattr(kl, "_parsed_time", lambda t: t.str.strip_chars().str.to_datetime(kl._TIME_FORMAT, strict=False, time_zone="UTC"))
    monkeypatch.setattr(kl, "_two_legs", lambda legs: pl.len().over("refid") == 2)
    monkeypatch.setattr(kl, "_decimal_text", ex.plain_decimal)
    monkeypatch.setattr(kl, "_long", lambda lf, texts: dict.fromkeys(texts, True))


def _read(path: Path) -> tuple[pl.DataFrame, list[object]]:
    frame, _, diags = ingest.read_file(str(path), 0, importers=(kl,))
    assert frame is not None
    return frame, diags


def test_every_fast_path_gives_what_its_general_version_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [*_SAMPLES, _side_by_side(tmp_path), _interleaved(tmp_path), _colliding(tmp_path)]
    fast = [_read(p) for p in paths]
    _general(monkeypatch)
    for path, (frame, diags) in zip(paths, fast, strict=True):
        general, general_diags = _read(path)
        assert_frame_equal(frame, general, check_exact=True), path.name
        assert diags == general_diags
    crafted = fast[-3][0]
    errors = crafted.filter(pl.col("error").is_not_null())["line"].to_list()
    assert errors == [11, 13, 15, 18]  # the unreadable leg (its refid's other leg goes too), the bad time, 19 places, negative income
    assert crafted.filter(pl.col("id") == "kraken:T2")["timestamp"].to_list()[0].microsecond == 0  # the earlier leg's time


def test_pairs_are_told_by_their_neighbours_only_when_every_refid_is_one_run() -> None:
    runs = pl.LazyFrame({"refid": ["A", "A", "B", "C", "C", "C"]})
    mixed = pl.LazyFrame({"refid": ["A", "B", "A", "B"]})
    window = pl.len().over("refid") == 2
    assert not kl._two_legs(runs).meta.eq(window)
    assert kl._two_legs(mixed).meta.eq(window)
    pair = pl.col("refid") == pl.col("refid").shift(-1)
    assert runs.select(kl._two_legs(runs) & pair).collect().to_series().to_list() == [True, False, False, False, False, False]


def test_the_lookup_by_key_equals_the_join_and_falls_back_to_it_when_keys_collide() -> None:
    lf = pl.LazyFrame({"t": ["a", None, kl._NULL, "a", ""], "s": ["x", "y", "y", None, None], "n": [1, 2, 3, 4, 5]})
    table = lf.select("t", "s").unique().with_columns(out=pl.format("{}|{}", pl.col("t").fill_null("-"), pl.col("s").fill_null("-")))
    joined = lf.join(table, on=["t", "s"], how="left", nulls_equal=True, maintain_order="left").collect()
    colliding = kl._mapped(lf, table.collect(), ["t", "s"])  # (None, "y") and (NULL, "y") make one key
    assert "JOIN" in colliding.explain()
    assert_frame_equal(colliding.collect(), joined)
    apart = lf.filter(pl.col("n") != 3)
    looked_up = kl._mapped(apart, table.collect().filter(pl.col("t").ne_missing(kl._NULL)), ["t", "s"])
    assert "JOIN" not in looked_up.explain()
    assert_frame_equal(looked_up.collect(), joined.filter(pl.col("n") != 3))


def test_the_exact_time_format_gives_what_the_general_one_gives() -> None:
    cells = ["2024-01-01 00:00:00", " 2024-01-01 00:00:00", "2024-01-01 00:00:00 ", "2024-01-01 00:00:00.5", "2024-1-1 0:0:0"]
    cells += ["2024-01-01T00:00:00", "2024-02-30 00:00:00", "2024-01-01 23:59:60", "2024-01-01", "", None, "2024-12-31 23:59:59.999999999"]
    frame = pl.DataFrame({"time": cells}, schema={"time": pl.String})
    general = pl.col("time").str.strip_chars().str.to_datetime(kl._TIME_FORMAT, strict=False, time_zone="UTC")
    out = frame.select(fast=kl._parsed_time(pl.col("time")), general=general)
    assert out["fast"].to_list() == out["general"].to_list()
    assert out["fast"].null_count() == 5


def test_the_decimal_text_is_what_plain_decimal_writes() -> None:
    values = ["0", "-0.5", "1413.07", "100", "0.000000000000000001", "-12345678901234567890.123456789012345678", "1e5", "10.10"]
    decimals = pl.Series(values).str.to_decimal(scale=18)
    assert decimals.dtype == pl.Decimal(38, 18)
    out = pl.select(fast=kl._decimal_text(pl.lit(decimals)), general=ex.plain_decimal(pl.lit(decimals)))
    assert out["fast"].to_list() == out["general"].to_list()
    assert out["fast"].to_list()[-3:] == ["-12345678901234567890.123456789012345678", "100000", "10.1"]


def test_the_crafted_files_take_both_branches(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The side-by-side file takes the fast paths; the interleaved and colliding files take the general ones."""
    joins: list[bool] = []
    windows: list[bool] = []
    mapped, two_legs = kl._mapped, kl._two_legs

    def spy_mapped(lf: pl.LazyFrame, table: pl.DataFrame, on: list[str]) -> pl.LazyFrame:
        out = mapped(lf, table, on)
        if on == ["type", "subtype"]:
            joins.append("JOIN" in out.explain())
        return out

    def spy_two_legs(legs: pl.LazyFrame) -> pl.Expr:
        out = two_legs(legs)
        windows.append(out.meta.eq(pl.len().over("refid") == 2))
        return out

    monkeypatch.setattr(kl, "_mapped", spy_mapped)
    monkeypatch.setattr(kl, "_two_legs", spy_two_legs)
    for path in (_side_by_side(tmp_path), _interleaved(tmp_path), _colliding(tmp_path)):
        _read(path)
    assert joins == [False, False, True]
    assert windows == [False, True, False]
