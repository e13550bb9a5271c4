"""The Binance statement's fast paths give what the general plan gives, and step aside when their premise fails.

The statement pairs a trade's legs without a group-by when its lines stand together (``_runs``, checked on
every file), looks up what an operation means once per distinct operation, and formats error messages only
for rows that have errors (``_has_error``). Each test here fails for a fast path that drifts from the general
one, or that skips its check.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl
import pytest

from taxlots.importers import IMPORTERS, Context
from taxlots.importers import binance_statement as bs
from taxlots.importers.binance_trades import combine_legs
from taxlots.ingest.read import _scan, read_file
from taxlots.ingest.sniff import sniff
from tests.importers._binance import HERE, STATEMENT, errors, load

HEADER = "User_ID,UTC_Time,Account,Operation,Coin,Change,Remark\n"
#: Trades of every shape the run fast path takes or leaves: fee in a third asset, in the received asset (netted
#: as own fee), none; legs in any order; a convert between accounts; two fills of one second; a zero fee; fees
#: in two assets; a trade a second after an incomplete one; dust; an unreadable leg.
TRADES = """\
1,2024-05-01 10:00:00,Spot,Transaction Buy,ETH,0.10000000,
1,2024-05-01 10:00:00,Spot,Transaction Spend,USDT,-300.00000000,
1,2024-05-01 10:00:00,Spot,Transaction Fee,BNB,-0.00010000,
1,2024-05-01 10:00:01,Spot,Transaction Fee,BTC,-0.00000100,
1,2024-05-01 10:00:01,Spot,Transaction Revenue,BTC,0.00100000,
1,2024-05-01 10:00:01,Spot,Transaction Sold,ETH,-0.02000000,
1,2024-05-01 10:00:02,Spot,Transaction Sold,SOL,-1.50000000,
1,2024-05-01 10:00:02,Spot,Transaction Revenue,USDT,210.00000000,
1,2024-05-01 10:00:03,Spot,Binance Convert,EUR,-98.40000000,
1,2024-05-01 10:00:03,Funding,Binance Convert,BTC,0.00120000,
1,2024-05-01 10:00:04,Spot,Transaction Buy,ETH,0.10000000,
1,2024-05-01 10:00:04,Spot,Transaction Spend,USDT,-300.00000000,
1,2024-05-01 10:00:04,Spot,Transaction Buy,ETH,0.20000000,
1,2024-05-01 10:00:04,Spot,Transaction Spend,USDT,-600.00000000,
1,2024-05-01 10:00:05,Spot,Transaction Buy,BTC,0.00100000,
1,2024-05-01 10:00:05,Spot,Transaction Spend,USDT,-60.00000000,
1,2024-05-01 10:00:05,Spot,Transaction Fee,BTC,0.00000000,
1,2024-05-01 10:00:06,Spot,Transaction Buy,BTC,0.00100000,
1,2024-05-01 10:00:06,Spot,Transaction Spend,USDT,-60.00000000,
1,2024-05-01 10:00:06,Spot,Transaction Fee,BNB,-0.00010000,
1,2024-05-01 10:00:06,Spot,Transaction Fee,USDT,-0.06000000,
1,2024-05-01 10:00:08,Spot,Transaction Buy,SOL,1.00000000,
1,2024-05-01 10:00:09,Spot,Transaction Buy,ETH,0.10000000,
1,2024-05-01 10:00:09,Spot,Transaction Spend,USDT,-300.00000000,
1,2024-05-01 10:00:10,Spot,Small Assets Exchange BNB,ADA,-1.20000000,
1,2024-05-01 10:00:10,Spot,Small Assets Exchange BNB,BNB,0.00120000,
1,2024-05-01 10:00:11,Spot,Transaction Buy,ETH,1e-1,
1,2024-05-01 10:00:11,Spot,Transaction Spend,USDT,-300.00000000,
1,2024-05-01 10:00:12,Spot,Transaction Buy,ETH,0.10000000,
1,2024-05-01 10:00:12,Spot,Transaction Spend,USDT,abc,
1,2024-05-01 10:00:13,Spot,Deposit,USDT,5.00000000,
1,2024-05-01 10:00:14,Spot,Transaction Buy,ETH,0.10000000,
1,2024-05-01 10:00:14,Spot,Transaction Spend,USDT,-300.00000000,
"""


def _write(tmp_path: Path, body: str, name: str = "statement.csv") -> Path:
    path = tmp_path / name
    path.write_text(HEADER + body)
    return path


def _frame(path: Path) -> pl.DataFrame:
    frame, _, diagnostics = read_file(str(path), 0)
    assert frame is not None and diagnostics == []
    return frame


def _without_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every file as if its lines never stood together: the general pairing takes every group."""
    monkeypatch.setattr(bs, "_runs_are_groups", lambda heads: False)


