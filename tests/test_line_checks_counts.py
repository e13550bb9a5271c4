"""The line checks' literal field counts give what the former rule gives, on every kind of line.

The former rule, written here in plain Python: a line without quotes, or quoted at both ends with 2 + 2 per
separator quotes and a ``","`` at every separator, has one field per separator plus one; any other line is
counted after removing every ``"..."`` segment. The checks now take shortcuts (a line's ``","`` alone, or its
separators without the regex when none follows an odd number of quotes): these tests fail if a shortcut is
taken on a line where it would count differently.
"""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from taxlots.importers import IMPORTERS
from taxlots.ingest.lines import _line_checks
from taxlots.ingest.sniff import sniff

_HEADER = '"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance","amountusd"'
_NAMES = "txid,refid,time,type,subtype,aclass,asset,wallet,amount,fee,balance,amountusd"


def _former_fields(line: str, sep: str = ",") -> int:
    quotes, seps, pairs = line.count('"'), line.count(sep), line.count(f'"{sep}"')
    boxed = quotes == 2 * seps + 2 and line.startswith('"') and line.endswith('"') and pairs == seps
    if quotes == 0 or boxed:
        return seps + 1
    return re.sub(r'"[^"]*"', "", line).count(sep) + 1


def _expected(line: str) -> tuple[str | None, str | None]:
    squeezed = re.sub(r'[\s"\ufeff]', "", line.lower())
    if squeezed.replace(",", "") == "":
        return "blank line", None
    if squeezed == _NAMES:
        return "repeated header line", None
    fields = _former_fields(line)
    if fields == 1:
        return "line of one field (a note or a total, not a data row)", None
    return None, None if fields == 12 else f"row has {fields} fields, the header has 12"


def _checks(path: Path, lines: list[str]) -> list[tuple[str | None, str | None]]:
    path.write_text("\n".join([_HEADER, *lines]) + "\n", encoding="utf-8")
    sn, _ = sniff(str(path), IMPORTERS, name=str(path))
    assert sn is not None and sn.importer.NAME == "kraken-ledgers"
    checks, unterminated = _line_checks(str(path), sn)
    assert checks is not None and unterminated is None
    frame = checks.collect()
    assert frame["line"].to_list() == list(range(2, len(lines) + 2))
    return list(zip(frame["_skip"].to_list(), frame["_error"].to_list(), strict=True))


_FULL = '"L1","T1","2024-01-01 00:00:00","trade","tradespot","currency","ZUSD","spot / main","-1.5","0.1","","-1.5"'
_LINES = [
    _FULL,  # quoted everywhere: counted from its "," alone
    _FULL + ',"x"',  # one field long
    '"L1","T1","2024-01-01 00:00:00","trade","","currency","XETH","spot / main",0.5,0,1.0,1.5',  # numbers unquoted (Kraken's real files)
    '"L1","T1","2024-01-01 00:00:00","trade","a,b","currency","XETH","spot / main",0.5,0,1.0,1.5',  # a separator inside quotes
    '"L1","T1","a,b","trade","a,b","currency","XETH","spot / main","0.5","0","1.0","1.5"',  # quoted everywhere, commas inside
    '"L1","T1","2024 ""x""","trade","","currency","XETH","spot / main","0.5","0","","1.5"',  # escaped quotes
    '","x"y"',  # quoted around every separator by the counts, one field by the regex: the former rule says two
    '","",x"',  # starts with ",": 2 + 2 per "," quotes, but its first quote is in a "," (one field, not two)
    '",x"","',  # ends with "," (one field, not two)
    "L1,T1,2024-01-01 00:00:00,trade,,currency,XETH,spot / main,0.5,0,,1.5",  # no quotes
    'L1,"T1,x",2024-01-01 00:00:00,trade,,currency,XETH,spot / main,0.5,0,,1.5',  # a comma inside quotes, unquoted ends
    'L1,T1,"2024-01-01 00:00:00",trade,,currency,XETH,spot / main,0.5,0,,1.5"x"',  # quotes inside a field
    '"1"',  # one field
    '"1",""',
    '"",""',  # blank
    _HEADER.upper(),  # the header again
]


def test_each_kind_of_line_is_counted_as_the_former_rule_counts_it(tmp_path: Path) -> None:
    got = _checks(tmp_path / "ledgers.csv", _LINES)
    assert got == [_expected(line) for line in _LINES]
    assert got[6] == (None, "row has 2 fields, the header has 12")  # the regex alone would say one field (a skip)


def test_a_file_quoted_everywhere_is_counted_from_its_pairs_alone(tmp_path: Path) -> None:
    """Every line quoted at both ends and around every separator: the separators are never counted."""
    lines = [_FULL, _FULL + ',"x"', '"a","b,c","d"', '","x"y","z","1","2","3","4","5","6","7","8","9"', '"x,y"']
    assert _checks(tmp_path / "ledgers.csv", lines) == [_expected(line) for line in lines]


_TOKENS = ['"', ",", "a", '","', '""', "1", " ", '"a,b"', ',"', '",', "\ufeff", "TXID", "\t"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_TOKENS), max_size=25).map("".join), min_size=1, max_size=12))
def test_random_lines_are_counted_as_the_former_rule_counts_them(tmp_path_factory: object, lines: list[str]) -> None:
    lines = [line + '"' if line.count('"') % 2 else line for line in lines]  # an odd line would span lines
    path = tmp_path_factory.mktemp("lines") / "ledgers.csv"  # type: ignore[attr-defined]
    assert _checks(path, lines) == [_expected(line) for line in lines]
