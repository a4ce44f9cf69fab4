#!/usr/bin/env bash
# Coverage of the total speed error (statistical + calibration + model floor, fit.json velocity) on the independent numpy
# simulator (tests/CloudXpcs.Cli.Tests/Simulator) with calibration offsets: per seed the true distance, energy, pixel size
# and beam centre differ from the stated ones by normal draws with the standard deviations series.json states
# ("calibration_uncertainty"), the layout alternates corner (quarter rings) / centre (full rings), speed 8-80 A/s, h, beta
# drawn. Prints per series the pulls (v_fit - v_true)/sigma with the total and the statistical error, then the statistics.
# usage: bench/scripts/independent-sim-calibration-pulls.sh [seeds] [first_seed]   (needs /usr/bin/python3 with numpy + h5py
# and a Release build of src/CloudXpcs.Cli)
set -euo pipefail
seeds=${1:-40}; first=${2:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
cli="${CLOUDXPCS_CLI:-$root/src/CloudXpcs.Cli/bin/Release/net10.0/cloudxpcs.dll}"
sim="$root/tests/CloudXpcs.Cli.Tests/Simulator/heterodyne_speckle.py"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for ((s = first; s < first + seeds; s++)); do
  read -r speed h beta < <(/usr/bin/python3 -c "import random; r = random.Random(500 + $s); print(round(8 + 72 * r.random(), 3), round(0.35 + 0.3 * r.random(), 3), round(0.12 + 0.15 * r.random(), 3))")
  layout=$([ $((s % 2)) -eq 0 ] && echo centre || echo corner)
  /usr/bin/python3 "$sim" "$work/s$s" "$speed" "$s" "$h" "$beta" 250 2500 0.2 1.0 3 "$s" "$layout" > /dev/null
  dotnet "$cli" analyze-series --series "$work/s$s/series.json" --out "$work/o$s" > /dev/null
  /usr/bin/python3 - "$work/o$s/fit.json" "$speed" "$s" "$layout" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["velocity"]; vt = float(sys.argv[2])
if not v.get("resolvable"):
    print("seed %s %s v_true %.3f not resolvable: %s" % (sys.argv[3], sys.argv[4], vt, v.get("reason"))); sys.exit()
f, e, st, sy = v["speed_A_per_s"], v["speed_err_A_per_s"], v["speed_err_stat_A_per_s"], v["speed_err_sys_A_per_s"]
print("seed %s %-6s v_true %.3f v_fit %.3f err %+.2f%% stat %.4f sys %.4f total %.4f pull %.2f stat-only-pull %.2f" % (
    sys.argv[3], sys.argv[4], vt, f, 100 * (f - vt) / vt, st, sy, e, (f - vt) / e, (f - vt) / st))
PY
  rm -rf "$work/s$s" "$work/o$s"
done | tee "$work/log"
/usr/bin/python3 - "$work/log" <<'PY'
import sys, math
rows = [l for l in open(sys.argv[1]) if " pull " in l]
for key, label in ((" pull ", "total error"), (" stat-only-pull ", "statistical error only")):
    p = [float(l.split(key)[1].split()[0]) for l in rows]
    if not p: continue
    n = len(p); rms = math.sqrt(sum(x * x for x in p) / n)
    w = lambda k: 100.0 * sum(abs(x) <= k for x in p) / n
    print("%s: %d resolvable, RMS pull %.2f, mean pull %.2f, |pull|<=1 %.0f%%, <=2 %.0f%%, <=3 %.0f%%, max |pull| %.2f" % (
        label, n, rms, sum(p) / n, w(1), w(2), w(3), max(map(abs, p))))
PY
