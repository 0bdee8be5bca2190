"""PyTorch's own trajectories of the digits and breast-cancer sample trainers, in the samples' output format.

Run from the repository root with Debian's python3-torch (any PyTorch 1.13 or later):
    /usr/bin/python3 tests/FastLoss.Tests/TestData/trajectories/pytorch_trajectories.py
It writes <trainer>-<float|double>.txt next to itself; SampleTests compares the samples' runs with them.
The specification is the samples' (samples/FastLoss.Samples/Digits.cs, BreastCancer.cs): zero initial
parameters, full-batch gradient descent, the mean loss before each step, then the final loss and the
training accuracy.
"""
import gzip
import os

import numpy as np
import torch

torch.set_num_threads(1)
here = os.path.dirname(os.path.abspath(__file__))
data = os.path.join(here, '..', '..', '..', '..', 'samples', 'FastLoss.Samples', 'Data')


def fmt(v, dtype):
    # The shortest text that parses back to the same float32 or float64, as .NET prints it.
    if dtype == torch.float32:
        s = np.format_float_positional(np.float32(v), unique=True, trim='-')
    else:
        s = repr(float(v))
    return s


def run(name, dtype, x, t, loss_fn, lr, shape, predict):
    w = torch.zeros(*shape, dtype=dtype, requires_grad=True)
    b = torch.zeros(shape[1] if len(shape) > 1 else 1, dtype=dtype, requires_grad=True)
    lines = []
    for i in range(200):
        z = x @ w + b if len(shape) > 1 else x @ w + b[0]
        loss = loss_fn(z, t)
        lines.append(f'step {i} loss {fmt(loss.item(), dtype)}')
        w.grad = None
        b.grad = None
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
    with torch.no_grad():
        z = x @ w + b if len(shape) > 1 else x @ w + b[0]
        lines.append(f'final loss {fmt(loss_fn(z, t).item(), dtype)}')
        lines.append(f'accuracy {repr(float(predict(z, t)))}')
    suffix = 'float' if dtype == torch.float32 else 'double'
    with open(os.path.join(here, f'{name}-{suffix}.txt'), 'w') as f:
        f.write('\n'.join(lines) + '\n')


digits = np.loadtxt(gzip.open(os.path.join(data, 'digits.csv.gz')), delimiter=',')
cancer = np.loadtxt(os.path.join(data, 'breast_cancer.csv'), delimiter=',', skiprows=1)
features = cancer[:, :30]
features = (features - features.mean(0)) / features.std(0)
for dtype in (torch.float32, torch.float64):
    run('digits', dtype, torch.tensor(digits[:, :64] / 16, dtype=dtype), torch.tensor(digits[:, 64], dtype=torch.long),
        torch.nn.functional.cross_entropy, 0.5, (64, 10), lambda z, y: (z.argmax(1) == y).double().mean().item())
    run('breast-cancer', dtype, torch.tensor(features, dtype=dtype), torch.tensor(cancer[:, 30], dtype=dtype),
        torch.nn.functional.binary_cross_entropy_with_logits, 0.1, (30,), lambda z, y: ((z > 0).to(y.dtype) == y).double().mean().item())
