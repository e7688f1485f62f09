#!/usr/bin/env bash
# Boots one instance of the GPU inference fleet; run once by user data as root:
#   boot.sh /etc/ai-inference/boot.env
# 1. reads the instance id and region from IMDSv2 and finds the instance's Auto Scaling group;
# 2. installs amazon-efs-utils, the CloudWatch agent and Node.js 20 from dnf (Docker and the
#    NVIDIA container toolkit come with the Deep Learning AMI) and starts the CloudWatch agent;
# 3. mounts the EFS model cache over TLS through its access point;
# 4. under a lock, downloads and extracts the model once per version (temp dir, rename,
#    then the `ready` marker); an instance that finds the marker skips the download;
# 5. starts the inference container on port 8080 with the GPUs, MODEL_PATH and GPU_MEMORY_FRACTION;
# 6. waits for /health to answer 200, starts the queue agent, then CONTINUEs the launch
#    lifecycle action. Any failure ABANDONs it, with the reason in the log.
#
# The config file (written by user data) sets MODEL_BUCKET, MODEL_NAME, MODEL_VERSION,
# CONTAINER_IMAGE, GPU_MEMORY_FRACTION, MODEL_ENV_FILE, FILE_SYSTEM_ID, ACCESS_POINT_ID,
# LOG_GROUP_NAME, LAUNCH_HOOK_NAME, HEALTH_TIMEOUT_SECONDS, AGENT_BUNDLE, AGENT_CONFIG and
# AGENT_STOP_TIMEOUT_SECONDS. The variables below locate the machine; tests point them at a sandbox.
set -euo pipefail

CONFIG_FILE="${1:?usage: boot.sh CONFIG_FILE}"
ROOT="${ROOT:-}"
IMDS_ENDPOINT="${IMDS_ENDPOINT:-http://169.254.169.254}"
HEALTH_URL="${HEALTH_URL:-http://127.0.0.1:8080/health}"
HEALTH_POLL_SECONDS="${HEALTH_POLL_SECONDS:-5}"
LOCK_TIMEOUT_SECONDS="${LOCK_TIMEOUT_SECONDS:-1800}"
NODE_BIN="${NODE_BIN:-/usr/bin/node-20}"
CWAGENT_CTL="${CWAGENT_CTL:-/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl}"

# shellcheck source=/dev/null
source "$CONFIG_FILE"

LOG_DIR="${ROOT}/var/log/ai-inference"
ETC_DIR="${ROOT}/etc/ai-inference"
mkdir -p "$LOG_DIR" "$ETC_DIR"
exec > >(tee -a "${LOG_DIR}/boot.log") 2>&1

log() { printf '%s boot: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }
die() { log "$*"; exit 1; }

step="reading instance metadata"
instance_id=""
region=""
asg_name=""
scratch_dir=""
work_dir=""

complete_launch_action() {
  aws autoscaling complete-lifecycle-action --region "$region" \
    --auto-scaling-group-name "$asg_name" --lifecycle-hook-name "$LAUNCH_HOOK_NAME" \
    --instance-id "$instance_id" --lifecycle-action-result "$1"
}

on_exit() {
  local status=$?
  if [[ -n "$scratch_dir" ]]; then rm -rf "$scratch_dir"; fi
  if [[ -n "$work_dir" ]]; then rm -rf "$work_dir"; fi
  if (( status != 0 )); then
    log "FAILED while ${step} (exit ${status}): abandoning the launch lifecycle action"
    if [[ -n "$asg_name" ]]; then
      complete_launch_action ABANDON || log "could not abandon the launch lifecycle action"
    fi
  fi
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
log "instance ${instance_id} of group ${asg_name} in ${region}"

step="installing amazon-efs-utils, amazon-cloudwatch-agent and nodejs20"
dnf install -y -q amazon-efs-utils amazon-cloudwatch-agent nodejs20

step="starting the CloudWatch agent"
cat > "${ETC_DIR}/cloudwatch-agent.json" <<EOF
{
  "agent": { "region": "${region}" },
  "metrics": {
    "namespace": "AI/Custom",
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

step="mounting the EFS model cache ${FILE_SYSTEM_ID}"
models="${ROOT}/models"
mkdir -p "$models"
fstab_line="${FILE_SYSTEM_ID}:/ ${models} efs _netdev,tls,iam,accesspoint=${ACCESS_POINT_ID} 0 0"
grep -qxF "$fstab_line" "${ROOT}/etc/fstab" 2>/dev/null || echo "$fstab_line" >> "${ROOT}/etc/fstab"
mountpoint -q "$models" || mount -t efs -o "tls,iam,accesspoint=${ACCESS_POINT_ID}" "${FILE_SYSTEM_ID}:/" "$models"

step="caching model ${MODEL_NAME}/${MODEL_VERSION}"
model_dir="${models}/${MODEL_NAME}/${MODEL_VERSION}"
archive_url="s3://${MODEL_BUCKET}/models/${MODEL_NAME}/${MODEL_VERSION}/model.tar.gz"
mkdir -p "${models}/${MODEL_NAME}"
exec 9> "${model_dir}.lock"
flock -w "$LOCK_TIMEOUT_SECONDS" 9 || die "waited ${LOCK_TIMEOUT_SECONDS}s for the lock on ${model_dir}"
if [[ -f "${model_dir}/ready" ]]; then
  log "model cache hit: ${model_dir} is ready, skipping the download"
else
  # Under the lock, anything here without a marker is a leftover of an instance that died mid-way.
  rm -rf "$model_dir" "${model_dir}".tmp.*
  scratch_dir="$(mktemp -d)"
  work_dir="$(mktemp -d "${model_dir}.tmp.XXXXXX")"
  aws s3 cp --only-show-errors --region "$region" "$archive_url" "${scratch_dir}/model.tar.gz" \
    || die "could not download ${archive_url}"
  tar -xzf "${scratch_dir}/model.tar.gz" -C "$work_dir" || die "model archive ${archive_url} is corrupt: tar could not extract it"
  mv "$work_dir" "$model_dir"
  work_dir=""
  touch "${model_dir}/ready"
  log "model cached at ${model_dir}"
fi
exec 9>&-

step="starting the inference container ${CONTAINER_IMAGE}"
systemctl enable --now docker
docker rm -f ai-inference >/dev/null 2>&1 || true
docker run -d --name ai-inference --restart always --gpus all -p 8080:8080 \
  -v "${model_dir}:${model_dir}:ro" \
  -e "MODEL_PATH=${model_dir}" -e "GPU_MEMORY_FRACTION=${GPU_MEMORY_FRACTION}" --env-file "$MODEL_ENV_FILE" \
  --log-driver awslogs --log-opt "awslogs-region=${region}" --log-opt "awslogs-group=${LOG_GROUP_NAME}" \
  --log-opt "awslogs-stream=${instance_id}/inference" \
  "$CONTAINER_IMAGE"

step="waiting for ${HEALTH_URL} to answer 200"
deadline=$(( SECONDS + HEALTH_TIMEOUT_SECONDS ))
until [[ "$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "$HEALTH_URL" || true)" == 200 ]]; do
  (( SECONDS < deadline )) || die "the inference server did not answer 200 on ${HEALTH_URL} within ${HEALTH_TIMEOUT_SECONDS}s"
  sleep "$HEALTH_POLL_SECONDS"
done
log "inference server healthy"

step="starting the queue agent"
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

step="completing the launch lifecycle action"
complete_launch_action CONTINUE
log "instance ${instance_id} is in service: launch lifecycle action continued"
