"""Step 3, line checks: judge every physical line on its raw text (blank, repeated header, field count)."""

from __future__ import annotations

import re

import polars as pl

from taxlots.importers import _exprs as ex
from taxlots.ingest.sniff import Sniffed

_SLACK = 8  # extra columns read past the header, to catch rows with too many fields


def _some(frame: pl.DataFrame, mask: str, **exprs: pl.Expr) -> pl.DataFrame:
    """``line`` and ``exprs`` on the rows where the boolean column ``mask`` holds (no copy when all do)."""
    return (frame if frame[mask].all() else frame.filter(mask)).select("line", **exprs)


def _field_counts(lines: pl.DataFrame, sep: str) -> pl.DataFrame:
    """``line, _fields``: each line's fields counted outside quotes, as the quoted-segment regex counts them.

    ``lines`` has ``line``, the text ``_raw``, its quotes ``_q`` (an even number), its ``","`` (``_c``) and the
    text without them (``_r``). The regex (remove every ``"..."`` segment, then count separators) runs only
    where literal counts cannot stand in for it, and the separators are counted only when a line needs them.
    A line quoted at both ends with n ``","`` inside and no other quote (2n + 2 quotes, the ``","`` apart
    from the end quotes: Kraken's every line) has n + 1 fields. A line without quotes, or quoted only around
    every separator, or without a separator after an odd number of quotes (which a regex without captures
    finds in one pass) has one field per separator plus one.
    """
    text, pair = pl.col("_raw"), f'"{sep}"'
    frame = lines.with_columns(_ends=text.str.starts_with('"') & text.str.ends_with('"'))
    q, c = pl.col("_q"), pl.col("_c")
    frame = frame.with_columns(_boxed=pl.col("_ends") & (q == 2 * c + 2) & ~text.str.starts_with(pair) & ~text.str.ends_with(pair))
    if frame["_boxed"].all():
        return frame.select("line", _fields=c + 1)
    frame = frame.with_columns(_s=c + pl.col("_r").str.count_matches(sep, literal=True))  # each "," held one separator
    s = pl.col("_s")
    simple = pl.col("_boxed") | (q == 0) | (pl.col("_ends") & (q == 2 * s + 2) & (c == s))  # the last: quotes around every separator
    frame = frame.with_columns(_check=~simple)
    fields = frame.select("line", _fields=pl.when(pl.col("_boxed")).then(c).otherwise(s) + 1)
    if not frame["_check"].any():
        return fields
    inside = text.str.contains(rf'^[^"]*(?:"[^"]*"[^"]*)*"[^"]*{re.escape(sep)}')  # a separator after an odd number of quotes
    quoted = _some(frame, "_check", _inside=inside, _raw=text).filter("_inside")
    if quoted.is_empty():
        return fields
    quoted = quoted.select("line", _quoted=text.str.replace_all(r'"[^"]*"', "").str.count_matches(sep, literal=True) + 1)
    fields = fields.join(quoted, on="line", how="left", maintain_order="left")
    return fields.select("line", _fields=pl.coalesce("_quoted", "_fields"))


def _line_checks(path: str, sn: Sniffed) -> tuple[pl.LazyFrame | None, int | None]:
    """``line, _skip, _error`` for every physical line, judged on the raw text (one string column, so cheap).

    Skips blank lines, repeated header lines and lines of one field (a note such as "No matching records
    found." or a total); errors on a field count, counted outside quotes, that differs from the header's
    (parsed cells cannot tell a blank field from a missing one). Trailing unnamed header columns may be left
    off. Returns None when a quoted field spans lines: physical lines then no longer match records.
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
    )
    text = pl.col("_raw")
    # each count is a column of its own, computed once (an expression named twice in one select runs twice)
    # Quotes are counted in the text without its ``","`` (far fewer matches, the costly part of a count):
    # each one removed held two quotes (its count is the bytes removed over 3).
    pair = f'"{sep}"'
    lines = raw.select(pl.col("line").cast(pl.Int64), _raw=text.fill_null("")).collect()
    lines = lines.with_columns(_r=text.str.replace_all(pair, "", literal=True))
    lines = lines.with_columns(_c=((text.str.len_bytes() - pl.col("_r").str.len_bytes()) // 3).cast(pl.UInt32))
    lines = lines.with_columns(_q=2 * pl.col("_c") + pl.col("_r").str.count_matches('"', literal=True))
    odd = lines.filter(pl.col("_q") % 2 == 1)["line"]
    if odd.len() % 2 == 1:  # each such line opens or closes a field spanning lines: the last one never closes
        return None, int(odd[-1])
    if odd.len():
        return None, None
    # Only a line without an ASCII digit can be blank or, when the header has none, the header again (neither
    # squeezing nor lowercasing adds or removes digits): the costly squeeze runs on those few lines only.
    digits = list("0123456789")
    maybe = ~text.str.contains_any(digits) if not any(d in header_text for d in digits) else pl.lit(True)
    lines = lines.with_columns(_maybe=maybe)
    checked = _field_counts(lines.drop("_maybe"), sep)
    squeezed = text.str.to_lowercase().str.replace_all(squeeze, "")
    blank, header = squeezed.str.replace_all(sep, "", literal=True) == "", squeezed == header_text
    if lines["_maybe"].any():
        some = _some(lines, "_maybe", _blank=blank, _header=header)
        checked = checked.join(some, on="line", how="left", maintain_order="left")
        checked = checked.with_columns(pl.col("_blank", "_header").fill_null(False))
    else:
        checked = checked.with_columns(_blank=pl.lit(False), _header=pl.lit(False))
    skip = (
        pl.when(pl.col("_blank")).then(pl.lit("blank line"))
        .when(pl.col("_header")).then(pl.lit("repeated header line"))
        .when(pl.col("_fields") == 1).then(pl.lit("line of one field (a note or a total, not a data row)"))
    )  # fmt: skip
    wrong = (pl.col("_fields") > most) | (pl.col("_fields") < least)
    error = pl.when(wrong).then(pl.format(f"row has {{}} fields, the header has {most}", pl.col("_fields")))
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
