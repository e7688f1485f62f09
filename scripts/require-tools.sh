#!/usr/bin/env bash
# Installs what the test suite needs beyond npm (Debian's shellcheck for the shell script tests,
# python3 for the sample model's tests and the job API's Python example) or stops at once with one line saying how to get it, and
# checks that unprivileged user namespaces work (the boot drill's EFS access point sandbox).
set -euo pipefail

# Installs Debian package $2 for command $1 when root with apt-get; says how otherwise.
require() {
  if command -v "$1" >/dev/null 2>&1; then return 0; fi
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null && return 0
  fi
  echo "npm test needs $1: install it (Debian/Ubuntu: sudo apt-get install $2; macOS: brew install $1)" >&2
  exit 1
}

require shellcheck shellcheck
require python3 python3
if ! unshare --map-root-user true 2>/dev/null; then
  echo "npm test needs unprivileged user namespaces (unshare --map-root-user) for the EFS access point drill: on Ubuntu 24.04 run sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0" >&2
  exit 1
fi
