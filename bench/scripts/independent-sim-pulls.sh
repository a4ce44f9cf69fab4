#!/usr/bin/env bash
# Pulls (v_fit - v_true)/SE of analyze-series on the independent numpy simulator (tests/CloudXpcs.Cli.Tests/Simulator).
# usage: bench/scripts/independent-sim-pulls.sh [seeds] [first_seed]   (needs /usr/bin/python3 with numpy + h5py and a
# Release build of src/CloudXpcs.Cli). Speed, h, beta drawn per seed; tau0 250 s, 2500 frames of 0.2 s as in the tests.
set -euo pipefail
seeds=${1:-20}; first=${2:-1}
root=$(cd "$(dirname "$0")/../.." && pwd)
cli="${CLOUDXPCS_CLI:-$root/src/CloudXpcs.Cli/bin/Release/net10.0/cloudxpcs.dll}"   # CLOUDXPCS_CLI: another build to compare
sim="$root/tests/CloudXpcs.Cli.Tests/Simulator/heterodyne_speckle.py"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
for ((s = first; s < first + seeds; s++)); do
  read -r speed h beta < <(/usr/bin/python3 -c "import random; r = random.Random($s); print(round(8 + 72 * r.random(), 3), round(0.35 + 0.3 * r.random(), 3), round(0.12 + 0.15 * r.random(), 3))")
  /usr/bin/python3 "$sim" "$work/s$s" "$speed" "$s" "$h" "$beta" 250 2500 0.2 1.0 3 > /dev/null
  dotnet "$cli" analyze-series --series "$work/s$s/series.json" --out "$work/o$s" > /dev/null
  /usr/bin/python3 - "$work/o$s/fit.json" "$speed" "$s" <<'PY'
import json, sys
v = json.load(open(sys.argv[1]))["velocity"]; vt = float(sys.argv[2])
if not v.get("resolvable"):
    print("seed %s v_true %.3f not resolvable: %s" % (sys.argv[3], vt, v.get("reason"))); sys.exit()
f, e = v["speed_A_per_s"], v["speed_err_A_per_s"]
print("seed %s v_true %.3f v_fit %.3f SE %.4f pull %.2f err %.2f%% chi2r %.2f" % (sys.argv[3], vt, f, e, (f - vt) / e, 100 * (f - vt) / vt, v.get("joint_reduced_chi2") or float("nan")))
PY
  rm -rf "$work/s$s" "$work/o$s"
done | tee "$work/log"
/usr/bin/python3 - "$work/log" <<'PY'
import sys, math
p = [float(l.split(" pull ")[1].split()[0]) for l in open(sys.argv[1]) if " pull " in l]
if p:
    n = len(p); rms = math.sqrt(sum(x * x for x in p) / n)
    w = lambda k: 100.0 * sum(abs(x) <= k for x in p) / n
    print("%d resolvable: RMS pull %.2f, mean pull %.2f, |pull|<=1 %.0f%%, <=2 %.0f%%, <=3 %.0f%%, max |pull| %.2f" % (n, rms, sum(p) / n, w(1), w(2), w(3), max(map(abs, p))))
PY
