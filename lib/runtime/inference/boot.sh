#!/usr/bin/env bash
# Boots one instance of the inference fleet; run once by user data as root:
#   boot.sh /etc/ai-inference/boot.env
# PROCESSOR says what the instance computes on: `gpu` on the Deep Learning AMI, `cpu` on Amazon
# Linux 2023 (a fleet of CPU types, e.g. dev's).
# 1. reads the instance id and region from IMDSv2 and finds the instance's Auto Scaling group;
# 2. installs amazon-efs-utils, the CloudWatch agent and Node.js NODE_MAJOR from dnf (on `gpu`,
#    Docker and the NVIDIA container toolkit come with the Deep Learning AMI; on `cpu`, Docker
#    comes from AL2023's core repositories too: https://docs.aws.amazon.com/linux/al2023/ug/ecs.html)
#    and starts the CloudWatch agent: logs, and on `gpu` the GPU metrics (EC2 itself publishes
#    CPUUtilization);
# 3. mounts the EFS model cache over TLS through its access point;
# 4. under a lock, downloads and extracts the model once per version (temp dir, rename,
#    then the `ready` marker), restoring no owner: the access point acts as one POSIX user;
#    an instance that finds the marker skips the download;
# 5. pulls the inference image (after `docker login` when it is an ECR image), then starts
#    the container on SERVER_PORT with MODEL_PATH and GPU_MEMORY_FRACTION, and the GPUs on `gpu`;
# 6. waits for GET HEALTH_PATH to answer 200 (SERVER_PORT and HEALTH_PATH are the SageMaker
#    inference container contract's 8080 and /ping, from the construct), starts the queue
#    agent, then CONTINUEs the launch lifecycle action.
#
# The launch hook's heartbeat timeout only has to cover the gap between two heartbeats: boot
# records one as each step starts and every HEARTBEAT_INTERVAL_SECONDS while a long step runs.
# Boot ABANDONs the launch lifecycle action, with the step and the reason in the log, when a
# step fails, when a long step shows no progress (output, or bytes written where it writes)
# for STALL_TIMEOUT_SECONDS (HEALTH_TIMEOUT_SECONDS for the health wait; the cache lock wait
# has only the budget, its holder being bounded by its own), or when the boot has run
# BOOT_BUDGET_SECONDS. A heartbeat that fails is logged and boot goes on.
#
# The config file (written by user data) sets NODE_MAJOR, MODEL_ARCHIVE_URL, MODEL_NAME, MODEL_VERSION,
# CONTAINER_IMAGE, PROCESSOR, GPU_MEMORY_FRACTION, MODEL_ENV_FILE, FILE_SYSTEM_ID, ACCESS_POINT_ID,
# LOG_GROUP_NAME, METRICS_NAMESPACE, SERVER_PORT, HEALTH_PATH, LAUNCH_HOOK_NAME, BOOT_BUDGET_SECONDS,
# HEARTBEAT_INTERVAL_SECONDS, STALL_TIMEOUT_SECONDS, HEALTH_TIMEOUT_SECONDS, AGENT_BUNDLE,
# AGENT_CONFIG and AGENT_STOP_TIMEOUT_SECONDS. The variables below locate the machine and set
# the polling pace; tests point them at a sandbox.
set -euo pipefail

CONFIG_FILE="${1:?usage: boot.sh CONFIG_FILE}"
ROOT="${ROOT:-}"
IMDS_ENDPOINT="${IMDS_ENDPOINT:-http://169.254.169.254}"
HEALTH_POLL_SECONDS="${HEALTH_POLL_SECONDS:-5}"
PROGRESS_POLL_SECONDS="${PROGRESS_POLL_SECONDS:-1}"
CWAGENT_CTL="${CWAGENT_CTL:-/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl}"

# shellcheck source=/dev/null
source "$CONFIG_FILE"
case "$PROCESSOR" in
  gpu | cpu) ;;
  *) echo "boot: PROCESSOR must be gpu or cpu, not '${PROCESSOR}'" >&2; exit 2 ;;
