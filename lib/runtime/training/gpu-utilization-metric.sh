#!/usr/bin/env bash
# Publishes the instance's average GPU utilization to CloudWatch every PERIOD_SECONDS as
# AI/Custom GPUUtilization with the dimension AutoScalingGroupName, the metric the idle-shutdown
# alarm watches. The group name is AUTO_SCALING_GROUP_NAME when set (spot fleet instances report
# under their cluster's group), else the instance's own group, which Auto Scaling's
# DescribeAutoScalingInstances names (retried until the instance is attached to it).
set -euo pipefail

PERIOD_SECONDS="${PERIOD_SECONDS:-60}"
IMDS="http://169.254.169.254/latest"

imds() {
  local token
  token="$(curl -sf -X PUT "${IMDS}/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')"
  curl -sf -H "X-aws-ec2-metadata-token: ${token}" "${IMDS}/$1"
}

region="$(imds meta-data/placement/region)"
group_name="${AUTO_SCALING_GROUP_NAME:-}"
if [[ -z "${group_name}" ]]; then
  instance_id="$(imds meta-data/instance-id)"
  group_name="$(aws autoscaling describe-auto-scaling-instances --region "${region}" --instance-ids "${instance_id}" \
    --query 'AutoScalingInstances[0].AutoScalingGroupName' --output text)"
fi
if [[ -z "${group_name}" || "${group_name}" == None ]]; then
  echo "gpu-utilization-metric: instance is in no Auto Scaling group yet; systemd restarts this script" >&2
  exit 1
fi

while true; do
  utilization="$(nvidia-smi --query-gpu=utilization.gpu --format=csv,noheader,nounits \
    | awk '{ sum += $1; n++ } END { if (n > 0) printf "%.1f", sum / n }')"
  if [[ -n "${utilization}" ]]; then
    aws cloudwatch put-metric-data --region "${region}" --namespace AI/Custom \
      --metric-name GPUUtilization --unit Percent --value "${utilization}" \
      --dimensions "AutoScalingGroupName=${group_name}" \
      || echo "gpu-utilization-metric: put-metric-data failed; retrying next period" >&2
  fi
  sleep "${PERIOD_SECONDS}"
done
