#!/usr/bin/env bash
# Publishes the instance's average GPU utilization to CloudWatch every PERIOD_SECONDS as
# AI/Custom GPUUtilization with the dimension AutoScalingGroupName, the metric the idle-shutdown
# alarm watches. The group name is AUTO_SCALING_GROUP_NAME when set (spot fleet instances report
# under their cluster's group), else the instance's aws:autoscaling:groupName tag read through
# IMDSv2 (the launch template enables instance metadata tags).
set -euo pipefail

PERIOD_SECONDS="${PERIOD_SECONDS:-60}"
IMDS="http://169.254.169.254/latest"

imds() {
  local token
  token="$(curl -sf -X PUT "${IMDS}/api/token" -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')"
  curl -sf -H "X-aws-ec2-metadata-token: ${token}" "${IMDS}/$1"
}

group_name="${AUTO_SCALING_GROUP_NAME:-$(imds meta-data/tags/instance/aws:autoscaling:groupName)}"
region="$(imds meta-data/placement/region)"

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
