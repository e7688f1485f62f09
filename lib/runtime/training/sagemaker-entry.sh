#!/usr/bin/env bash
# Entry point (ContainerEntrypoint) of the SageMaker training jobs `npm run train -- start --on
# sagemaker` creates: gives the job the training contract it has on the cluster and the spot
# fleet, then runs TRAINING_COMMAND with `bash -c` from the code directory.
# SageMaker puts each input channel under /opt/ml/input/data/<channel> and describes the cluster
# in /opt/ml/input/config/resourceconfig.json ({"current_host": "algo-1", "hosts": [...]}), syncs
# /opt/ml/checkpoints with the CheckpointConfig URI and uploads /opt/ml/model as model.tar.gz
# (https://docs.aws.amazon.com/sagemaker/latest/dg/your-algorithms-training-algo-running-container.html).
# - the `code` channel's sourcedir.tar.gz is extracted into /opt/ml/code;
# - NNODES, NODE_RANK and MASTER_ADDR come from the sorted hosts: the first hosts the rendezvous;
# - CHECKPOINT_DIR, SM_MODEL_DIR, SM_CHANNEL_TRAINING, NPROC_PER_NODE as on EC2.
# ML_ROOT (/opt/ml) is for tests.
set -euo pipefail

: "${TRAINING_COMMAND:?TRAINING_COMMAND must be set in the training job Environment}"
ML_ROOT="${ML_ROOT:-/opt/ml}"
CONFIG="${ML_ROOT}/input/config/resourceconfig.json"

mkdir -p "${ML_ROOT}/code" "${ML_ROOT}/checkpoints" "${ML_ROOT}/model"
if [[ -f "${ML_ROOT}/input/data/code/sourcedir.tar.gz" ]]; then
  tar -xzf "${ML_ROOT}/input/data/code/sourcedir.tar.gz" -C "${ML_ROOT}/code"
fi

read -r NODE_RANK NNODES MASTER_ADDR < <(python3 -c '
import json, sys
config = json.load(open(sys.argv[1]))
hosts = sorted(config["hosts"])
print(hosts.index(config["current_host"]), len(hosts), hosts[0])
' "${CONFIG}")
gpus="$(nvidia-smi -L 2>/dev/null | grep -c '^GPU ' || true)"
export NODE_RANK NNODES MASTER_ADDR
export MASTER_PORT=29500 RDZV_ENDPOINT="${MASTER_ADDR}:29400"
export NPROC_PER_NODE="${gpus}" SM_NUM_GPUS="${gpus}"
export CHECKPOINT_DIR="${ML_ROOT}/checkpoints" SM_MODEL_DIR="${ML_ROOT}/model" SM_CHANNEL_TRAINING="${ML_ROOT}/input/data/training"

cd "${ML_ROOT}/code"
exec bash -c "${TRAINING_COMMAND}"
