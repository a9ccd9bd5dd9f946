"""PyTorch eager baseline for the harness's large cases: the same shapes and dtypes, computed the way the
upstream Python code computes them (HF Qwen2 RMSNorm, HF rotate-half and M-RoPE, diffusers' Wan RoPE and
modulation, classifier-free guidance and an Euler flow step, SDPA over a padded KV cache for decoding).

    python3 kernels/harness/eager_baseline.py [--iters N] [--filter TEXT]

Prints one line per case: the median time of N launches (CUDA events, after warm-up) and the bandwidth
counted with the harness's byte formulas, so the two tables compare line by line. Needs a CUDA device.
"""
import argparse

import torch
import torch.nn.functional as F


def median_us(fn, iters):
    for _ in range(3):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) * 1e3)
    times.sort()
    return times[len(times) // 2]


def rotate_half(x):
    a, b = x.chunk(2, dim=-1)
    return torch.cat((-b, a), dim=-1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iters", type=int, default=50)
    parser.add_argument("--filter", default="", help="only the cases whose name contains this")
    args = parser.parse_args()
    dev = torch.device("cuda")
    torch.manual_seed(0)
    print(f"{torch.cuda.get_device_name(0)}, torch {torch.__version__}, {args.iters} iterations, median")
    print(f"{'case':<28} {'dtype':<5} {'shape':<30} {'time':>12} {'bandwidth':>12}")

    def report(name, dtype, shape, bytes_moved, fn):
        if args.filter not in name:
            return
        us = median_us(fn, args.iters)
        tag = "bf16" if dtype == torch.bfloat16 else "fp32"
        print(f"{name:<28} {tag:<5} {shape:<30} {us:9.2f} us {bytes_moved / (us * 1e3):8.1f} GB/s")

    for dtype in (torch.float32, torch.bfloat16):
        es = torch.finfo(dtype).bits // 8
        rnd = lambda *s, dt=dtype: torch.randn(*s, device=dev, dtype=dt)

        for rows, dim, residual in ((4096, 2048, True), (4096, 1536, False)):
            x, r, w = rnd(rows, dim), rnd(rows, dim), rnd(dim)

            def rms(x=x, r=r, w=w, residual=residual):
                h = x + r if residual else x
                hf = h.float()
                return w * (hf * torch.rsqrt(hf.pow(2).mean(-1, keepdim=True) + 1e-6)).to(dtype), h

            n = rows * dim
            report("add_rms_norm" if residual else "rms_norm", dtype, f"[{rows}, {dim}]",
                   (4.0 if residual else 2.0) * n * es, rms)

        T, H, D = 4096, 16, 128
        x, cos, sin = rnd(1, T, H, D), rnd(T, 1, D), rnd(T, 1, D)
        report("rotary_half", dtype, f"[1, {T}, {H}, {D}]", 2.0 * T * H * D * es,
               lambda: x * cos + rotate_half(x) * sin)

        x, cos3, sin3 = rnd(2, H, T, D), rnd(3, 2, T, D), rnd(3, 2, T, D)
        section = [16, 24, 24] * 2

        def mrope():
            c = torch.cat([m[i % 3] for i, m in enumerate(cos3.split(section, dim=-1))], dim=-1).unsqueeze(1)
            s = torch.cat([m[i % 3] for i, m in enumerate(sin3.split(section, dim=-1))], dim=-1).unsqueeze(1)
            return x * c + rotate_half(x) * s

        report("rotary_mrope", dtype, f"[2, {H}, {T}, {D}]", 2.0 * 2 * H * T * D * es, mrope)

        L = 21 * 30 * 52 // 4
        x = rnd(1, L, 12, D)
        freqs = torch.polar(torch.ones(L, 1, D // 2, device=dev), torch.rand(L, 1, D // 2, device=dev) * 6.28)

        def wan_rope():
            xc = torch.view_as_complex(x.float().unflatten(3, (-1, 2)))
            return torch.view_as_real(xc * freqs).flatten(3).type_as(x)

        report("rotary_interleaved", dtype, f"[1, {L}, 12, {D}]", 2.0 * L * 12 * D * es, wan_rope)

        gu = rnd(1024, 2 * 11008)
        report("swiglu", dtype, "[1024, 11008] fused", 3.0 * 1024 * 11008 * es,
               lambda: F.silu(gu[:, :11008]) * gu[:, 11008:])
        g, u = rnd(1024, 10240), rnd(1024, 10240)
        report("gelu_tanh_gated", dtype, "[1024, 10240]", 3.0 * 1024 * 10240 * es,
               lambda: F.gelu(g, approximate="tanh") * u)
        x = rnd(4096, 8960)
        report("gelu_tanh", dtype, "[4096, 8960]", 2.0 * 4096 * 8960 * es, lambda: F.gelu(x, approximate="tanh"))

        x, y = rnd(2, 4096, 1536), rnd(2, 4096, 1536)
        shift, scale, gate = (torch.randn(2, 1, 1536, device=dev) for _ in range(3))
        n = 2 * 4096 * 1536
        report("modulate", dtype, "[2, 4096, 1536]", 2.0 * n * es, lambda: (x.float() * (1 + scale) + shift).type_as(x))
        report("layer_norm_modulate", dtype, "[2, 4096, 1536]", 2.0 * n * es,
               lambda: (F.layer_norm(x.float(), (1536,), eps=1e-6) * (1 + scale) + shift).type_as(x))
        report("gated_residual", dtype, "[2, 4096, 1536]", 3.0 * n * es, lambda: (x.float() + y.float() * gate).type_as(x))

        latents = 16 * 21 * 60 * 104
        c, un = rnd(latents), rnd(latents)
        for sample_dtype in (torch.float32, torch.bfloat16):
            sample = torch.randn(latents, device=dev, dtype=sample_dtype)
            ses = torch.finfo(sample_dtype).bits // 8

            def step(sample=sample):
                guided = un + 5.0 * (c - un)
                return (sample.float() + (-0.02) * guided.float()).to(sample.dtype)

            report("cfg_flow_step", dtype, f"[{latents}] sample {'bf16' if ses == 2 else 'fp32'}",
                   2.0 * latents * es + 2.0 * latents * ses, step)
        report("cfg_combine", dtype, f"[{latents}]", 3.0 * latents * es, lambda: un + 5.0 * (c - un))

        for batch, cap, lengths in ((4, 4096, [4096, 1, 1000, 129]), (1, 32768, [30000])):
            q, k, v = rnd(batch, 16, 1, 128), rnd(batch, 2, cap, 128), rnd(batch, 2, cap, 128)
            mask = torch.arange(cap, device=dev)[None, :] < torch.tensor(lengths, device=dev)[:, None]
            mask = mask[:, None, None, :]
            attended = sum(min(length, cap) for length in lengths)
            bytes_moved = (2.0 * attended * 2 * 128 + 2.0 * batch * 16 * 128) * es
            report("decode_attention", dtype, f"B{batch} H16/2 D128 cap {cap}", bytes_moved,
                   lambda q=q, k=k, v=v, mask=mask: F.scaled_dot_product_attention(q, k, v, attn_mask=mask,
                                                                                   enable_gqa=True))


if __name__ == "__main__":
    main()
