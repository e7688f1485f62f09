#!/usr/bin/env bash
# Installs what the test suite needs beyond npm (Debian's shellcheck, for the shell script tests)
# or stops at once with one line saying how to install it.
set -euo pipefail
if command -v shellcheck >/dev/null 2>&1; then exit 0; fi
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq shellcheck >/dev/null && exit 0
fi
echo "npm test needs shellcheck: install it (Debian/Ubuntu: sudo apt-get install shellcheck; macOS: brew install shellcheck)" >&2
exit 1
