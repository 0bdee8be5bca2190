"""Conformance cases for FastLoss's losses, computed by PyTorch itself (float64, autograd for the gradients).

Writes gzipped JSON lines in the format of pytorch-losses.jsonl.gz (see README.md next to this script). The
inputs are drawn from each loss's domain and rounded to float32, so that one case serves float and double.

    /usr/bin/python3 tests/FastLoss.Tests/TestData/generate_pytorch_cases.py --loss huber --count 20 \
        --out tests/FastLoss.Tests/TestData/pytorch-losses-huber.jsonl.gz

Every file named pytorch-losses-*.jsonl.gz in TestData is run by GoldenTests beside the shipped cases, for float
and double, at the README's tolerances. Needs PyTorch (Debian: apt-get install python3-torch) and numpy.
"""
import argparse
import gzip
import json

import numpy as np
import torch
import torch.nn.functional as F

LOSSES = ['mse', 'mae', 'rmse', 'huber', 'smooth_l1', 'log_cosh', 'quantile', 'poisson_nll', 'bce', 'bce_logits',
          'hinge', 'squared_hinge', 'focal', 'cross_entropy', 'cross_entropy_soft', 'nll', 'kl_div']
MULTI_CLASS = {'cross_entropy', 'cross_entropy_soft', 'nll', 'kl_div'}


def f32(a):
    """Rounded to float32, returned in float64."""
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def reduce(per, reduction):
    return per.mean() if reduction == 'mean' else per.sum()


def element_case(loss, rng, n, reduction):
    """(params, input, target, weight, value function of the input tensor) for an element-wise loss."""
    params, weight = {}, None
    x = f32(rng.normal(0, 3, n))
    t = f32(rng.normal(0, 3, n))
    if loss == 'mse':
        fn = lambda p: F.mse_loss(p, tt, reduction=reduction)
    elif loss == 'mae':
        fn = lambda p: F.l1_loss(p, tt, reduction=reduction)
    elif loss == 'rmse':
        fn = lambda p: torch.sqrt(F.mse_loss(p, tt))
    elif loss == 'huber':
        params['delta'] = float(f32(rng.choice([0.5, 1.0, 2.0])))
        fn = lambda p: F.huber_loss(p, tt, reduction=reduction, delta=params['delta'])
    elif loss == 'smooth_l1':
        params['beta'] = float(f32(rng.choice([0.0, 0.5, 1.0, 2.0])))
        fn = lambda p: F.smooth_l1_loss(p, tt, reduction=reduction, beta=params['beta'])
    elif loss == 'log_cosh':
        fn = lambda p: reduce(torch.log(torch.cosh(p - tt)), reduction)
    elif loss == 'quantile':
        params['quantile'] = float(f32(rng.choice([0.1, 0.5, 0.9])))
        q = params['quantile']
        fn = lambda p: reduce(torch.maximum(q * (tt - p), (q - 1) * (tt - p)), reduction)
    elif loss == 'poisson_nll':
        x = f32(rng.normal(0, 1, n))
        t = f32(rng.poisson(2.0, n))
        fn = lambda p: F.poisson_nll_loss(p, tt, log_input=True, full=False, reduction=reduction)
    elif loss == 'bce':
        x = f32(rng.uniform(0.01, 0.99, n))
        t = f32(rng.integers(0, 2, n))
        if rng.random() < 0.5:
            weight = f32(rng.uniform(0, 2, n))
        fn = lambda p: F.binary_cross_entropy(p, tt, weight=None if weight is None else torch.tensor(weight), reduction=reduction)
    elif loss == 'bce_logits':
        t = f32(rng.integers(0, 2, n))
        if rng.random() < 0.5:
            weight = f32(rng.uniform(0, 2, n))
        if rng.random() < 0.5:
            params['pos_weight'] = float(f32(rng.choice([0.5, 2.5])))
        pw = params.get('pos_weight')
        fn = lambda p: F.binary_cross_entropy_with_logits(p, tt, weight=None if weight is None else torch.tensor(weight),
                                                          pos_weight=None if pw is None else torch.tensor(pw, dtype=torch.float64), reduction=reduction)
    elif loss in ('hinge', 'squared_hinge'):
        t = f32(rng.choice([-1.0, 1.0], n))
        power = 2 if loss == 'squared_hinge' else 1
        fn = lambda p: reduce(torch.clamp(1 - tt * p, min=0) ** power, reduction)
    elif loss == 'focal':
        t = f32(rng.integers(0, 2, n))
        params['alpha'] = float(rng.choice([0.25, 0.5, -1.0]))
        params['gamma'] = float(rng.choice([0.0, 1.0, 2.0, 1.5]))
        a, g = params['alpha'], params['gamma']

        def fn(p):
            prob = torch.sigmoid(p)
            ce = F.binary_cross_entropy_with_logits(p, tt, reduction='none')
            pt = prob * tt + (1 - prob) * (1 - tt)
            per = ce * (1 - pt) ** g
            if a >= 0:
                per = (a * tt + (1 - a) * (1 - tt)) * per
            return reduce(per, reduction)
    else:
        raise ValueError(loss)
    tt = torch.tensor(t)
    return params, x, t, weight, fn


