#!/usr/bin/env python3
"""The reference for chapter 8's epoch: the same network and step in PyTorch, on the CPU.

784-128-10, sigmoid hidden layer, softmax with cross-entropy, plain SGD, float64, batch 64,
one thread, one 60 000-sample epoch on random data (speed does not depend on the data).
Prints one JSON object. Needs Debian's python3-torch (optional; not installed by the
README's set-up):

    python3 bench/pytorch_epoch.py
"""
import json
import time

import torch

torch.set_num_threads(1)
torch.manual_seed(0)
batch, sizes, samples = 64, (784, 128, 10), 60000
model = torch.nn.Sequential(
    torch.nn.Linear(sizes[0], sizes[1]), torch.nn.Sigmoid(), torch.nn.Linear(sizes[1], sizes[2])
).double()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
loss_fn = torch.nn.CrossEntropyLoss()
pool = [(torch.rand(batch, sizes[0], dtype=torch.float64), torch.randint(0, sizes[2], (batch,)))
        for _ in range(16)]


def epoch():
    for k in range(samples // batch):
        x, t = pool[k % len(pool)]
        optimizer.zero_grad()
        loss = loss_fn(model(x), t)
        loss.backward()
        optimizer.step()


epoch()  # warm up
times = []
for _ in range(3):
    start = time.perf_counter()
    epoch()
    times.append(time.perf_counter() - start)
steps = samples // batch
print(json.dumps({"system": f"PyTorch {torch.__version__} CPU, float64, 1 thread",
                  "epoch_seconds": sorted(times)[1] * samples / (steps * batch),
                  "runs": times}))
