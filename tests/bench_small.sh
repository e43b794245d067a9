#!/usr/bin/env bash
# The benchmarks at 500 units on the debug build the suite already made: every figure of
# scripts/bench runs and lands in the CI log (target/bench/report-small.md), so a screen or a job
# that turns ten times slower is seen. Timings are reported, never asserted.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bench --small
