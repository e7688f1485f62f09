#!/usr/bin/env bash
# The training launcher of one node of the cluster or the spot fleet, run once per boot by
# systemd (user data): train-node.sh /etc/ai-infra/train-node.env
# 1. waits for the active run of its target (training-runs/active/<target>.env, written by
#    `npm run train -- start`) and sources it; a run that has its output or a stop request is done;
# 2. publishes the job heartbeat (AI/Custom TrainingJobHeartbeat) every HEARTBEAT_SECONDS from
#    then on, so idle shutdown never stops the run, even while it waits for data;
# 3. finds its peers without SSH (discover-peers.sh): once the capacity runs NODES members, the
#    lowest private IP hosts the rendezvous and the node's rank is its place in the sorted list;
# 4. downloads the code (if the run has any), the data and the run's latest checkpoint, pulls the image (logging
#    docker in to ECR first), and runs `bash -c "$COMMAND"` in it with all GPUs, the training
#    contract's directories (SageMaker's /opt/ml layout) and environment (NNODES, NODE_RANK,
#    MASTER_ADDR, RDZV_ENDPOINT, CHECKPOINT_DIR, SM_MODEL_DIR, ...; NCCL over EFA when the
#    instance has EFA devices), its output to CloudWatch Logs (<run>/<instance>/job);
# 5. while the job runs: uploads the checkpoint directory every CHECKPOINT_SYNC_SECONDS, and on
#    a spot interruption notice (IMDS spot/instance-action), the run's stop request, SIGTERM
#    or MAX_RUNTIME_SECONDS stops it with `docker stop -t SIGNAL_GRACE_SECONDS` (SIGTERM, then
#    SIGKILL after the grace) and uploads the last checkpoint;
# 6. when the job exits 0, the first node packs /opt/ml/model into OUTPUT_URI; a failed job
#    (a lost peer, a crash) is started again, peers found and checkpoint restored afresh, up to
#    MAX_ATTEMPTS times.
# Each state goes to training-runs/<run>/nodes/<instance>.json and the launcher's log stream
# (<run>/<instance>/launcher), which `npm run train -- status|logs` read.
#
# The config file sets TARGET, RUNS_URI, LOG_GROUP_NAME, METRICS_NAMESPACE, HEARTBEAT_METRIC,
# CHECKPOINT_SYNC_SECONDS, SIGNAL_GRACE_SECONDS and DISCOVER_PEERS; the run record sets RUN_ID,
# IMAGE, COMMAND, CODE_URI, DATA_URI, CHECKPOINT_URI, OUTPUT_URI, NODES, MAX_RUNTIME_SECONDS,
# MAX_ATTEMPTS, CAPACITY_KIND, CAPACITY_ID and METRIC_GROUP_NAME (lib/runtime/training/launcher-files.ts).
# The variables below locate the machine and set the pace; tests point them at a sandbox.
set -euo pipefail

CONFIG_FILE="${1:?usage: train-node.sh CONFIG_FILE}"
ROOT="${ROOT:-}"
IMDS_ENDPOINT="${IMDS_ENDPOINT:-http://169.254.169.254}"
POLL_SECONDS="${POLL_SECONDS:-5}"
HEARTBEAT_SECONDS="${HEARTBEAT_SECONDS:-60}"
RENDEZVOUS_TIMEOUT_SECONDS="${RENDEZVOUS_TIMEOUT_SECONDS:-1800}"
RENDEZVOUS_PORT="${RENDEZVOUS_PORT:-29400}"
MASTER_PORT="${MASTER_PORT:-29500}"

# shellcheck source=/dev/null
source "${CONFIG_FILE}"

WORK="${ROOT}/opt/ml"
STATE_DIR="${ROOT}/var/lib/ai-infra"
mkdir -p "${STATE_DIR}"

