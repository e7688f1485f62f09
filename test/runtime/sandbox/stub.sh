#!/usr/bin/env bash
# Recording stand-in for the commands boot.sh runs (aws, docker, dnf, mount, systemctl, the
# CloudWatch agent's ctl), linked under each command's name on the sandbox's PATH. Appends
# "name args..." to $STUB_RECORD; `aws` also answers the group lookup from $FAKE_ASG_NAME and
# copies `s3 cp` sources from $FAKE_S3_DIR (after $FAKE_S3_DELAY_SECONDS), failing when absent.
set -euo pipefail

name="$(basename "$0")"
echo "${name} $*" >> "$STUB_RECORD"

if [[ "$name" != aws ]]; then exit 0; fi
case "$1 $2" in
  "autoscaling describe-auto-scaling-instances")
    echo "${FAKE_ASG_NAME}"
    ;;
  "s3 cp")
    source_url="" destination=""
    for arg in "${@:3}"; do
      case "$arg" in
        s3://*) source_url="$arg" ;;
        --*) ;;
        *) if [[ -n "$source_url" ]]; then destination="$arg"; fi ;;
      esac
    done
    sleep "${FAKE_S3_DELAY_SECONDS:-0}"
    key="${source_url#s3://*/}"
    if [[ ! -f "${FAKE_S3_DIR}/${key}" ]]; then
      echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key \"${key}\" does not exist" >&2
      exit 1
    fi
    cp "${FAKE_S3_DIR}/${key}" "$destination"
    ;;
esac