def _fast_trades(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many trades each read combines on the fast path."""
    counts: list[int] = []
    combine = bs._run_trades

    def counted(side: pl.DataFrame) -> pl.DataFrame:
        out = combine(side)
        counts.append(out.height)
        return out

    monkeypatch.setattr(bs, "_run_trades", counted)
    return counts


@pytest.mark.parametrize("order", ["file order", "reversed"])
def test_fast_pairing_gives_what_the_general_pairing_gives(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, order: str) -> None:
    # Catches any column the fast path computes differently (the fee netted or not, fee_min, fee2_line, the
    # trade's line, the id's gross amounts), and a fast path that takes a run it should leave.
    lines = TRADES.splitlines(keepends=True)
    path = _write(tmp_path, "".join(lines if order == "file order" else lines[::-1]))
    counts = _fast_trades(monkeypatch)
    fast = _frame(path)
    assert counts and counts[-1] >= 5  # the fast path did take most trades
    _without_runs(monkeypatch)
    assert fast.equals(_frame(path), null_equal=True)


@pytest.mark.parametrize(
    "path",
    [STATEMENT, *(HERE / n for n in ("statement_2021.csv", "statement_2025.csv", "statement_problems.csv", "statement_operations.csv"))],
)
def test_samples_read_the_same_on_either_pairing(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _frame(path)
    _without_runs(monkeypatch)
    assert fast.equals(_frame(path), null_equal=True)


def test_a_trade_split_by_another_accounts_line_is_not_paired_twice(tmp_path: Path) -> None:
    # One Spot group (ETH and SOL bought in one second) around a margin line: each of its two runs alone
    # looks like a whole trade. Without the check that no key has two runs, two trades would be made.
    path = _write(
        tmp_path,
        "1,2024-05-01 10:00:00,Spot,Transaction Buy,ETH,0.10000000,\n"
        "1,2024-05-01 10:00:00,Spot,Transaction Spend,USDT,-300.00000000,\n"
        "1,2024-05-01 10:00:00,Cross Margin,Transaction Buy,BTC,0.00100000,\n"
        "1,2024-05-01 10:00:00,Cross Margin,Transaction Spend,USDT,-60.00000000,\n"
        "1,2024-05-01 10:00:00,Spot,Transaction Buy,SOL,1.00000000,\n"
        "1,2024-05-01 10:00:00,Spot,Transaction Spend,USDT,-140.00000000,\n",
    )
    ledger = load(path, importers=(bs,))
    several = "legs of several trades in one second cannot be paired"
    assert [(line, several in message) for _, line, message in errors(ledger)] == [(2, True)]
    assert ledger.frame["note"].to_list() == ["spot trade"]  # the margin trade alone


def test_runs_of_one_key_apart_in_a_file_out_of_time_order(tmp_path: Path) -> None:
    # Out of time order the cheap check does not apply: the exact one must find the key's second run.
    path = _write(
        tmp_path,
        "1,2024-05-01 10:00:05,Spot,Transaction Buy,ETH,0.10000000,\n"
        "1,2024-05-01 10:00:05,Spot,Transaction Spend,USDT,-300.00000000,\n"
        "1,2024-05-01 10:00:01,Spot,Transaction Buy,BTC,0.00100000,\n"
        "1,2024-05-01 10:00:01,Spot,Transaction Spend,USDT,-60.00000000,\n"
        "1,2024-05-01 10:00:05,Spot,Transaction Buy,SOL,1.00000000,\n"
        "1,2024-05-01 10:00:05,Spot,Transaction Spend,USDT,-140.00000000,\n",
    )
    ledger = load(path, importers=(bs,))
    assert [line for _, line, _ in errors(ledger)] == [2]
    assert ledger.frame["received_asset"].to_list() == ["BTC"]


@pytest.mark.parametrize(
    ("times", "expected"),
    [
        (["10:00:00", "10:00:00", "10:00:01"], True),  # in time order, two runs per second at most
        (["10:00:02", "10:00:01", "10:00:01", "10:00:00"], True),  # newest first
        (["10:00:00", "10:00:00", "10:00:00"], True),  # three runs of one second, all of other keys
        (["10:00:01", "10:00:00", "10:00:01"], True),  # out of order, all keys distinct
    ],
)
def test_runs_are_groups_when_no_key_repeats(times: list[str], expected: bool) -> None:
    heads = pl.DataFrame({"_k_time": times, "_k_account": [f"A{i}" for i in range(len(times))], "_k_family": "spot"})
    assert bs._runs_are_groups(heads) is expected


@pytest.mark.parametrize(
    "rows",
    [
        [("10:00:00", "A"), ("10:00:00", "B"), ("10:00:00", "A")],  # in time order: the third run of a second repeats the first
        [("10:00:01", "A"), ("10:00:00", "A"), ("10:00:01", "A")],  # out of order
        [(None, "A"), ("10:00:00", "A"), (None, "A")],  # a blank time is a key like any other
    ],
)
def test_runs_are_not_groups_when_a_key_repeats(rows: list[tuple[str | None, str]]) -> None:
    heads = pl.DataFrame({"_k_time": [t for t, _ in rows], "_k_account": [a for _, a in rows], "_k_family": "spot"})
    assert bs._runs_are_groups(heads) is False


EVERY_ERROR = """\
1,,Spot,Deposit,USDT,5.00000000,
1,2024-13-01 00:00:00,Spot,Deposit,USDT,5.00000000,
1,2024-05-01 10:00:00,Spot,,USDT,5.00000000,
1,2024-05-01 10:00:00,Spot,Asset Recovery,USDT,-5.00000000,
1,2024-05-01 10:00:00,Spot,Futures Liquidation Insurance,USDT,5.00000000,
1,2024-05-01 10:00:00,Spot,Deposit,,5.00000000,
1,2024-05-01 10:00:00,Spot,Deposit,USDT,,
1,2024-05-01 10:00:00,Spot,Deposit,USDT,five,
1,2024-05-01 10:00:00,Spot,Deposit,USDT,0.1234567890123456789,
1,2024-05-01 10:00:00,Spot,Deposit,USDT,-5.00000000,
1,2024-05-01 10:00:00,Spot,Withdraw,USDT,5.00000000,
1,2024-05-01 10:00:00,Spot,Transaction Fee,BNB,0.00010000,
1,2024-05-01 10:00:00,Spot,Funding Fee,USDT,-0.0,
1,2024-05-01 10:00:00,Spot,Withdraw,USDT,-0e5,
1,2024-05-01 10:00:00,Spot,Deposit,USDT,5.00000000,
"""


def test_has_error_is_true_exactly_where_a_row_has_errors(tmp_path: Path) -> None:
    # _has_error repeats the conditions of _error's messages: one left out (the 19 decimals, say) would let a
    # bad leg be paired, and one too many would drop a good trade.
    paths = [_write(tmp_path, EVERY_ERROR), HERE / "statement_problems.csv", HERE / "statement_operations.csv", STATEMENT]
    flags = []
    for path in paths:
        sniffed, _ = sniff(str(path), IMPORTERS, name=str(path))
        assert sniffed is not None and sniffed.importer is bs
        lf, names = _scan(str(path), sniffed, slack=False)
        ctx = Context(file=str(path), header_line=sniffed.header_line, header=tuple(names), raw_header=sniffed.raw_header, tz="UTC")
        rows = bs._parse(lf, ctx).with_columns(_message=bs._error(ctx)).collect()
        assert rows["_has_error"].to_list() == rows["_message"].is_not_null().to_list(), path
        flags.append(rows["_has_error"].to_list())
    # the last three lines are no errors: a zero funding fee, a zero withdrawal and a deposit
    assert flags[0] == [True] * 12 + [False] * 3


def test_dates_in_both_forms_in_one_file(tmp_path: Path) -> None:
    # A file that mixes two- and four-digit years reads each date in its own form (one form is chosen only
    # when every date has it).
    path = tmp_path / "statement.csv"
    path.write_text(
        "User ID,Time,Account,Operation,Coin,Change,Remark\n"
        "1,25-03-14 10:22:01,Spot,Deposit,USDT,5.00000000,\n"
        "1,2025-03-15 10:22:01,Spot,Deposit,USDT,6.00000000,\n"
    )
    assert _frame(path)["timestamp"].dt.day().to_list() == [14, 15]


def test_a_file_without_trades(tmp_path: Path) -> None:
    frame = _frame(_write(tmp_path, "1,2024-05-01 10:00:13,Spot,Deposit,USDT,5.00000000,\n"))
    assert frame["type"].to_list() == ["deposit"]
    assert _frame(_write(tmp_path, "", "empty.csv")).height == 0


def _legs(rows: list[tuple[Any, ...]]) -> pl.LazyFrame:
    schema = {"g": pl.Int64, "line": pl.Int64, "role": pl.String, "asset": pl.String, "qty": pl.String}
    return pl.DataFrame(rows, schema=schema, orient="row").lazy()


def test_combine_legs_fees_in_two_assets_with_one_unnamed() -> None:
    # A fee leg without an asset counts as a fee asset but never names one: the smallest and largest asset
    # are those of the named legs. (combine_legs sorts a role's assets with the null first: reading the first
    # row as the smallest asset would name none.)
    legs = [(1, 2, "sent", "USDT", "400"), (1, 2, "received", "ETH", "0.2"), (1, 2, "fee", None, "0.001"), (1, 3, "fee", "BNB", "0.002")]
    out = combine_legs(_legs(legs), ["g"]).collect().row(0, named=True)
    assert (out["fee_n"], out["fee_asset"], out["fee_qty"], out["fee_min"], out["fee_max"], out["fee2_qty"]) == (
        2,
        "BNB",
        "0.002",
        "BNB",
        "BNB",
        "0.002",
    )
    assert (out["sent_asset"], out["sent_qty"], out["received_asset"], out["received_qty"]) == ("USDT", "400", "ETH", "0.2")


def test_combine_legs_picks_each_fee_by_its_asset() -> None:
    # Fees in BTC and BNB and an own fee in the received ETH, legs in no order: the first fee asset by ticker
    # is on the trade, the other a second fee, the own fee netted out of what was received.
    legs = [
        (7, 9, "fee", "BTC", "0.5"), (7, 4, "received", "ETH", "2"), (7, 5, "own_fee", "ETH", "0.01"), (7, 6, "fee", "BNB", "0.1"),
        (7, 3, "sent", "USDT", "100"), (7, 8, "fee", "BNB", "0.2"), (7, 10, "sent", "USDT", "50"),
    ]  # fmt: skip
    out = combine_legs(_legs(legs), ["g"]).collect().row(0, named=True)
    assert out["line"] == 3 and out["sent_qty"] == "150" and out["received_gross"] == "2" and out["received_qty"] == "1.99"
    assert (out["fee_asset"], out["fee_qty"], out["fee_max"], out["fee2_qty"], out["fee2_line"]) == ("BNB", "0.3", "BTC", "0.5", 9)
