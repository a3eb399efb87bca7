"""Benchmarks of the hot paths; run with `make bench`. Figures go in the closing notes."""
