"""Filling the IRS's own fillable PDFs (Form 8949 and Schedule D) with pypdf.

One Form 8949 page is filled per (box, page) from a fresh copy of the official page, so a box can run over
many pages. Each copy's fields are regrouped under a top-level field ``p<N>`` (N = the output page number),
which keeps every field name unique in the merged file (``p3.f1_03[0]``) while the widgets keep the
form's own partial names. The XFA description is dropped (readers that prefer XFA would show a blank form)
and ``NeedAppearances`` is set, besides the appearance streams pypdf writes, so any reader shows the values.
Nothing time-dependent is written: pypdf adds no /ID and the metadata is fixed, so reruns are identical.

Field names (read from the PDFs with ``pypdf.PdfReader.get_fields()``): Form 8949 2025 page P has name and
TIN ``fP_01``/``fP_02``, checkboxes ``cP_1[0..5]`` (on-states ``/1``..``/6``, the boxes top to bottom), rows of
8 cells ``fP_03``.. and the line-2 totals (d), (e), (f), (g), (h) right after the last row; 2024 is the same
without zero padding, 14 rows and three checkboxes. Schedule D's line cells are listed in ``_SCHEDULE_D``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from io import BytesIO
from pathlib import Path
from typing import cast

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from taxlots.reports.form8949 import CHECKBOX_ORDER, FIRST_DIGITAL_ASSET_YEAR, PART, Box, Form8949, Rounding, rows_per_page
from taxlots.reports.money import form_amount
from taxlots.reports.schedule_d import ScheduleD

FORM_YEARS = (2024, 2025)


def template(form: str, year: int) -> bytes:
    """The official blank PDF (``f8949`` or ``f1040sd``) for ``year``: the latest revision not after it."""
    chosen = max((y for y in FORM_YEARS if y <= year), default=FORM_YEARS[0])
    return resources.files("taxlots.forms").joinpath(f"{form}-{chosen}.pdf").read_bytes()


def _field(page: int, number: int, year: int) -> str:
    return f"f{page}_{number:02d}[0]" if year >= FIRST_DIGITAL_ASSET_YEAR else f"f{page}_{number}[0]"


@dataclass(frozen=True, slots=True)
class Filer:
    name: str = ""
    tin: str = ""


def form8949_pages(form: Form8949, filer: Filer) -> Iterator[tuple[int, dict[str, str]]]:
    """(template page index, field values) for every page of Form 8949: one set of pages per box, in box order."""
    year = form.options.year
    whole = form.options.rounding is Rounding.DOLLARS
    per_page = rows_per_page(year)
    for (box, _page), rows in form.form.group_by("box", "page", maintain_order=True):  # already in box order
        part = PART[Box(str(box))]
        index = CHECKBOX_ORDER[part].index(Box(str(box)))  # 2024's A, B, C (D, E, F) are the first three too
        values = {_field(part, 1, year): filer.name, _field(part, 2, year): filer.tin, f"c{part}_1[{index}]": f"/{index + 1}"}
        totals = [0, 0, 0, 0]
        for r, (a, b, c, d, e, f, g, h) in enumerate(rows.select(*"abcdefgh").iter_rows()):
            cells = (a, b, c, form_amount(d, whole), form_amount(e, whole), f, form_amount(g, whole) if g else "", form_amount(h, whole))
            for col, text in enumerate(cells):
                values[_field(part, 3 + r * 8 + col, year)] = text
            totals = [t + v for t, v in zip(totals, (d, e, g, h), strict=True)]
        first_total = 3 + per_page * 8
        d, e, g, h = totals
        for offset, text in enumerate(
            (form_amount(d, whole), form_amount(e, whole), "", form_amount(g, whole) if g else "", form_amount(h, whole))
        ):
            values[_field(part, first_total + offset, year)] = text
        yield part - 1, values


# Schedule D line -> first cell number of its (d), (e), (g), (h) on page 1; line 7, 15 on page 1, 16 on page 2.
_SCHEDULE_D = {"1a": 3, "1b": 7, "2": 11, "3": 15, "8a": 23, "8b": 27, "9": 31, "10": 35}
_NO_ADJUSTMENT = ("1a", "8a")  # their (g) cell is shaded (read-only on the 2024 form)


def schedule_d_pages(schedule: ScheduleD, year: int, whole: bool, filer: Filer) -> Iterator[tuple[int, dict[str, str]]]:
    """(template page index, field values) for the two pages of Schedule D."""

    def f(number: int, page: int = 1) -> str:
        name = f"f{page}_{number:02d}[0]" if year < FIRST_DIGITAL_ASSET_YEAR else f"f{page}_{number}[0]"
        return name

    first = {f(1): filer.name, f(2): filer.tin}
    for line, (d, e, g, h) in schedule.lines.items():
        start = _SCHEDULE_D[line]
        first[f(start)] = form_amount(d, whole)
        first[f(start + 1)] = form_amount(e, whole)
        if line not in _NO_ADJUSTMENT and g:
            first[f(start + 2)] = form_amount(g, whole)
        first[f(start + 3)] = form_amount(h, whole)
    first[f(22)] = form_amount(schedule.line7, whole)
    first[f(43)] = form_amount(schedule.line15, whole)
    yield 0, first
    yield 1, {f(1, 2): form_amount(schedule.line16, whole)}


def fill(blank: bytes, pages: Sequence[tuple[int, Mapping[str, str]]], title: str) -> PdfWriter:
    """A PDF of the given template pages, each filled with its values (see the module docstring)."""
    writer = PdfWriter()
    fields = ArrayObject()
    acro = cast(DictionaryObject, cast(DictionaryObject, PdfReader(BytesIO(blank)).trailer["/Root"])["/AcroForm"])
    form_dict = DictionaryObject({NameObject(k): v for k, v in acro.items() if k not in ("/Fields", "/XFA")}).clone(writer)
    form_dict[NameObject("/Fields")] = fields
    writer._root_object[NameObject("/AcroForm")] = form_dict
    for number, (index, values) in enumerate(pages, start=1):
        page = writer.add_page(PdfReader(BytesIO(blank)).pages[index])
        kids = ArrayObject()
        top = DictionaryObject({NameObject("/T"): TextStringObject(f"p{number}"), NameObject("/Kids"): kids})
        top_ref = writer._add_object(top)
        for annot in cast(ArrayObject, page.get("/Annots", ArrayObject())):
            widget = cast(DictionaryObject, annot.get_object())
            if widget.get("/Subtype") == "/Widget":
                widget[NameObject("/Parent")] = top_ref
                kids.append(annot)
        fields.append(top_ref)
        writer.update_page_form_field_values(page, dict(values), auto_regenerate=False)
    writer.set_need_appearances_writer(True)
    writer.add_metadata({"/Title": title, "/Producer": "taxlots", "/Creator": "taxlots"})
    return writer


def write_form8949(path: Path, form: Form8949, filer: Filer) -> None:
    """``form8949.pdf``: every page of the official form for the boxes on the form (a blank page if none)."""
    year = form.options.year
    pages = list(form8949_pages(form, filer)) or [(0, {})]
    writer = fill(template("f8949", year), pages, f"Form 8949 ({year})")
    with path.open("wb") as fh:
        writer.write(fh)


def write_schedule_d(path: Path, schedule: ScheduleD, year: int, whole: bool, filer: Filer) -> None:
    """``schedule_d.pdf`` on the official form."""
    writer = fill(template("f1040sd", year), list(schedule_d_pages(schedule, year, whole, filer)), f"Schedule D ({year})")
    with path.open("wb") as fh:
        writer.write(fh)
