"""A compact text notation for ledgers, for scenario tests (ours and plugin authors').

One event per line; blank lines and ``#`` comments are ignored::

    2024-01-01 Kraken trade 1000 USD -> 1 BTC fee 10 USD id B1
    2024-02-01 Kraken trade 0.5 BTC -> 0.02 ETH usd 1500 id X1
    2024-03-01T12:00 Kraken transfer 0.5 BTC -> 0.4995 BTC to Coinbase usd 30000 id T1
    2024-04-01 Coinbase deposit -> 1 ETH usd 2000
    2024-05-01 Coinbase withdrawal 1 ETH fee 0.001 ETH usd 2500
    2024-06-01 Coinbase income -> 0.5 ETH usd 1000
    2024-07-01 Coinbase spend 0.1 ETH usd 300

``<timestamp> <wallet> <type>``, then the sent side ``<qty> <ASSET>``, ``-> <qty> <ASSET>`` for the
received side, and the keywords ``fee <qty> <ASSET>``, ``usd <value>``, ``to <wallet>``, ``id <id>``.
A timestamp without a zone is UTC. A row without ``id`` is named ``L<line>``. Rows are ordered as ingest
orders them: by timestamp, then by line.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from taxlots.model.ledger import Kind, LedgerRow
from taxlots.model.lots import Selection
from taxlots.model.money import D
from taxlots.model.source import SourceRef

FILE = "ledger.txt"


def _parse_line(text: str, line: int) -> LedgerRow:
    tokens = text.split()
    stamp = datetime.fromisoformat(tokens[0])
    stamp = stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)
    fields: dict[str, object] = {"wallet": tokens[1], "kind": Kind(tokens[2]), "id": f"L{line}"}
    rest = tokens[3:]
    i = 0
    while i < len(rest):
        word = rest[i]
        if word == "->":
            fields["received_qty"], fields["received_asset"] = D(rest[i + 1]), rest[i + 2]
            i += 3
        elif word == "fee":
            fields["fee_qty"], fields["fee_asset"] = D(rest[i + 1]), rest[i + 2]
            i += 3
        elif word in ("usd", "to", "id"):
            key = {"usd": "usd_value", "to": "to_wallet", "id": "id"}[word]
            fields[key] = D(rest[i + 1]) if word == "usd" else rest[i + 1]
            i += 2
        else:
            fields["sent_qty"], fields["sent_asset"] = D(word), rest[i + 1]
            i += 2
    if fields["kind"] is Kind.TRANSFER and "received_qty" not in fields:
        fields["received_qty"], fields["received_asset"] = fields["sent_qty"], fields["sent_asset"]
    return LedgerRow(seq=0, timestamp=stamp, source=SourceRef(FILE, line, "testing"), **fields)  # type: ignore[arg-type]


def ledger(text: str) -> list[LedgerRow]:
    """Parse the notation into ``LedgerRow`` values, ordered and numbered as ingest would."""
    rows = []
    for number, raw in enumerate(text.splitlines(), start=1):
        content = raw.split("#", 1)[0].strip()
        if content:
            rows.append(_parse_line(content, number))
    rows.sort(key=lambda r: (r.timestamp, r.source.line))
    return [r._replace(seq=seq) for seq, r in enumerate(rows)]


def selections(text: str) -> dict[str, tuple[Selection, ...]]:
    """``disposal_id lot_id quantity`` per line -> the engine's selection mapping."""
    out: dict[str, list[Selection]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw.strip():
            disposal, lot, qty = raw.split()
            out.setdefault(disposal, []).append(
                Selection(disposal_id=disposal, lot_id=lot, quantity=Decimal(qty), source=SourceRef("lots.txt", number))
            )
    return {k: tuple(v) for k, v in out.items()}


def place_id(row_id: str, file: str, line: int) -> str:
    """``row_id``, or ``FILE:LINE`` for a content id (``row-<hash>-<k>``, what ingest gives rows an export leaves
    without one): importer tests name id-less rows by their place, and ``tests/test_ingest.py`` checks the hashes."""
    return f"{file}:{line}" if row_id.startswith("row-") else row_id
