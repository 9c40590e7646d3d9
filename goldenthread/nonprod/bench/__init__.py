"""Benchmarks (SPEC OPS-3): figures with ratios to a baseline measured in the same run.
Never timed tests: `goldenthread bench PRESET` prints and writes docs/benchmarks.md."""
