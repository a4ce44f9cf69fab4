#!/usr/bin/env bash
# Runs every test of CloudXpcs after installing what the tests need. Usage: scripts/test.sh [dotnet test args]
# Test projects run in four lanes (CLI tests, the pipeline's fault tests, its other tests, the others one after another), each reported as it finishes. CLOUDXPCS_SLOW_TESTS=1 adds the seed sweeps and the partition-holder kill of
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
start=$SECONDS

# One test project, or one part of it (a test-name filter): its log, then one summary block printed at once when it
# finishes (lanes never interleave lines).
run_project() {
  local project=$1 part=${2:-} name t0=$SECONDS log outcome counts
  name=$(basename "$project" .csproj)
  local select=("${filter[@]}")
  if [[ -n "$part" ]]; then
    name="$name.${part%%=*}"
    local condition=${part#*=}
    if [[ ${#select[@]} -gt 0 ]]; then select=(--filter "${select[1]}&$condition"); else select=(--filter "$condition"); fi
  fi
  log="$logs/$name.log"
  echo "test: $name ..."
  if dotnet test "$project" -c Release --no-build --verbosity quiet -nologo --logger "console;verbosity=minimal" \
       "${select[@]}" "${extra[@]}" >"$log" 2>&1; then outcome=passed; else outcome=FAILED; fi
  counts=$(grep -oE 'Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+, Total: +[0-9]+' "$log" | tail -1 || true)
  {
    # Failed and skipped tests with their messages; then the counts.
    grep -E '^\s*(Failed|Skipped) [A-Za-z]' -A 30 "$log" | grep -vE '^\s*(Passed) ' | sed 's/^/  /' || true
    [[ -z "$counts" ]] && tail -n 20 "$log" | sed 's/^/  /'
    echo "test: $name $outcome (${counts:-no summary}) in $((SECONDS - t0)) s"
  } >"$log.report"
  cat "$log.report"
  echo "$name|$outcome|${counts:-}" >"$log.result"
}

# Four lanes: the CLI tests, the pipeline's fault tests, the other pipeline tests (mostly child processes and hosts
# waiting on Azurite, leases and kills), and all the other projects one after another. Eight test hosts at once on a
# small machine are slower than one by one; four lanes keep both cores busy without that.
extra=("$@")
pipeline=tests/CloudXpcs.Pipeline.Tests/CloudXpcs.Pipeline.Tests.csproj
lane_of() { case $1 in */CloudXpcs.Cli.Tests.csproj) echo cli ;; "$pipeline") echo pipeline ;; *) echo rest ;; esac; }
run_lane() {
  local lane=$1 project
  for project in tests/*/*.Tests.csproj; do
    [[ $(lane_of "$project") == "$lane" ]] && run_project "$project"
  done
  return 0
}
run_lane cli & cli_pid=$!
# The pipeline tests in two halves of about equal time: faults (kills, outages, storms, streaming) and the others.
halves=(CloudXpcs.Pipeline.Tests.FaultTests. CloudXpcs.Pipeline.Tests.StreamedBeamtimeFilesTests.)
run_project "$pipeline" "faults=(FullyQualifiedName~${halves[0]}|FullyQualifiedName~${halves[1]})" & faults_pid=$!
run_project "$pipeline" "others=FullyQualifiedName!~${halves[0]}&FullyQualifiedName!~${halves[1]}" & pipeline_pid=$!
run_lane rest
wait $cli_pid $faults_pid $pipeline_pid || true

failed=() skipped_total=0 passed_total=0 failed_total=0
for result in "$logs"/*.log.result; do
  IFS='|' read -r name outcome counts <"$result"
  [[ $outcome == FAILED ]] && failed+=("$name")
  [[ -z "$counts" && $outcome == FAILED ]] && failed_total=$((failed_total + 1))
  skipped_total=$((skipped_total + $(sed -E 's/.*Skipped: +([0-9]+).*/\1/' <<<"${counts:-Skipped: 0}")))
  passed_total=$((passed_total + $(sed -E 's/.*Passed: +([0-9]+).*/\1/' <<<"${counts:-Passed: 0}")))
  failed_total=$((failed_total + $(sed -E 's/.*Failed: +([0-9]+).*/\1/' <<<"${counts:-Failed: 0}")))
done
projects=$(( $(ls tests/*/*.Tests.csproj | wc -l) + 1 ))   # the pipeline tests run in two parts
results=$(ls "$logs"/*.log.result 2>/dev/null | wc -l)
if [[ $results -ne $projects ]]; then
  echo "error: only $results of $projects test runs reported a result" >&2
  failed+=("(missing results)")
fi
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
