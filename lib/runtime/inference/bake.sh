#!/usr/bin/env bash
# Bakes what boot.sh installs and pulls into an image: run once as root by EC2 Image Builder's
# build component on the fleet's AMI (the Deep Learning AMI for PROCESSOR=gpu, Amazon Linux 2023
# for PROCESSOR=cpu), with CONTAINER_IMAGE set to the serving image's build for the processor and
# NODE_MAJOR to the queue agent's Node.js major (boot.sh's, from the same constant).
# 1. installs the packages boot.sh installs (the same lines: a test compares the two);
# 2. pulls the serving image (after `docker login` when it is an ECR image), so boot.sh's own
#    pull finds every layer on disk.
# The queue agent and the boot script are not baked: user data downloads the deploy's own
# versions at each boot, so a fix to them never waits for an image build.
set -euo pipefail

: "${CONTAINER_IMAGE:?CONTAINER_IMAGE must name the serving image}"
: "${NODE_MAJOR:?NODE_MAJOR must name the Node.js major of the queue agent}"
case "${PROCESSOR:-}" in
  gpu | cpu) ;;
  *) echo "bake: PROCESSOR must be gpu or cpu, not '${PROCESSOR:-}'" >&2; exit 2 ;;
esac

log() { printf '%s bake: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"; }

packages=(amazon-efs-utils amazon-cloudwatch-agent "nodejs${NODE_MAJOR}")
if [[ "$PROCESSOR" == cpu ]]; then packages+=(docker); fi
log "installing ${packages[*]}"
dnf install -y -q "${packages[@]}"

log "pulling the inference image ${CONTAINER_IMAGE}"
systemctl enable --now docker
ecr_image='^[0-9]{12}\.dkr\.ecr(-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?/'
registry=""
if [[ "$CONTAINER_IMAGE" =~ $ecr_image ]]; then
  registry="${CONTAINER_IMAGE%%/*}"
  aws ecr get-login-password --region "${BASH_REMATCH[2]}" | docker login --username AWS --password-stdin "$registry"
fi
docker pull "$CONTAINER_IMAGE"
# The registry token must not stay in the image.
if [[ -n "$registry" ]]; then docker logout "$registry"; fi
log "baked ${CONTAINER_IMAGE}"
