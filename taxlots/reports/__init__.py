"""Reports: results turned into rows for files and tables. Rounding happens here, never in the engine."""
