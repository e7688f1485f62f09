#!/usr/bin/env bash
# Prints the private IPv4 addresses of the running members of a training capacity, one per
# line, in ascending numeric order: every node computes the same list, the first address hosts
# the rendezvous, and a node's rank is its line's index. No SSH, no shared file system: the
# EC2 and Auto Scaling APIs are the source of truth.
#   discover-peers.sh autoscaling <group name> <region>   the group's InService instances
#   discover-peers.sh fleet <fleet id> <region>           the EC2 Fleet's active instances
# (DescribeAutoScalingGroups: Instances[].LifecycleState; DescribeFleetInstances: ActiveInstances;
# DescribeInstances: State.Name and PrivateIpAddress.)
set -euo pipefail

usage='usage: discover-peers.sh autoscaling|fleet <group name|fleet id> <region>'
kind="${1:?${usage}}"
id="${2:?${usage}}"
region="${3:?${usage}}"

case "${kind}" in
  autoscaling)
    ids="$(aws autoscaling describe-auto-scaling-groups --region "${region}" --auto-scaling-group-names "${id}" \
      --query "AutoScalingGroups[0].Instances[?LifecycleState=='InService'].InstanceId" --output text)"
    ;;
  fleet)
    ids="$(aws ec2 describe-fleet-instances --region "${region}" --fleet-id "${id}" \
      --query 'ActiveInstances[].InstanceId' --output text)"
    ;;
  *)
    echo "discover-peers: unknown capacity kind \"${kind}\": ${usage}" >&2
    exit 2
    ;;
esac
if [[ -z "${ids}" || "${ids}" == None ]]; then
  exit 0
fi

read -r -a instance_ids <<< "${ids}"
aws ec2 describe-instances --region "${region}" --instance-ids "${instance_ids[@]}" \
  --query "Reservations[].Instances[] | [?State.Name=='running'].PrivateIpAddress" --output text \
  | tr '\t' '\n' | { grep -v '^$' || true; } | sort -t . -k1,1n -k2,2n -k3,3n -k4,4n
