#!/usr/bin/env bash
# Durability soak: the DurabilityTests harness with 1,000 SIGKILL cycles (the test suite runs 50) on SQLite;
# every response a client received in full must be in the store. Takes about 25 minutes on 2 cores.
#   bench/scripts/gateway-soak.sh [cycles, default 1000]
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
export TAILOR_DURABILITY_CYCLES="${1:-1000}"
dotnet build "$root/tests/Tailor.Server.Tests" -v q
dotnet test --project "$root/tests/Tailor.Server.Tests" --no-build -- \
  --filter-method "*Every_response_received_in_full_survives_repeated_SIGKILL_of_the_gateway_on_SQLite" --output Detailed
