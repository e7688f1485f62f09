#!/usr/bin/env bash
# Recording stand-in for the commands boot.sh runs (aws, docker, dnf, mount, systemctl, the
# CloudWatch agent's ctl), linked under each command's name on the sandbox's PATH. Appends
# "name args..." to $STUB_RECORD (`docker login` adds "< " and the password it read). Besides:
# - `aws autoscaling describe-auto-scaling-instances` answers $FAKE_ASG_NAME;
# - `aws autoscaling record-lifecycle-action-heartbeat` fails when $FAKE_HEARTBEAT_FAILS is set;
# - with $FAKE_HOOK_TIMEOUT_SECONDS, heartbeats and completions act as the launch hook would:
#   they fail once that many seconds passed since the hook's last sign of life, which
#   $FAKE_HOOK_STATE holds in milliseconds (the sandbox writes the launch time there);
# - `aws ecr get-login-password` prints "ecr-password";
# - `aws s3 cp` copies sources from $FAKE_S3_DIR, failing when absent, after sleeping
#   $FAKE_S3_DELAY_SECONDS with nothing written, or while writing a part file chunk by chunk
#   for $FAKE_S3_SECONDS (a slow download that progresses);
# - `docker pull` prints a status line every half second for $FAKE_PULL_SECONDS.
set -euo pipefail

name="$(basename "$0")"
line="${name} $*"
if [[ "$name ${1:-}" == "docker login" ]]; then line="${line} < $(cat)"; fi
echo "$line" >> "$STUB_RECORD"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Fails like Auto Scaling once the hook has timed out; otherwise renews it when $1 is `renew`.
launch_hook() {
  if [[ -z "${FAKE_HOOK_TIMEOUT_SECONDS:-}" ]]; then return 0; fi
  local now last
  now="$(now_ms)"
  last="$(cat "$FAKE_HOOK_STATE")"
  if (( now - last > FAKE_HOOK_TIMEOUT_SECONDS * 1000 )); then
    echo "An error occurred (ValidationError): No active Lifecycle Action found with instance ID ${*: -1}" >&2
    exit 254
  fi
  if [[ "$1" == renew ]]; then echo "$now" > "$FAKE_HOOK_STATE"; fi
}

instance_id() {
  while (( $# > 1 )); do
    if [[ "$1" == --instance-id ]]; then echo "$2"; return; fi
    shift
  done
}

case "$name ${1:-} ${2:-}" in
  "aws autoscaling describe-auto-scaling-instances")
    echo "${FAKE_ASG_NAME}"
    ;;
  "aws autoscaling record-lifecycle-action-heartbeat")
    if [[ -n "${FAKE_HEARTBEAT_FAILS:-}" ]]; then
      echo "An error occurred (Throttling) when calling the RecordLifecycleActionHeartbeat operation: Rate exceeded" >&2
      exit 254
    fi
    launch_hook renew "$(instance_id "$@")"
    ;;
  "aws autoscaling complete-lifecycle-action")
    launch_hook complete "$(instance_id "$@")"
    ;;
  "aws ecr get-login-password")
    echo "ecr-password"
    ;;
  "aws s3 cp")
    source_url="" destination=""
    for arg in "${@:3}"; do
      case "$arg" in
        s3://*) source_url="$arg" ;;
        --*) ;;
        *) if [[ -n "$source_url" ]]; then destination="$arg"; fi ;;
      esac
    done
    sleep "${FAKE_S3_DELAY_SECONDS:-0}"
    for (( chunk = 0; chunk < ${FAKE_S3_SECONDS:-0} * 2; chunk++ )); do
      head -c 8192 /dev/zero >> "${destination}.part"
      sleep 0.5
    done
    rm -f "${destination}.part"
    key="${source_url#s3://*/}"
    if [[ ! -f "${FAKE_S3_DIR}/${key}" ]]; then
      echo "fatal error: An error occurred (404) when calling the HeadObject operation: Key \"${key}\" does not exist" >&2
      exit 1
    fi
    cp "${FAKE_S3_DIR}/${key}" "$destination"
    ;;
  "docker pull "*)
    for (( chunk = 0; chunk < ${FAKE_PULL_SECONDS:-0} * 2; chunk++ )); do
      echo "layer${chunk}: Pull complete"
      sleep 0.5
    done
    echo "Status: Downloaded newer image for $2"
    ;;
esac
