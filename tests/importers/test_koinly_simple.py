"""Koinly simple template (signed Amount): expected values written out by hand from the fixture rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from taxlots import ingest
from taxlots.importers import koinly_simple
from taxlots.importers.base import matches, normalize_header
from tests.importers._rows import MINE, errors, row, table

FIXTURES = Path(__file__).resolve().parent / "samples" / "koinly_simple"


def test_signed_amounts_labels_and_skips() -> None:
    p = FIXTURES / "ledger_simple.csv"
    f = str(p)
    ledger = ingest.load([f], importers=(koinly_simple,))
    assert table(ledger) == [
        # "YYYY-MM-DD 00:00 UTC", as Koinly's help writes it
        row(p, 2, "2024-02-29 00:00:00", "income", received=("SOL", "0.152"), usd="19.14", note="staking; Stake rewards"),
        # a negative Amount is sent
        row(p, 3, "2024-05-03 12:30:00", "withdrawal", sent=("BTC", "0.3"), note="To Binance; tx d5466a"),
        row(p, 4, "2024-08-19 18:11:00", "spend", sent=("BTC", "0.0021"), usd="125.40", note="cost; Accessory; tx 94498e"),
        # line 5 is labelled Ignored
        row(p, 6, "2024-10-01 00:00:00", "deposit", received=("SOL", "20"), note="From Kraken"),
    ]
    assert errors(ledger) == [
        (f, 7, "Amount is zero"),
        (f, 8, "Koinly label 'airdrop' needs a row with only a received side"),
        (f, 9, "Amount is blank"),
    ]
    assert ledger.files[0].skipped == {"Koinly label 'Ignored' (excluded from calculations by the user)": 1}


HEADERS = {
    "template": "Koinly Date,Amount,Currency,Label,TxHash",
    "all optional columns": "Koinly Date,Amount,Currency,Label,TxHash,Net Worth Amount,Net Worth Currency,Description",
    "required only": "Koinly Date,Amount,Currency",
    "tag": "Koinly Date,Amount,Currency,Tag,TxHash",
}


@pytest.mark.parametrize("header", HEADERS.values(), ids=HEADERS.keys())
def test_header_variants__claimed_by_koinly_simple_only(header: str) -> None:
    cells = tuple(normalize_header(c) for c in header.split(","))
    assert [m.NAME for m in MINE if matches(m, cells)] == ["koinly-simple"]