esac
# AL2023 namespaces each Node.js major: package nodejs<N>, binary /usr/bin/node-<N>
# (https://docs.aws.amazon.com/linux/al2023/ug/nodejs.html).
NODE_BIN="${NODE_BIN:-/usr/bin/node-${NODE_MAJOR}}"
SERVER_URL="${SERVER_URL:-http://127.0.0.1:${SERVER_PORT}}"
HEALTH_URL="${SERVER_URL}${HEALTH_PATH}"

LOG_DIR="${ROOT}/var/log/ai-inference"
ETC_DIR="${ROOT}/etc/ai-inference"
mkdir -p "$LOG_DIR" "$ETC_DIR"
exec > >(tee -a "${LOG_DIR}/boot.log") 2>&1
# Job control: each watched command runs in its own process group, so a stuck one is killed
# with everything it started.
set -m

log() { printf '%s boot: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
die() { log "$*"; exit 1; }

step="reading instance metadata"
instance_id=""
region=""
asg_name=""
scratch_dir=""
work_dir=""
running=""
running_output=""
heartbeat_at=$SECONDS
phase=""
phase_started_ms=""
phase_data=()

complete_launch_action() {
  aws autoscaling complete-lifecycle-action --region "$region" \
    --auto-scaling-group-name "$asg_name" --lifecycle-hook-name "$LAUNCH_HOOK_NAME" \
    --instance-id "$instance_id" --lifecycle-action-result "$1"
}

heartbeat() {
  heartbeat_at=$SECONDS
  aws autoscaling record-lifecycle-action-heartbeat --region "$region" \
    --auto-scaling-group-name "$asg_name" --lifecycle-hook-name "$LAUNCH_HOOK_NAME" \
    --instance-id "$instance_id" \
    || log "could not record a lifecycle heartbeat while ${step}; going on"
}

check_budget() {
  if (( SECONDS >= BOOT_BUDGET_SECONDS )); then die "past the boot budget of ${BOOT_BUDGET_SECONDS}s while ${step}"; fi
}

# Milliseconds since the epoch (EPOCHREALTIME holds microseconds, whatever the locale's separator).
now_ms() {
  local micros="${EPOCHREALTIME//[!0-9]/}"
  echo $(( micros / 1000 ))
}

# Seconds since the kernel started, e.g. 41.27 (the first field of /proc/uptime).
uptime_seconds() {
  local up
  read -r up _ < /proc/uptime
  echo "$up"
}

# One BootPhaseSeconds datum: PHASE took MILLISECONDS.
record_phase() {
  phase_data+=("$(printf '{"MetricName":"BootPhaseSeconds","Dimensions":[{"Name":"AutoScalingGroupName","Value":"%s"},{"Name":"Phase","Value":"%s"}],"Value":%d.%03d,"Unit":"Seconds"}' \
    "$asg_name" "$1" "$(( $2 / 1000 ))" "$(( $2 % 1000 ))")")
}

# Ends the phase running (its duration becomes a datum) and starts PHASE, or none when empty.
next_phase() {
  local now
  now="$(now_ms)"
  if [[ -n "$phase" ]]; then record_phase "$phase" "$(( now - phase_started_ms ))"; fi
  phase="$1"
  phase_started_ms="$now"
}

# Publishes the boot's phase durations in one PutMetricData call, to the namespace of the GPU
# metrics, so real boots can replace the fleet's expected boot time. A failure is only logged.
publish_boot_metrics() {
  if [[ -z "$asg_name" || ${#phase_data[@]} -eq 0 ]]; then return 0; fi
  local data
  data="$(IFS=,; echo "[${phase_data[*]}]")"
  aws cloudwatch put-metric-data --region "$region" --namespace "$METRICS_NAMESPACE" --metric-data "$data" \
    || log "could not publish the boot phase metrics; going on"
}

# Starts a step of phase PHASE: logs TEXT, checks the budget and records a heartbeat.
begin() {
  next_phase "$1"
  step="$2"
  log "${step}"
  check_budget
  heartbeat
}

# Disk usage of DIR (allocated and apparent bytes), one sign of a step's progress.
usage() {
  if [[ -n "$1" ]]; then
    du -sk "$1" 2>/dev/null || true
    du -sb "$1" 2>/dev/null || true
  fi
}

# Prints what FILE gained since byte SHOWN; sets `shown` to its new size.
show_output() {
  local size
  size="$(stat -c %s "$1")"
  if (( size > shown )); then
    tail -c "+$(( shown + 1 ))" "$1" | head -c "$(( size - shown ))" || true
    shown=$size
  fi
}

# watch STALL DIR COMMAND...: runs COMMAND (a program or a function) as the current step's work,
# its output shown in the log. Progress is new output, or bytes written under DIR (none when
# DIR is empty). Records a heartbeat every HEARTBEAT_INTERVAL_SECONDS while COMMAND runs; fails
# the boot when it shows no progress for STALL seconds or the boot budget is spent. Returns
# COMMAND's status.
watch() {
  local stall="$1" dir="$2" mark last_mark="" progress_at=$SECONDS shown=0 status=0
  shift 2
  running_output="$(mktemp)"
  "$@" > "$running_output" 2>&1 &
  running=$!
  while kill -0 "$running" 2>/dev/null; do
    sleep "$PROGRESS_POLL_SECONDS"
    show_output "$running_output"
    mark="${shown} $(usage "$dir")"
    if [[ "$mark" != "$last_mark" ]]; then
      last_mark="$mark"
      progress_at=$SECONDS
    fi
    check_budget
    if (( SECONDS - progress_at >= stall )); then die "stuck: no progress for ${stall}s while ${step}"; fi
    if (( SECONDS - heartbeat_at >= HEARTBEAT_INTERVAL_SECONDS )); then heartbeat; fi
  done
  wait "$running" || status=$?
  running=""
  show_output "$running_output"
  rm -f "$running_output"
  running_output=""
  return "$status"
}

# Logs docker in to the ECR registry REGISTRY of region REGION.
ecr_login() {
  aws ecr get-login-password --region "$2" | docker login --username AWS --password-stdin "$1"
}

wait_for_health() {
  until [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "$HEALTH_URL" || true)" == 200 ]]; do
    sleep "$HEALTH_POLL_SECONDS"
  done
}

on_exit() {
  local status=$?
  if [[ -n "$running" ]]; then
    kill -TERM -- "-${running}" 2>/dev/null || true
    wait "$running" 2>/dev/null || true
  fi
  if [[ -n "$running_output" ]]; then rm -f "$running_output"; fi
  if [[ -n "$scratch_dir" ]]; then rm -rf "$scratch_dir"; fi
  if [[ -n "$work_dir" ]]; then rm -rf "$work_dir"; fi
  if (( status != 0 )); then
    log "FAILED while ${step} (exit ${status}): abandoning the launch lifecycle action"
    if [[ -n "$asg_name" ]]; then
      complete_launch_action ABANDON || log "could not abandon the launch lifecycle action"
    fi
  fi
  publish_boot_metrics
}
trap on_exit EXIT

token="$(curl -fsS -X PUT --max-time 5 --retry 5 --retry-connrefused \
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 21600' "${IMDS_ENDPOINT}/latest/api/token")"
imds() { curl -fsS --max-time 5 --retry 3 -H "X-aws-ec2-metadata-token: ${token}" "${IMDS_ENDPOINT}/latest/meta-data/$1"; }
instance_id="$(imds instance-id)"
region="$(imds placement/region)"

step="finding the Auto Scaling group of ${instance_id}"
group="$(aws autoscaling describe-auto-scaling-instances --region "$region" --instance-ids "$instance_id" \
  --query 'AutoScalingInstances[0].AutoScalingGroupName' --output text)"
if [[ -z "$group" || "$group" == "None" ]]; then die "instance ${instance_id} is not in an Auto Scaling group"; fi
asg_name="$group"
log "instance ${instance_id} of group ${asg_name} in ${region}, boot budget ${BOOT_BUDGET_SECONDS}s"
# Kernel start to here (the OS boot and cloud-init before user data): the first phase.
os_boot="$(uptime_seconds)"
os_boot_ms=$(( ${os_boot%.*} * 1000 + 10#${os_boot#*.} * 10 ))
record_phase os-boot "$os_boot_ms"

packages=(amazon-efs-utils amazon-cloudwatch-agent "nodejs${NODE_MAJOR}")
if [[ "$PROCESSOR" == cpu ]]; then packages+=(docker); fi
begin packages "installing ${packages[*]}"
watch "$STALL_TIMEOUT_SECONDS" "" dnf install -y -q "${packages[@]}" \
  || die "dnf could not install the packages"

begin cloudwatch-agent "starting the CloudWatch agent"
# The GPU metrics on `gpu` only: a CPU instance has no GPU, and EC2 publishes its CPUUtilization.
gpu_metrics=""
if [[ "$PROCESSOR" == gpu ]]; then
  gpu_metrics="$(cat <<EOF
  "metrics": {
    "namespace": "${METRICS_NAMESPACE}",
    "append_dimensions": { "AutoScalingGroupName": "\${aws:AutoScalingGroupName}", "InstanceId": "\${aws:InstanceId}" },
    "aggregation_dimensions": [["AutoScalingGroupName"]],
    "metrics_collected": {
      "nvidia_gpu": {
        "metrics_collection_interval": 60,
        "measurement": [
          { "name": "utilization_gpu", "rename": "GPUUtilization", "unit": "Percent" },
          { "name": "utilization_memory", "rename": "GPUMemoryUtilization", "unit": "Percent" },
          { "name": "memory_used", "rename": "GPUMemoryUsed", "unit": "Megabytes" }
        ]
      }
    }
  },
EOF
)"
fi
cat > "${ETC_DIR}/cloudwatch-agent.json" <<EOF
{
  "agent": { "region": "${region}" },
${gpu_metrics}
  "logs": {
    "logs_collected": {
      "files": {
        "collect_list": [
          { "file_path": "${LOG_DIR}/boot.log", "log_group_name": "${LOG_GROUP_NAME}", "log_stream_name": "{instance_id}/boot" },
          { "file_path": "${LOG_DIR}/agent.log", "log_group_name": "${LOG_GROUP_NAME}", "log_stream_name": "{instance_id}/agent" },
          { "file_path": "/opt/aws/amazon-cloudwatch-agent/logs/amazon-cloudwatch-agent.log", "log_group_name": "${LOG_GROUP_NAME}", "log_stream_name": "{instance_id}/cloudwatch-agent" }
        ]
      }
    }
  }
}
EOF
"$CWAGENT_CTL" -a fetch-config -m ec2 -s -c "file:${ETC_DIR}/cloudwatch-agent.json"

begin cache-mount "mounting the EFS model cache ${FILE_SYSTEM_ID}"
models="${ROOT}/models"
mkdir -p "$models"
fstab_line="${FILE_SYSTEM_ID}:/ ${models} efs _netdev,tls,iam,accesspoint=${ACCESS_POINT_ID} 0 0"
grep -qxF "$fstab_line" "${ROOT}/etc/fstab" 2>/dev/null || echo "$fstab_line" >> "${ROOT}/etc/fstab"
if ! mountpoint -q "$models"; then
  watch "$STALL_TIMEOUT_SECONDS" "" mount -t efs -o "tls,iam,accesspoint=${ACCESS_POINT_ID}" "${FILE_SYSTEM_ID}:/" "$models" \
    || die "could not mount ${FILE_SYSTEM_ID} on ${models}"
fi

model="${MODEL_NAME}/${MODEL_VERSION}"
model_dir="${models}/${model}"
archive_url="${MODEL_ARCHIVE_URL}"
mkdir -p "${models}/${MODEL_NAME}"
# An instance holding the lock is itself bounded by its budget, and its lock dies with it.
begin cache-lock "waiting for the lock on the cache of model ${model}"
exec 9> "${model_dir}.lock"
watch "$BOOT_BUDGET_SECONDS" "" flock 9 || die "could not lock ${model_dir}.lock"
if [[ -f "${model_dir}/ready" ]]; then
  log "model cache hit: ${model_dir} is ready, skipping the download"
else
  # Under the lock, anything here without a marker is a leftover of an instance that died mid-way.
  rm -rf "$model_dir" "${model_dir}".tmp.*
  scratch_dir="$(mktemp -d)"
  work_dir="$(mktemp -d "${model_dir}.tmp.XXXXXX")"
  begin model-download "downloading model ${model} from ${archive_url}"
  watch "$STALL_TIMEOUT_SECONDS" "$scratch_dir" \
    aws s3 cp --only-show-errors --region "$region" "$archive_url" "${scratch_dir}/model.tar.gz" \
    || die "could not download ${archive_url}"
  begin model-extract "extracting model ${model} into the cache"
  # The access point enforces one POSIX user: EFS runs every NFS call as that user, so the
  # chown a root tar makes to restore the archive's owners fails (EPERM) and tar exits 2
  # (https://docs.aws.amazon.com/efs/latest/ug/enforce-identity-access-points.html). Files
  # take the access point's user and the umask's modes instead.
  watch "$STALL_TIMEOUT_SECONDS" "$work_dir" \
    tar --no-same-owner --no-same-permissions -xzf "${scratch_dir}/model.tar.gz" -C "$work_dir" \
    || die "model archive ${archive_url} is corrupt: tar could not extract it"
  mv "$work_dir" "$model_dir"
  work_dir=""
  touch "${model_dir}/ready"
  log "model cached at ${model_dir}"
fi
exec 9>&-

begin image-pull "pulling the inference image ${CONTAINER_IMAGE}"
systemctl enable --now docker
ecr_image='^[0-9]{12}\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/'
if [[ "$CONTAINER_IMAGE" =~ $ecr_image ]]; then
  registry="${CONTAINER_IMAGE%%/*}"
  watch "$STALL_TIMEOUT_SECONDS" "" ecr_login "$registry" "${BASH_REMATCH[2]}" \
    || die "could not log docker in to the ECR registry ${registry}"
fi
watch "$STALL_TIMEOUT_SECONDS" "" docker pull "$CONTAINER_IMAGE" || die "could not pull ${CONTAINER_IMAGE}"

begin container-start "starting the inference container"
docker rm -f ai-inference >/dev/null 2>&1 || true
gpus=()
if [[ "$PROCESSOR" == gpu ]]; then gpus=(--gpus all); fi
docker run -d --name ai-inference --restart always "${gpus[@]}" -p "${SERVER_PORT}:${SERVER_PORT}" \
  -v "${model_dir}:/opt/ml/model:ro" \
  -e "MODEL_PATH=/opt/ml/model" -e "GPU_MEMORY_FRACTION=${GPU_MEMORY_FRACTION}" --env-file "$MODEL_ENV_FILE" \
  --log-driver awslogs --log-opt "awslogs-region=${region}" --log-opt "awslogs-group=${LOG_GROUP_NAME}" \
  --log-opt "awslogs-stream=${instance_id}/inference" \
  "$CONTAINER_IMAGE" serve

begin health "waiting for ${HEALTH_URL} to answer 200"
watch "$HEALTH_TIMEOUT_SECONDS" "" wait_for_health || die "could not poll ${HEALTH_URL}"
log "inference server healthy"

begin agent-start "starting the queue agent"
cat > "${ETC_DIR}/instance.env" <<EOF
INSTANCE_ID=${instance_id}
AUTOSCALING_GROUP_NAME=${asg_name}
AWS_REGION=${region}
EOF
mkdir -p "${ROOT}/etc/systemd/system"
cat > "${ROOT}/etc/systemd/system/ai-inference-agent.service" <<EOF
[Unit]
Description=ai-infra queue agent: feeds queued jobs to the inference server, drains on interruption
After=docker.service network-online.target
Wants=network-online.target

[Service]
EnvironmentFile=${ETC_DIR}/instance.env
ExecStart=${NODE_BIN} ${AGENT_BUNDLE} ${AGENT_CONFIG}
Restart=on-failure
RestartSec=5
TimeoutStopSec=${AGENT_STOP_TIMEOUT_SECONDS}
StandardOutput=append:${LOG_DIR}/agent.log
StandardError=append:${LOG_DIR}/agent.log

[Install]
WantedBy=multi-user.target
EOF
systemctl daemon-reload
systemctl enable --now ai-inference-agent.service

next_phase ""
step="completing the launch lifecycle action"
complete_launch_action CONTINUE
log "instance ${instance_id} is in service: launch lifecycle action continued"
