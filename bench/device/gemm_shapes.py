#!/usr/bin/env python3
"""What cuBLAS can do for BERT-base's matrix products at batch 16 on this GPU, through PyTorch:
each product of one encoder layer (forward, and the two of each backward) timed in fp32, tf32 and
bf16 storage, as a bound to hold our own products' times against (the CUDA profile's matmul rows).

Usage: python3 bench/device/gemm_shapes.py [TOKENS]   (TOKENS = B·T, default 16·96 = 1536)
Prints one JSON line per (precision, product) and a total per precision."""
import json
import sys

import torch


def time_ms(fn, repeats=50):
    for _ in range(5):
        fn()
    torch.cuda.synchronize()
    start, stop = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(repeats):
        fn()
    stop.record()
    torch.cuda.synchronize()
    return start.elapsed_time(stop) / repeats


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 16 * 96
    c, i = 768, 3072
    # (name, rows, inner, cols): out[rows, cols] = a[rows, inner] @ b[inner, cols]
    linear = [("qkv", c, 3 * c), ("attn_out", c, c), ("ffn_in", c, i), ("ffn_out", i, c)]
    products = []
    for name, k, m in linear:
        products.append((name + ".forward", n, k, m))         # y = x W^T
        products.append((name + ".input_grad", n, m, k))      # dx = dy W
        products.append((name + ".weight_grad", m, n, k))     # dW = dy^T x
    for precision in ("fp32", "tf32", "bf16"):
        torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
        dtype = torch.bfloat16 if precision == "bf16" else torch.float32
        total = 0.0
        for name, rows, inner, cols in products:
            a = torch.randn(rows, inner, device="cuda", dtype=dtype)
            b = torch.randn(inner, cols, device="cuda", dtype=dtype)
            ms = time_ms(lambda: a @ b)
            total += ms
            tflops = 2.0 * rows * inner * cols / ms / 1e9
            print(json.dumps({"precision": precision, "product": name, "m": rows, "k": inner, "n": cols,
                              "us": round(ms * 1000, 1), "tflops": round(tflops, 1)}))
        print(json.dumps({"precision": precision, "tokens": n, "layer_products_us": round(total * 1000, 1),
                          "12_layers_ms": round(12 * total, 3)}))


if __name__ == "__main__":
    main()