log() { printf '%s train-node: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

token="$(curl -fsS -X PUT --max-time 5 --retry 5 --retry-connrefused \
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "${IMDS_ENDPOINT}/latest/api/token")"
imds() { curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: ${token}" "${IMDS_ENDPOINT}/latest/meta-data/$1"; }
instance_id="$(imds instance-id)"
region="$(imds placement/region)"
local_ip="$(imds local-ipv4)"
instance_type="$(imds instance-type)"
export AWS_DEFAULT_REGION="${region}"

RUN_ID=""
rank=-1
attempt=0
exit_code=-1
heartbeat_pid=""
terminating=""
container=""
report_file="${STATE_DIR}/node-report.json"

json_escape() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  s="${s//$'\n'/\\n}"
  s="${s//$'\t'/\\t}"
  printf '%s' "${s}"
}

# report STATE MESSAGE: the node's state, in its report object and its launcher log stream.
report() {
  local state="$1" message="$2" now
  now="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  log "${state}: ${message}"
  printf '{"instanceId":"%s","state":"%s","rank":%d,"attempt":%d,"exitCode":%d,"message":"%s","updatedAt":"%s"}\n' \
    "${instance_id}" "${state}" "${rank}" "${attempt}" "${exit_code}" "$(json_escape "${message}")" "${now}" > "${report_file}"
  aws s3 cp --only-show-errors "${report_file}" "${RUNS_URI}${RUN_ID}/nodes/${instance_id}.json" \
    || log "could not upload the node report"
  aws logs put-log-events --region "${region}" --log-group-name "${LOG_GROUP_NAME}" \
    --log-stream-name "${RUN_ID}/${instance_id}/launcher" \
    --log-events "[{\"timestamp\":$(( $(date +%s%N) / 1000000 )),\"message\":\"${state}: $(json_escape "${message}")\"}]" \
    >/dev/null || log "could not send the report to CloudWatch Logs"
}

fail() {
  report failed "$1"
  exit 1
}

heartbeat_loop() {
  while true; do
    aws cloudwatch put-metric-data --region "${region}" --namespace "${METRICS_NAMESPACE}" \
      --metric-name "${HEARTBEAT_METRIC}" --unit Count --value 1 \
      --dimensions "AutoScalingGroupName=${METRIC_GROUP_NAME}" \
      || log "could not publish the heartbeat; retrying next period"
    sleep "${HEARTBEAT_SECONDS}"
  done
}

trap 'if [[ -n "${heartbeat_pid}" ]]; then kill "${heartbeat_pid}" 2>/dev/null || true; fi' EXIT
trap 'terminating=1' TERM

s3_exists() { aws s3 ls "$1" >/dev/null 2>&1; }

sync_checkpoints() {
  aws s3 sync --only-show-errors "${WORK}/checkpoints/" "${CHECKPOINT_URI}" \
    || log "checkpoint upload failed; retrying at the next sync"
}

# Prints the spot interruption notice, or nothing while there is none (IMDS answers 404).
interruption_notice() { imds spot/instance-action 2>/dev/null || true; }

# find_peers: waits until NODES members of the capacity run, this node among the first NODES;
# sets rank and master_addr.
find_peers() {
  local deadline=$(( SECONDS + RENDEZVOUS_TIMEOUT_SECONDS )) peers count index
  while true; do
    peers="$("${DISCOVER_PEERS}" "${CAPACITY_KIND}" "${CAPACITY_ID}" "${region}" || true)"
    mapfile -t peer_list < <(printf '%s\n' "${peers}" | grep -v '^$' || true)
    count="${#peer_list[@]}"
    for (( index = 0; index < count && index < NODES; index++ )); do
      if [[ "${peer_list[index]}" == "${local_ip}" && "${count}" -ge "${NODES}" ]]; then
        rank="${index}"
        master_addr="${peer_list[0]}"
        return 0
      fi
    done
    if [[ -n "${terminating}" ]]; then report interrupted "terminated while waiting for peers"; exit 0; fi
    if (( SECONDS >= deadline )); then
      fail "rendezvous: ${count} of ${NODES} nodes running after ${RENDEZVOUS_TIMEOUT_SECONDS}s (raise the capacity or check its activity history)"
    fi
    sleep "${POLL_SECONDS}"
  done
}

ecr_login() {
  local ecr_image='^[0-9]{12}\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/'
  if [[ "${IMAGE}" =~ ${ecr_image} ]]; then
    aws ecr get-login-password --region "${BASH_REMATCH[2]}" | docker login --username AWS --password-stdin "${IMAGE%%/*}"
  fi
}

prepare() {
  mkdir -p "${WORK}/code" "${WORK}/input/data/training" "${WORK}/checkpoints" "${WORK}/model"
  if [[ ! -f "${STATE_DIR}/prepared" ]]; then
    if [[ -n "${CODE_URI}" ]]; then
      aws s3 cp --only-show-errors "${CODE_URI}" "${STATE_DIR}/sourcedir.tar.gz" || fail "could not download the code ${CODE_URI}"
      tar -xzf "${STATE_DIR}/sourcedir.tar.gz" -C "${WORK}/code" || fail "the code archive ${CODE_URI} is not a gzip tarball"
    fi
    if [[ -n "${DATA_URI}" ]]; then
      aws s3 sync --only-show-errors "${DATA_URI}" "${WORK}/input/data/training/" || fail "could not download the data ${DATA_URI}"
    fi
    systemctl enable --now docker
    ecr_login || fail "could not log docker in to the registry of ${IMAGE}"
    docker pull "${IMAGE}" || fail "could not pull ${IMAGE}: check the name and that the instance role may pull it"
    touch "${STATE_DIR}/prepared"
  fi
  aws s3 sync --only-show-errors "${CHECKPOINT_URI}" "${WORK}/checkpoints/" || fail "could not restore the checkpoints ${CHECKPOINT_URI}"
}

# The job's environment, one VAR=value line each (docker run --env-file).
write_job_env() {
  local gpus
  gpus="$(nvidia-smi -L | grep -c '^GPU ' || true)"
  {
    echo "RUN_ID=${RUN_ID}"
    echo "NNODES=${NODES}"
    echo "NODE_RANK=${rank}"
    echo "MASTER_ADDR=${master_addr}"
    echo "MASTER_PORT=${MASTER_PORT}"
    echo "RDZV_ENDPOINT=${master_addr}:${RENDEZVOUS_PORT}"
    echo "NPROC_PER_NODE=${gpus}"
    echo "SM_NUM_GPUS=${gpus}"
    echo "CHECKPOINT_DIR=/opt/ml/checkpoints"
    echo "SM_MODEL_DIR=/opt/ml/model"
    echo "SM_CHANNEL_TRAINING=/opt/ml/input/data/training"
    if (( ${#efa_devices[@]} > 0 )); then
      # NCCL over EFA through the aws-ofi-nccl plugin of the image; RDMA reads on p4d/p5
      # (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-start-nccl.html).
      echo "FI_PROVIDER=efa"
      if [[ "${instance_type}" =~ ^(p4d|p4de|p5|p5e|p5en)\. ]]; then echo "FI_EFA_USE_DEVICE_RDMA=1"; fi
    fi
  } > "${STATE_DIR}/job.env"
}

# stop_job: SIGTERM to the job, SIGKILL after the grace, then the last checkpoint upload.
stop_job() {
  docker stop -t "${SIGNAL_GRACE_SECONDS}" "${container}" >/dev/null || log "docker stop failed"
  wait "${waiter}" || true
  sync_checkpoints
}

# run_job: runs the job once; sets outcome to completed, failed, interrupted or stopped.
run_job() {
  local started last_sync notice network=()
  efa_devices=()
  for device in "${ROOT}"/dev/infiniband/uverbs*; do
    if [[ -e "${device}" ]]; then efa_devices+=(--device "${device#"${ROOT}"}"); fi
  done
  # Several nodes talk over the host's network (NCCL picks its interfaces, the rendezvous listens
  # on the private IP); the container then also reaches instance metadata: train trusted images.
  if (( NODES > 1 )); then network=(--network host); fi
  write_job_env
  container="train-${RUN_ID}"
  docker rm -f "${container}" >/dev/null 2>&1 || true
  docker run -d --name "${container}" --gpus all "${network[@]}" --ipc host \
    --ulimit memlock=-1 --ulimit stack=67108864 "${efa_devices[@]}" \
    -v "${WORK}/code:/opt/ml/code" -v "${WORK}/input/data/training:/opt/ml/input/data/training:ro" \
    -v "${WORK}/checkpoints:/opt/ml/checkpoints" -v "${WORK}/model:/opt/ml/model" -w /opt/ml/code \
    --env-file "${STATE_DIR}/job.env" \
    --log-driver awslogs --log-opt "awslogs-region=${region}" --log-opt "awslogs-group=${LOG_GROUP_NAME}" \
    --log-opt "awslogs-stream=${RUN_ID}/${instance_id}/job" \
    "${IMAGE}" bash -c "${COMMAND}" >/dev/null || fail "docker could not start ${IMAGE}"
  report running "rank ${rank} of ${NODES}, rendezvous ${master_addr}:${RENDEZVOUS_PORT}, attempt ${attempt}"
  docker wait "${container}" > "${STATE_DIR}/exit-code" 2>&1 &
  waiter=$!
  started=${SECONDS}
  last_sync=${SECONDS}
  while kill -0 "${waiter}" 2>/dev/null; do
    notice="$(interruption_notice)"
    if [[ -n "${notice}" ]]; then
      log "spot interruption notice ${notice}"
      stop_job
      outcome=interrupted
      return 0
    fi
    if [[ -n "${terminating}" ]]; then stop_job; outcome=interrupted; return 0; fi
    if s3_exists "${RUNS_URI}${RUN_ID}/stop"; then stop_job; outcome=stopped; return 0; fi
    if (( SECONDS - started >= MAX_RUNTIME_SECONDS )); then
      stop_job
      outcome=stopped
      log "the job ran ${MAX_RUNTIME_SECONDS}s, its maximum runtime"
      return 0
    fi
    if (( SECONDS - last_sync >= CHECKPOINT_SYNC_SECONDS )); then
      sync_checkpoints
      last_sync=${SECONDS}
    fi
    sleep "${POLL_SECONDS}"
  done
  wait "${waiter}" || true
  exit_code="$(tr -dc '0-9' < "${STATE_DIR}/exit-code")"
  exit_code="${exit_code:-255}"
  sync_checkpoints
  if [[ "${exit_code}" == 0 ]]; then outcome=completed; else outcome=failed; fi
}

publish_model() {
  tar -czf "${STATE_DIR}/model.tar.gz" -C "${WORK}/model" . || fail "could not pack /opt/ml/model"
  aws s3 cp --only-show-errors "${STATE_DIR}/model.tar.gz" "${OUTPUT_URI}" || fail "could not upload the model to ${OUTPUT_URI}"
}

log "instance ${instance_id} (${instance_type}, ${local_ip}) in ${region}: waiting for the active ${TARGET} run"
until aws s3 cp --only-show-errors "${RUNS_URI}active/${TARGET}.env" "${STATE_DIR}/run.env" 2>/dev/null; do
  if [[ -n "${terminating}" ]]; then exit 0; fi
  sleep "${POLL_SECONDS}"
done
# shellcheck source=/dev/null
source "${STATE_DIR}/run.env"
if s3_exists "${OUTPUT_URI}"; then log "run ${RUN_ID} has its output already: nothing to do"; exit 0; fi
if s3_exists "${RUNS_URI}${RUN_ID}/stop"; then log "run ${RUN_ID} was stopped: nothing to do"; exit 0; fi
aws logs create-log-stream --region "${region}" --log-group-name "${LOG_GROUP_NAME}" \
  --log-stream-name "${RUN_ID}/${instance_id}/launcher" 2>/dev/null || true
heartbeat_loop &
heartbeat_pid=$!

outcome=""
while (( attempt < MAX_ATTEMPTS )); do
  attempt=$(( attempt + 1 ))
  rank=-1
  report waiting-for-peers "${NODES} node(s) of ${CAPACITY_KIND} ${CAPACITY_ID}"
  find_peers
  report preparing "rank ${rank} of ${NODES}; code, data, checkpoint and image"
  prepare
  run_job
  case "${outcome}" in
    completed)
      if (( rank == 0 )); then
        publish_model
        report completed "model at ${OUTPUT_URI}"
      else
        report completed "rank ${rank} done"
      fi
      exit 0
      ;;
    interrupted) report interrupted "stopped on an interruption; last checkpoint at ${CHECKPOINT_URI}"; exit 0 ;;
    stopped) report stopped "stopped; last checkpoint at ${CHECKPOINT_URI}"; exit 0 ;;
    *) report failed "the job exited ${exit_code} (attempt ${attempt} of ${MAX_ATTEMPTS})" ;;
  esac
done
exit 1
