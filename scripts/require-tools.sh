#!/usr/bin/env bash
# Installs what the test suite needs beyond npm (Debian's shellcheck, for the shell script tests;
# python3, to compile the Python example of the job API) or stops at once with one line saying
# how to install it.
set -euo pipefail
missing=()
for tool in shellcheck python3; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [[ ${#missing[@]} -eq 0 ]]; then exit 0; fi
if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null && exit 0
fi
echo "npm test needs ${missing[*]}: install it (Debian/Ubuntu: sudo apt-get install ${missing[*]}; macOS: brew install ${missing[*]})" >&2
exit 1
