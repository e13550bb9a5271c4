"""Step 3, line checks: judge every physical line on its raw text (blank, repeated header, field count)."""

from __future__ import annotations

import re

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.ingest.sniff import Sniffed
from taxlots.query import ENGINE

_SLACK = 8  # extra columns read past the header, to catch rows with too many fields


def _counted(raw: pl.LazyFrame, sep: str, maybe: pl.Expr) -> pl.DataFrame:
    """Per line: ``_q`` quotes, ``_fields`` as counted without the regex, and the text of the lines that need more.

    Every count is a column of its own, computed once (an expression named twice in one select runs twice).
    Quotes are counted in the text without its ``","`` (far fewer matches: the costly part of a count), each
    one removed holding two quotes and a separator (their number is the bytes removed over 3). A line quoted
    at both ends with 2n + 2 quotes for its n ``","``, those apart from the end quotes (Kraken's every line),
    has n + 1 fields; a line without quotes, or quoted around every separator, has one field per separator
    plus one. Only the other lines keep their text (``_text``), and those that ``maybe`` is true on (``_raw``).
    """
    text, pair = pl.col("_raw"), f'"{sep}"'
    q, c, s, ends = pl.col("_q"), pl.col("_c"), pl.col("_s"), pl.col("_ends")
    boxed = ends & (q == 2 * c + 2) & ~text.str.starts_with(pair) & ~text.str.ends_with(pair)
    simple = (q == 0) | (ends & (q == 2 * s + 2) & (c == s))  # the former rule, kept as it was
    return (
        raw.with_columns(_rest=text.str.replace_all(pair, "", literal=True))
        .with_columns(_c=((text.str.len_bytes() - pl.col("_rest").str.len_bytes()) // 3).cast(pl.UInt32))
        .with_columns(
            _q=2 * c + pl.col("_rest").str.count_matches('"', literal=True),
            _s=c + pl.col("_rest").str.count_matches(sep, literal=True),
            _ends=text.str.starts_with('"') & text.str.ends_with('"'),
            _maybe=maybe,
        )
        .with_columns(_boxed=boxed)
        .with_columns(_simple=pl.col("_boxed") | simple)
        .select(
            "line", "_q", "_maybe",
            _fields=pl.when("_boxed").then(c).otherwise(s) + 1,
            _text=pl.when(~pl.col("_simple")).then(text),
            _raw=pl.when("_maybe").then(text),
        )
        .collect(engine=ENGINE)
    )  # fmt: skip


def _line_checks(path: str, sn: Sniffed) -> tuple[pl.LazyFrame | None, int | None]:
    """``line, _skip, _error`` for every physical line, judged on the raw text (one string column, so cheap).

    Skips blank lines, repeated header lines and lines of one field (a note such as "No matching records
    found." or a total); errors on a field count, counted outside quotes, that differs from the header's
    (parsed cells cannot tell a blank field from a missing one). Trailing unnamed header columns may be left
    off. Returns None when a quoted field spans lines: physical lines then no longer match records.

    Fields are counted as the quoted-segment regex counts them (remove every ``"..."`` segment, then count
    separators), with literal counts where they stand in for it (see :func:`_counted`): the regex runs only
    on lines with a separator after an odd number of quotes, which one pass of a regex without captures finds.
    """
    sep, most = sn.separator, len(sn.header)
    least = max((i + 1 for i, h in enumerate(sn.header) if h), default=most)
    least = min(least, getattr(sn.importer, "MIN_FIELDS", least))  # rows shorter than the header by design
    squeeze = r'[\s"\ufeff]'
    header_text = sep.join(sn.header).replace(" ", "")
    raw = pl.scan_csv(
        path,
        has_header=False,
        separator="\x1f",
        quote_char=None,
        skip_lines=sn.header_line,
        schema={"_raw": pl.String},
        row_index_name="line",
        row_index_offset=sn.header_line + 1,
        encoding="utf8-lossy",
        missing_columns="insert",
        truncate_ragged_lines=True,
    ).select(pl.col("line").cast(pl.Int64), pl.col("_raw").fill_null(""))
    text = pl.col("_raw")
    # Only a line without an ASCII digit can be blank or, when the header has none, the header again (neither
    # squeezing nor lowercasing adds or removes digits): the costly squeeze runs on those few lines only.
    digits = list("0123456789")
    maybe = ~text.str.contains_any(digits) if not any(d in header_text for d in digits) else pl.lit(True)
    lines = _counted(raw, sep, maybe)
    odd = lines.filter(pl.col("_q") % 2 == 1)["line"]
    if odd.len() % 2 == 1:  # each such line opens or closes a field spanning lines: the last one never closes
        return None, int(odd[-1])
    if odd.len():
        return None, None
    if lines["_text"].null_count() < lines.height:
        quoted = pl.col("_text")
        inside = quoted.str.contains(rf'^[^"]*(?:"[^"]*"[^"]*)*"[^"]*{re.escape(sep)}')  # a separator after an odd number of quotes
        lines = lines.with_columns(_text=pl.when(inside).then(quoted))
        segments = pl.col("_text").str.replace_all(r'"[^"]*"', "").str.count_matches(sep, literal=True) + 1
        lines = lines.with_columns(_fields=pl.coalesce(segments, "_fields"))
    squeezed = text.str.to_lowercase().str.replace_all(squeeze, "")
    blank, header = squeezed.str.replace_all(sep, "", literal=True) == "", squeezed == header_text
    if lines["_maybe"].any():  # only these lines kept their text
        lines = lines.with_columns(_blank=blank.fill_null(False), _header=header.fill_null(False))
    else:
        lines = lines.with_columns(_blank=pl.lit(False), _header=pl.lit(False))
    skip = (
        pl.when(pl.col("_blank")).then(pl.lit("blank line"))
        .when(pl.col("_header")).then(pl.lit("repeated header line"))
        .when(pl.col("_fields") == 1).then(pl.lit("line of one field (a note or a total, not a data row)"))
    )  # fmt: skip
    wrong = (pl.col("_fields") > most) | (pl.col("_fields") < least)
    error = pl.when(wrong).then(pl.format(f"row has {{}} fields, the header has {most}", pl.col("_fields")))
    checked = lines.select("line", "_fields", "_blank", "_header")
    return checked.lazy().select("line", _skip=skip, _error=pl.when(skip.is_null()).then(error)), None


def _cell_checks(names: list[str], header: tuple[str, ...]) -> tuple[pl.Expr, pl.Expr]:
    """``(skip, error)`` from parsed cells, for files whose quoted fields span lines (see :func:`_line_checks`)."""
    blank = pl.all_horizontal([ex.blank_to_null(pl.col(n)).is_null() for n in names])
    repeated = pl.all_horizontal(
        [pl.col(n).fill_null("").str.strip_chars().str.to_lowercase() == h for n, h in zip(names, header, strict=True)]
    )
    skip = pl.when(blank).then(pl.lit("blank line")).when(repeated).then(pl.lit("repeated header line"))
    extra = pl.sum_horizontal([pl.col(f"_extra{k}").is_not_null() for k in range(_SLACK)])
    error = pl.when(extra > 0).then(pl.lit(f"row has more fields than the header's {len(names)}"))
    return skip, error
