#!/usr/bin/env bash
# Runs every test of CloudXpcs after installing what the tests need. Usage: scripts/test.sh [dotnet test args]
# Test projects run one after another (each one's code uses every core; seven test hosts at once on a small machine
# are slower than one by one), each reported as it finishes. CLOUDXPCS_SLOW_TESTS=1 adds the seed sweeps of
# Category=Slow. With CI=true a skipped test fails the run (a missing tool or ../shared/data must not pass silently).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --test
echo "build: dotnet build CloudXpcs.sln -c Release"
dotnet build CloudXpcs.sln -c Release --no-restore --verbosity quiet -nologo

filter=()
if [[ "${CLOUDXPCS_SLOW_TESTS:-}" != "1" ]]; then filter=(--filter "Category!=Slow"); fi
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
failed=() skipped_total=0 passed_total=0 failed_total=0 start=$SECONDS
for project in tests/*/*.Tests.csproj; do
  name=$(basename "$project" .csproj)
  t0=$SECONDS
  echo "test: $name ..."
  log="$logs/$name.log"
  if dotnet test "$project" -c Release --no-build --verbosity quiet -nologo --logger "console;verbosity=minimal" \
       "${filter[@]}" "$@" >"$log" 2>&1; then outcome=passed; else outcome=FAILED; failed+=("$name"); fi
  # Failed and skipped tests with their messages; then the counts.
  grep -E '^\s*(Failed|Skipped) [A-Za-z]' -A 12 "$log" | grep -vE '^\s*(Passed) ' | sed 's/^/  /' || true
  counts=$(grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+, Total: +[0-9]+' "$log" | tail -1 || true)
  [[ -z "$counts" ]] && tail -n 20 "$log" | sed 's/^/  /'
  [[ -z "$counts" && $outcome == FAILED ]] && failed_total=$((failed_total + 1))
  skipped=$(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"${counts:-Skipped: 0}")
  skipped_total=$((skipped_total + skipped))
  passed_total=$((passed_total + $(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"${counts:-Passed: 0}")))
  failed_total=$((failed_total + $(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"${counts:-Failed: 0}")))
  echo "test: $name $outcome (${counts:-no summary}) in $((SECONDS - t0)) s"
done
echo "tests: $((SECONDS - start)) s in all"
echo "$passed_total passed, $failed_total failed, $skipped_total skipped"
if [[ "${CI:-}" == "true" && $skipped_total -gt 0 ]]; then
  echo "error: $skipped_total tests skipped under CI=true (see the Skipped lines above for what is missing)" >&2
  exit 1
fi
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "error: failed: ${failed[*]}" >&2
  exit 1
fi
