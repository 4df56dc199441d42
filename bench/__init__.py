"""Benchmarks of the Relier bot (see bench/README.md)."""