def multi_class_case(loss, rng, rows, classes, reduction):
    """(params, input, target, class weights, value function, shape) for a row loss."""
    params, class_weights = {}, None
    x = f32(rng.normal(0, 2, (rows, classes)))
    if loss in ('cross_entropy', 'nll'):
        labels = rng.integers(0, classes, rows)
        if rng.random() < 0.3:
            labels[rng.random(rows) < 0.2] = -100
            params['ignore_index'] = -100
        if rng.random() < 0.5:
            class_weights = f32(rng.uniform(0.1, 2, classes))
        w = None if class_weights is None else torch.tensor(class_weights)
        if loss == 'cross_entropy':
            if rng.random() < 0.5:
                params['label_smoothing'] = float(rng.choice([0.1, 0.3]))
            eps = params.get('label_smoothing', 0.0)
            fn = lambda p: F.cross_entropy(p, torch.tensor(labels), weight=w, ignore_index=-100, reduction=reduction, label_smoothing=eps)
        else:
            x = f32(torch.log_softmax(torch.tensor(x), dim=1).numpy())
            fn = lambda p: F.nll_loss(p, torch.tensor(labels), weight=w, ignore_index=-100, reduction=reduction)
        target = [int(v) for v in labels]
    elif loss == 'cross_entropy_soft':
        t = f32(torch.softmax(torch.tensor(rng.normal(0, 1, (rows, classes))), dim=1).numpy())
        if rng.random() < 0.5:
            params['label_smoothing'] = float(rng.choice([0.1, 0.3]))
        eps = params.get('label_smoothing', 0.0)
        fn = lambda p: F.cross_entropy(p, torch.tensor(t), reduction=reduction, label_smoothing=eps)
        target = t.reshape(-1).tolist()
    else:  # kl_div
        x = f32(torch.log_softmax(torch.tensor(x), dim=1).numpy())
        log_target = bool(rng.random() < 0.5)
        params['log_target'] = log_target
        t = torch.softmax(torch.tensor(rng.normal(0, 1, (rows, classes))), dim=1)
        t = f32((torch.log(t) if log_target else t).numpy())
        fn = lambda p: F.kl_div(p, torch.tensor(t), reduction='batchmean' if reduction == 'mean' else 'sum', log_target=log_target)
        target = t.reshape(-1).tolist()
    return params, x, target, class_weights, fn


def case(loss, index, rng, n):
    reduction = 'mean' if loss == 'rmse' else str(rng.choice(['mean', 'sum']))
    entry = {'id': f'{loss}/{reduction}/{index}', 'loss': loss, 'reduction': reduction}
    if loss in MULTI_CLASS:
        classes = int(rng.integers(1, 12))
        rows = max(1, n // classes)
        params, x, target, class_weights, fn = multi_class_case(loss, rng, rows, classes, reduction)
        entry['shape'] = [rows, classes]
        if class_weights is not None:
            entry['class_weights'] = class_weights.tolist()
    else:
        params, x, t, weight, fn = element_case(loss, rng, n, reduction)
        target = t.tolist()
        if weight is not None:
            entry['weight'] = weight.tolist()
    p = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    value = fn(p)
    value.backward()
    entry.update({'params': params, 'input': np.asarray(x).reshape(-1).tolist(), 'target': target,
                  'value': value.item(), 'gradient': p.grad.reshape(-1).tolist(), 'oracle': f'torch {torch.__version__} float64'})
    return entry


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--loss', choices=LOSSES, action='append', help='a loss (repeat for several; default: all)')
    parser.add_argument('--count', type=int, default=10, help='cases per loss (default 10)')
    parser.add_argument('--size', type=int, default=64, help='elements per case, about (default 64)')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', required=True, help='the .jsonl.gz file to write')
    args = parser.parse_args()
    torch.set_default_dtype(torch.float64)
    rng = np.random.default_rng(args.seed)
    with gzip.open(args.out, 'wt') as out:
        for loss in args.loss or LOSSES:
            for i in range(args.count):
                n = int(rng.integers(1, 2 * args.size))
                out.write(json.dumps(case(loss, f'generated-{args.seed}-{i}', rng, n)) + '\n')


if __name__ == '__main__':
    main()
