"""A stand-in for torchrun's static rendezvous, for the launcher's two-node drill (no torch here).

Rank 0 listens on $MASTER_ADDR:$MASTER_PORT, as torch.distributed's TCP store does, and waits
for the $NNODES - 1 other ranks; each other rank connects and sends its rank; rank 0 answers
every one with the ranks it gathered. Each node writes what it saw, and its
training environment, to $SM_MODEL_DIR/rendezvous.json.
"""
import json
import os
import socket
import time

rank = int(os.environ["NODE_RANK"])
nodes = int(os.environ["NNODES"])
master = (os.environ["MASTER_ADDR"], int(os.environ["MASTER_PORT"]))
keys = ["RUN_ID", "NNODES", "NODE_RANK", "MASTER_ADDR", "MASTER_PORT", "RDZV_ENDPOINT", "NPROC_PER_NODE", "CHECKPOINT_DIR", "SM_MODEL_DIR", "SM_CHANNEL_TRAINING", "FI_PROVIDER", "FI_EFA_USE_DEVICE_RDMA"]
seen = {"env": {key: os.environ.get(key) for key in keys}}

if rank == 0:
    server = socket.create_server(master)
    server.settimeout(30)
    peers = []
    while len(peers) < nodes - 1:
        connection, _ = server.accept()
        peers.append((connection, int(connection.recv(64).decode())))
    world = sorted([0] + [peer_rank for _, peer_rank in peers])
    for connection, _ in peers:
        connection.sendall(json.dumps(world).encode())
        connection.close()
else:
    deadline = time.time() + 30
    while True:
        try:
            connection = socket.create_connection(master, timeout=5)
            break
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)
    connection.sendall(str(rank).encode())
    world = json.loads(connection.recv(4096).decode())
seen["world"] = world
with open(os.path.join(os.environ["SM_MODEL_DIR"], "rendezvous.json"), "w") as out:
    json.dump(seen, out)
