#!/usr/bin/env python3
"""The references for the chapters' epochs: the same network and step in PyTorch, on the CPU.

    --network ch08   chapter 8's: 784-128-10, sigmoid hidden layer, plain SGD (lr 0.1)
    --network ch09   chapter 9's: 784-256-128-10 ReLU, SGD with momentum 0.9 and weight decay
                     1e-4 (lr 0.05)
    --precision      float64 (the default, the library's precision) or float32

Both with softmax and cross-entropy, batch 64, one thread, one 60 000-sample epoch on random
data from a pool of 16 batches (speed does not depend on the data), the training loop only.
Prints one JSON object: the median of three timed epochs after one to warm up. Needs Debian's
python3-torch (optional; not installed by the README's set-up):

    /usr/bin/python3 bench/pytorch_epoch.py --network ch09 --precision float32
"""
import argparse
import json
import os
import time

# One thread, set before PyTorch loads its OpenMP and BLAS.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"

import torch  # noqa: E402  (after the environment above)

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--network", choices=["ch08", "ch09"], default="ch08")
parser.add_argument("--precision", choices=["float64", "float32"], default="float64")
args = parser.parse_args()

torch.set_num_threads(1)
torch.manual_seed(0)
dtype = torch.float64 if args.precision == "float64" else torch.float32
batch, samples = 64, 60000
if args.network == "ch08":
    sizes = (784, 128, 10)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 128), torch.nn.Sigmoid(), torch.nn.Linear(128, 10))
    make_optimizer = lambda parameters: torch.optim.SGD(parameters, lr=0.1)
else:
    sizes = (784, 256, 128, 10)
    model = torch.nn.Sequential(
        torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128), torch.nn.ReLU(),
        torch.nn.Linear(128, 10))
    make_optimizer = lambda parameters: torch.optim.SGD(
        parameters, lr=0.05, momentum=0.9, weight_decay=1e-4)
model = model.to(dtype)
optimizer = make_optimizer(model.parameters())
loss_fn = torch.nn.CrossEntropyLoss()
pool = [(torch.rand(batch, sizes[0], dtype=dtype), torch.randint(0, sizes[-1], (batch,)))
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
print(json.dumps({"system": f"PyTorch {torch.__version__} CPU, {args.precision}, 1 thread",
                  "network": "-".join(map(str, sizes)),
                  "precision": args.precision,
                  "epoch_seconds": sorted(times)[1] * samples / (steps * batch),
                  "runs": times}))
