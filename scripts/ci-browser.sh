#!/usr/bin/env bash
# Installs Debian's chromium for the live-view browser test (test/qa/live-view.test.ts), if it is
# missing. Idempotent and quiet: prints one line, and the apt log only when the install fails.
# Needs root (CI runs as root) and Debian's package mirrors; nothing is downloaded from elsewhere.
set -euo pipefail

for bin in chromium chromium-browser; do
  if command -v "$bin" >/dev/null 2>&1; then
    echo "ci-browser: $(command -v "$bin") is installed"
    exit 0
  fi
done

if [ "$(id -u)" != 0 ]; then
  echo "ci-browser: chromium is missing and this is not root: run 'apt-get install -y chromium' as root" >&2
  exit 1
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "ci-browser: installing chromium failed" >&2
  exit 1
fi
echo "ci-browser: installed $(command -v chromium)"
