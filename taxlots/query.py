"""The polars engine every query of taxlots runs in: ``collect(engine=ENGINE)``, never the default.

polars 2 runs a lazy query in its streaming engine unless told otherwise. On the importers' plans (hundreds
of expressions per file) that engine has a fixed cost of tens of milliseconds to over a second per query,
whatever the file's size: 13 lines of CoinTracking took 1.5 s to normalize in it and 0.025 s in memory, and
``taxlots import samples`` (the 45 bundled exports, 232 KB) 6.9-8.2 s instead of 2.0-2.4 s. At a million
rows the two engines take the same time and memory (``ingest.load`` of the ``bench/`` exports: 6.4-7.7 s and
1.15 GB either way), and eager ``DataFrame`` methods always run in memory.

So every ``collect`` and ``collect_all`` in the package names this engine, and a test checks that none is
left to the default. It is passed per query rather than set with ``pl.Config.set_engine_affinity``, which
would change the engine of every program that imports taxlots as a library. The streaming engine also
panics on some importer plans over rows with errors, which ``ingest.read`` and the Kraken ledgers importer
worked around; the in-memory engine has a quirk of its own, which ``importers._exprs.gathered`` avoids.
"""

from __future__ import annotations

from typing import Final, Literal

ENGINE: Final[Literal["in-memory"]] = "in-memory"
