"""A tiny training job that honours the training contract, for the launcher's drills.

It resumes from the newest ckpt-<step>.json in $CHECKPOINT_DIR, runs one step every
$STEP_SECONDS up to $TOTAL_STEPS, writes a checkpoint after each step (write, then rename), logs
what it ran to $CHECKPOINT_DIR/history.log, and on SIGTERM stops after the current step and exits 0.
When done it writes model.json to $SM_MODEL_DIR with the steps and the data it read from
$SM_CHANNEL_TRAINING. $FAIL_FIRST_ATTEMPTS makes the first attempts exit 3 (a crash).
"""
import json
import os
import signal
import time

checkpoints = os.environ["CHECKPOINT_DIR"]
total = int(os.environ.get("TOTAL_STEPS", "20"))
step_seconds = float(os.environ.get("STEP_SECONDS", "0.1"))
stop = False


def on_term(_signum, _frame):
    global stop
    stop = True


signal.signal(signal.SIGTERM, on_term)


def history(line):
    with open(os.path.join(checkpoints, "history.log"), "a") as log:
        log.write(line + "\n")


steps = [int(name[5:-5]) for name in os.listdir(checkpoints) if name.startswith("ckpt-") and name.endswith(".json")]
step = max(steps, default=0)
failures = os.path.join(checkpoints, "failures")
if os.path.exists(failures) or os.environ.get("FAIL_FIRST_ATTEMPTS"):
    count = int(open(failures).read()) if os.path.exists(failures) else 0
    if count < int(os.environ.get("FAIL_FIRST_ATTEMPTS", "0")):
        open(failures, "w").write(str(count + 1))
        history(f"crash at {step}")
        raise SystemExit(3)
history(f"start {step} rank {os.environ['NODE_RANK']} of {os.environ['NNODES']}")
while step < total and not stop:
    time.sleep(step_seconds)
    step += 1
    temporary = os.path.join(checkpoints, f".ckpt-{step}.json.tmp")
    with open(temporary, "w") as checkpoint:
        json.dump({"step": step}, checkpoint)
    os.rename(temporary, os.path.join(checkpoints, f"ckpt-{step}.json"))
    history(f"step {step}")
if stop:
    history(f"stopped at {step}")
    raise SystemExit(0)
data = open(os.path.join(os.environ["SM_CHANNEL_TRAINING"], "data.txt")).read().strip()
with open(os.path.join(os.environ["SM_MODEL_DIR"], "model.json"), "w") as model:
    json.dump({"steps": step, "data": data}, model)
history("done")
