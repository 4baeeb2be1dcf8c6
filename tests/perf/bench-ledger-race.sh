#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The ledger's concurrency test at full length: eight clients recharge,
# spend, refund and reverse on shared cards for 30 seconds while their
# connections are killed at random and their requests sent again with the
# same ids; afterwards the ledger must agree with an independent model of
# the answers to the fen. Prints how many requests were accepted, refused
# and sent again. The suite runs the same test for 4 seconds.
#
#   tests/perf/bench-ledger-race.sh BUILD_DIR
set -euo pipefail

build=$(realpath "$1")
cd "$build"
./tests/test-ledger -m slow -p /ledger/concurrent-requests --verbose 2>&1 |
  grep -E "accepted|^ok|^not ok|ERROR"
