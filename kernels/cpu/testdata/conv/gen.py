#!/usr/bin/python3
"""Golden values for kernels/cpu's convolution and pooling tests, made with PyTorch.

Run from anywhere with Debian's python3-torch (1.13) and numpy:

    /usr/bin/python3 kernels/cpu/testdata/conv/gen.py     # or: go generate ./kernels/cpu

It writes golden.json next to itself. Everything is computed in float64. Tensors are stored
flat in tensorgraph's layouts: activations NHWC, filters HWIO ([kh, kw, in, out]; for the
transposed convolution [kh, kw, out_channels, in_channels], as tf.nn.conv2d_transpose). PyTorch
works in NCHW/OIHW, so tensors are permuted on the way in and out. TensorFlow's SAME padding
can be asymmetric (the extra row/column goes after), which torch's padding argument cannot
express, so padding is applied with F.pad where needed: zeros for convolution, -inf for max
pooling, and for average pooling the sum over the zero-padded input is divided by the count of
real elements in each window (TensorFlow's rule; torch's count_include_pad=False for the
symmetric case). Gradients come from autograd with a random upstream gradient dy.
"""
import json
import math
import os

import torch
import torch.nn.functional as F

torch.manual_seed(0)
DT = torch.float64


def same_pads(size, k, s, d):
    out = -(-size // s)
    total = max((out - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def pads_for(mode, explicit, h, w, kh, kw, s, d):
    if mode == "SAME":
        return same_pads(h, kh, s[0], d[0]) + same_pads(w, kw, s[1], d[1])
    if mode == "EXPLICIT":
        return tuple(explicit[0]) + tuple(explicit[1])
    return (0, 0, 0, 0)


def flat(t):
    return [float(v) for v in t.detach().reshape(-1).tolist()]


def nhwc(t):  # NCHW -> NHWC
    return t.permute(0, 2, 3, 1)


def conv_case(name, xs, fs, strides, dilations, mode, explicit=((0, 0), (0, 0))):
    n, h, w, c = xs
    kh, kw, _, o = fs
    x = torch.randn(n, c, h, w, dtype=DT, requires_grad=True)
    wt = torch.randn(o, c, kh, kw, dtype=DT, requires_grad=True)
    t, b, l, r = pads_for(mode, explicit, h, w, kh, kw, strides, dilations)
    y = F.conv2d(F.pad(x, (l, r, t, b)), wt, stride=strides, dilation=dilations)
    dy = torch.randn_like(y)
    y.backward(dy)
    return {
        "name": name, "op": "conv2d", "padding": mode, "explicit": [list(explicit[0]), list(explicit[1])],
        "strides": list(strides), "dilations": list(dilations),
        "x_shape": list(xs), "x": flat(nhwc(x)),
        "filter_shape": list(fs), "filter": flat(wt.permute(2, 3, 1, 0)),
        "y_shape": list(nhwc(y).shape), "y": flat(nhwc(y)), "dy": flat(nhwc(dy)),
        "dx": flat(nhwc(x.grad)), "dfilter": flat(wt.grad.permute(2, 3, 1, 0)),
    }


def transpose_case(name, xs, out_c, k, stride, pad, out_pad):
    n, h, w, in_c = xs
    x = torch.randn(n, in_c, h, w, dtype=DT)
    # conv_transpose2d's weight is [in, out, kh, kw]; tensorgraph's filter is [kh, kw, out, in].
    wt = torch.randn(in_c, out_c, k, k, dtype=DT)
    y = F.conv_transpose2d(x, wt, stride=stride, padding=pad, output_padding=out_pad)
    return {
        "name": name, "op": "conv2d_transpose", "padding": "EXPLICIT", "explicit": [[pad, pad], [pad, pad]],
        "strides": [stride, stride], "dilations": [1, 1],
        "x_shape": list(xs), "x": flat(nhwc(x)),
        "filter_shape": [k, k, out_c, in_c], "filter": flat(wt.permute(2, 3, 1, 0)),
        "y_shape": list(nhwc(y).shape), "y": flat(nhwc(y)),
    }


def pool_case(name, op, xs, ksize, strides, mode):
    n, h, w, c = xs
    x = torch.randn(n, c, h, w, dtype=DT, requires_grad=True)
    t, b, l, r = pads_for(mode, None, h, w, ksize[0], ksize[1], strides, (1, 1))
    if op == "max_pool":
        y = F.max_pool2d(F.pad(x, (l, r, t, b), value=-math.inf), ksize, strides)
    elif t == b and l == r:
        y = F.avg_pool2d(x, ksize, strides, padding=(t, l), count_include_pad=False)
    else:
        area = ksize[0] * ksize[1]
        total = F.avg_pool2d(F.pad(x, (l, r, t, b)), ksize, strides) * area
        count = F.avg_pool2d(F.pad(torch.ones_like(x), (l, r, t, b)), ksize, strides) * area
        y = total / count
    dy = torch.randn_like(y)
    y.backward(dy)
    return {
        "name": name, "op": op, "padding": mode, "ksize": list(ksize), "strides": list(strides),
        "x_shape": list(xs), "x": flat(nhwc(x)),
        "y_shape": list(nhwc(y).shape), "y": flat(nhwc(y)), "dy": flat(nhwc(dy)), "dx": flat(nhwc(x.grad)),
    }


cases = [
    conv_case("conv_valid", (1, 8, 8, 2), (3, 3, 2, 3), (1, 1), (1, 1), "VALID"),
    conv_case("conv_same_strided_dilated", (2, 7, 6, 3), (3, 2, 3, 4), (2, 1), (1, 2), "SAME"),
    conv_case("conv_same_even_kernel", (1, 6, 7, 2), (4, 2, 2, 2), (2, 3), (1, 1), "SAME"),
    conv_case("conv_explicit", (2, 9, 8, 2), (2, 3, 2, 2), (3, 2), (2, 1), "EXPLICIT", ((1, 2), (0, 1))),
    transpose_case("conv_transpose_s2", (1, 4, 4, 3), 2, 3, 2, 1, 1),
    transpose_case("conv_transpose_s3", (2, 3, 2, 2), 3, 2, 3, 0, 0),
    pool_case("max_same", "max_pool", (2, 7, 7, 3), (3, 3), (2, 2), "SAME"),
    pool_case("max_valid", "max_pool", (1, 6, 5, 2), (2, 2), (2, 2), "VALID"),
    pool_case("max_same_asym", "max_pool", (1, 6, 6, 2), (3, 2), (2, 2), "SAME"),
    pool_case("avg_same_sym", "avg_pool", (1, 7, 7, 2), (3, 3), (2, 2), "SAME"),
    pool_case("avg_same_asym", "avg_pool", (2, 6, 6, 2), (3, 3), (2, 2), "SAME"),
    pool_case("avg_valid", "avg_pool", (1, 5, 6, 3), (2, 3), (1, 2), "VALID"),
]

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "golden.json")
with open(path, "w") as f:
    json.dump({"generator": "gen.py", "torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {path}")
