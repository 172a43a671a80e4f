#!/usr/bin/env bash
# Makes sure the end-to-end tests have a Chromium to drive. Debian's `chromium` is used when it is
# there (or can be installed: as root with apt-get); otherwise Playwright's own browser is
# installed. Prints which one the tests will use.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
  echo "e2e browser: $(command -v chromium) ($(chromium --version 2>/dev/null || echo unknown version))"
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "e2e browser: installing Debian's chromium package"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium >/dev/null
  echo "e2e browser: $(command -v chromium)"
  exit 0
fi

echo "e2e browser: no system Chromium; installing Playwright's Chromium"
pnpm --filter @artai/e2e exec playwright install chromium
