#!/usr/bin/env bash
# Runs a training command under the checkpoint contract on a spot instance:
#   1. restores the latest checkpoint of the job from CHECKPOINT_URI into CHECKPOINT_DIR;
#   2. starts TRAINING_COMMAND with CHECKPOINT_DIR and CHECKPOINT_URI in its environment;
#   3. syncs CHECKPOINT_DIR to CHECKPOINT_URI every CHECKPOINT_SYNC_SECONDS;
#   4. polls IMDSv2 spot/instance-action and, on an interruption notice, sends SIGUSR1 to the
#      training process, waits for it to exit and uploads the final checkpoint, all within the
#      two-minute notice.
# The training script opts in by reading its latest checkpoint from CHECKPOINT_DIR at start,
# writing checkpoints there, and on SIGUSR1 writing one last checkpoint and exiting.
#
# Required environment: CHECKPOINT_URI (s3://bucket/checkpoints/{job}/), TRAINING_COMMAND.
set -euo pipefail

: "${CHECKPOINT_URI:?CHECKPOINT_URI must be set, e.g. s3://bucket/checkpoints/my-job/}"
: "${TRAINING_COMMAND:?TRAINING_COMMAND must be set, e.g. python /opt/train/train.py}"
CHECKPOINT_DIR="${CHECKPOINT_DIR:-/opt/checkpoints}"
CHECKPOINT_SYNC_SECONDS="${CHECKPOINT_SYNC_SECONDS:-300}"
POLL_SECONDS="${POLL_SECONDS:-5}"
# Of the two-minute notice, how long the trainer gets to write its last checkpoint before the upload.
SIGNAL_GRACE_SECONDS="${SIGNAL_GRACE_SECONDS:-75}"
IMDS="http://169.254.169.254/latest"
export CHECKPOINT_URI CHECKPOINT_DIR

log() {
  printf '%s train-with-checkpoints: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

imds_token() {
  curl -sf -X PUT "${IMDS}/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300'
}

# Prints the spot interruption notice, or nothing while there is none (IMDS answers 404).
interruption_notice() {
  local token
  token="$(imds_token)" || return 0
  curl -sf -H "X-aws-ec2-metadata-token: ${token}" "${IMDS}/meta-data/spot/instance-action" || true
}

sync_checkpoints() {
  aws s3 sync --only-show-errors "${CHECKPOINT_DIR}/" "${CHECKPOINT_URI}" || log "checkpoint upload failed; retrying at the next sync"
}

mkdir -p "${CHECKPOINT_DIR}"
log "restoring the latest checkpoint from ${CHECKPOINT_URI}"
aws s3 sync --only-show-errors "${CHECKPOINT_URI}" "${CHECKPOINT_DIR}/"

log "starting: ${TRAINING_COMMAND}"
bash -c "${TRAINING_COMMAND}" &
training_pid=$!

last_sync=${SECONDS}
while kill -0 "${training_pid}" 2>/dev/null; do
  notice="$(interruption_notice)"
  if [[ -n "${notice}" ]]; then
    log "spot interruption notice ${notice}: sending SIGUSR1 to ${training_pid}"
    kill -USR1 "${training_pid}" || true
    deadline=$(( SECONDS + SIGNAL_GRACE_SECONDS ))
    while kill -0 "${training_pid}" 2>/dev/null && (( SECONDS < deadline )); do
      sleep 1
    done
    sync_checkpoints
    log "final checkpoint uploaded"
    exit 0
  fi
  if (( SECONDS - last_sync >= CHECKPOINT_SYNC_SECONDS )); then
    sync_checkpoints
    last_sync=${SECONDS}
  fi
  sleep "${POLL_SECONDS}"
done

status=0
wait "${training_pid}" || status=$?
sync_checkpoints
log "training exited with status ${status}"
exit "${status}"
