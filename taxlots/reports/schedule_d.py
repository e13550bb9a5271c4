"""Schedule D lines from the Form 8949 totals: 1a/1b/2/3 and 8a/8b/9/10, then 7, 15 and 16.

Each line is the sum of its boxes' totals (1b = A + G, 2 = B + H, 3 = C + I, 8b = D + J, 9 = E + K,
10 = F + L), and 1a/8a the basis-reported boxes the user chose to report without Form 8949 (Exception 1).
Line 7 is the sum of column (h) of lines 1a-3 and line 15 of lines 8a-10: taxlots knows no lines 4-6 or
11-14 (other forms, carryovers), so they are left blank and the user must add them. Line 16 = 7 + 15.
"""

from __future__ import annotations

from dataclasses import dataclass

from taxlots.reports.form8949 import SCHEDULE_D_LINE, Form8949

LINES = ("1a", "1b", "2", "3", "8a", "8b", "9", "10")
SHORT_LINES = LINES[:4]
LONG_LINES = LINES[4:]
CSV_HEADER = ("line", "proceeds", "cost_basis", "adjustment", "gain")


@dataclass(frozen=True, slots=True, kw_only=True)
class ScheduleD:
    """(d, e, g, h) in cents for each line that has sales; line 7, 15 and 16 gains."""

    lines: dict[str, tuple[int, int, int, int]]
    line7: int
    line15: int
    line16: int


def build(form: Form8949) -> ScheduleD:
    """The Schedule D lines for ``form``: its box totals, added per line."""
    sums: dict[str, list[int]] = {}
    for box, totals in form.totals().items():
        line = SCHEDULE_D_LINE[box]
        if box in form.exception1_boxes:
            line = "1a" if line == "1b" else "8a"
        acc = sums.setdefault(line, [0, 0, 0, 0])
        for i, v in enumerate(totals):
            acc[i] += v
    lines = {line: (s[0], s[1], s[2], s[3]) for line in LINES if (s := sums.get(line))}
    line7 = sum(lines[line][3] for line in SHORT_LINES if line in lines)
    line15 = sum(lines[line][3] for line in LONG_LINES if line in lines)
    return ScheduleD(lines=lines, line7=line7, line15=line15, line16=line7 + line15)
