#!/usr/bin/env bash
# Installs what CloudXpcs needs on a fresh Debian machine with the .NET 10 SDK and Node.js:
# NuGet packages, the pinned Azurite (npm ci) and, with --test, the Debian packages the tests use as
# independent references (python3-numpy, python3-h5py) and chromium + chromium-driver for the report's
# browser test. Safe to run again: it skips what is there.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test_packages=false
[[ "${1:-}" == "--test" ]] && want_test_packages=true

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

if $want_test_packages && ! /usr/bin/python3 -c 'import numpy, h5py' 2>/dev/null; then
  echo "setup: installing python3-numpy and python3-h5py (test-only references)"
  as_root apt-get update -qq >/dev/null || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-numpy python3-h5py >/dev/null
fi

if $want_test_packages && ! /usr/bin/python3 -c 'import hdf5plugin, h5py; assert all(h5py.h5z.filter_avail(i) for i in (32001, 32004, 32008))' 2>/dev/null; then
  echo "setup: installing python3-hdf5plugin and the HDF5 filter plugins (detector-file tests: Blosc, LZ4, bitshuffle)"
  as_root apt-get update -qq >/dev/null || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-hdf5plugin hdf5-filter-plugin hdf5-filter-plugin-blosc-serial bitshuffle >/dev/null
fi

if $want_test_packages && ! { [[ -x /usr/bin/chromium ]] && [[ -x /usr/bin/chromedriver ]]; }; then
  echo "setup: installing chromium and chromium-driver (browser test of the report)"
  as_root apt-get update -qq >/dev/null || true
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
fi

pinned_azurite=$(node -p "require('./package.json').devDependencies.azurite")
installed_azurite=$(node -p "try { require('./node_modules/azurite/package.json').version } catch { '' }")
if [[ "$installed_azurite" != "$pinned_azurite" ]]; then
  echo "setup: npm ci (pinned Azurite; about a minute on a fresh clone)"
  npm ci --no-audit --no-fund --loglevel=error
fi

echo "setup: dotnet restore (one line per project; a minute or two on a fresh machine)"
dotnet restore CloudXpcs.sln --verbosity minimal -nologo
