// Standalone check and benchmark of libunison_kernels (no Java): every kernel against its CPU
// reference (reference.cpp) on random inputs, through the same C ABI the Java binding calls.
//
//   build/harness [--quick] [--iters N] [--filter TEXT] [--seed N]
//
// A case passes when max|got - want| / max|want| <= 1e-5 (float32) or 1e-2 (bfloat16) and no output
// element is NaN. Outputs are filled with NaN bytes before each launch, so an element the kernel
// never wrote fails the check too. Timings: CUDA events around `iters` launches after 3 warm-ups.
// Exit status: 0 all passed, 1 a case failed, 2 no usable CUDA device.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "reference.h"
#include "unison_kernels.h"

namespace {

using ref::Vec;

struct Options {
    bool quick = false;
    int iters = 50;
    std::string filter;
    unsigned seed = 1234;
};

Options opt;
std::mt19937 rng;
int failures = 0;
int cases = 0;

void die(const char* what, cudaError_t e) {
    std::fprintf(stderr, "harness: %s: %s (%s)\n", what, cudaGetErrorName(e), cudaGetErrorString(e));
    std::exit(2);
}

#define CHECK_CUDA(expr)                     \
    do {                                     \
        cudaError_t e_ = (expr);             \
        if (e_ != cudaSuccess) die(#expr, e_); \
    } while (0)

size_t elem_size(int dtype) { return dtype == UNISON_BFLOAT16 ? 2 : 4; }
const char* dtype_name(int dtype) { return dtype == UNISON_BFLOAT16 ? "bf16" : "fp32"; }
double tolerance(int dtype) { return dtype == UNISON_BFLOAT16 ? 1e-2 : 1e-5; }

// A device buffer that frees itself.
struct Dev {
    void* p = nullptr;
    size_t bytes = 0;
    Dev() = default;
    explicit Dev(size_t n) : bytes(n) { CHECK_CUDA(cudaMalloc(&p, n > 0 ? n : 1)); }
    Dev(const Dev&) = delete;
    Dev& operator=(const Dev&) = delete;
    ~Dev() { cudaFree(p); }
    template <typename T>
    T* as() const { return static_cast<T*>(p); }
};

Vec random_values(size_t n, float stddev = 1.f, float mean = 0.f) {
    std::normal_distribution<float> normal(mean, stddev);
    Vec v(n);
    for (auto& x : v) x = normal(rng);
    return v;
}

// Random values representable in dtype.
Vec random_in(size_t n, int dtype, float stddev = 1.f, float mean = 0.f) {
    Vec v = random_values(n, stddev, mean);
    for (auto& x : v) x = ref::round_to(x, dtype);
    return v;
}

void upload(Dev& d, const Vec& host, int dtype) {
    if (dtype == UNISON_BFLOAT16) {
        std::vector<uint16_t> bits(host.size());
        for (size_t i = 0; i < host.size(); i++) bits[i] = ref::to_bf16_bits(host[i]);
        CHECK_CUDA(cudaMemcpy(d.p, bits.data(), bits.size() * 2, cudaMemcpyHostToDevice));
    } else {
        CHECK_CUDA(cudaMemcpy(d.p, host.data(), host.size() * 4, cudaMemcpyHostToDevice));
    }
}

// Waits for the device first: the library launches through its own (static) CUDA runtime.
Vec download(const Dev& d, size_t n, int dtype) {
    CHECK_CUDA(cudaDeviceSynchronize());
    Vec out(n);
    if (dtype == UNISON_BFLOAT16) {
        std::vector<uint16_t> bits(n);
        CHECK_CUDA(cudaMemcpy(bits.data(), d.p, n * 2, cudaMemcpyDeviceToHost));
        for (size_t i = 0; i < n; i++) out[i] = ref::from_bf16_bits(bits[i]);
    } else {
        CHECK_CUDA(cudaMemcpy(out.data(), d.p, n * 4, cudaMemcpyDeviceToHost));
    }
    return out;
}

void poison(Dev& d) { CHECK_CUDA(cudaMemset(d.p, 0xff, d.bytes)); }  // NaN in fp32 and bf16

struct Check {
    double err = 0;
    size_t nans = 0;
};

Check compare(const Vec& got, const Vec& want) {
    Check c;
    double scale = 0, diff = 0;
    for (size_t i = 0; i < want.size(); i++) {
        if (std::isnan(got[i])) {
            c.nans++;
            continue;
        }
        scale = std::max(scale, static_cast<double>(std::fabs(want[i])));
        diff = std::max(diff, static_cast<double>(std::fabs(got[i] - want[i])));
    }
    c.err = scale > 0 ? diff / scale : diff;
    return c;
}

bool selected(const std::string& name) { return opt.filter.empty() || name.find(opt.filter) != std::string::npos; }

// Runs `launch` once on poisoned outputs for checking, then times it.
double time_us(const std::function<int()>& launch) {
    if (opt.quick) return 0;
    for (int i = 0; i < 3; i++) launch();
    cudaEvent_t start, stop;
    CHECK_CUDA(cudaEventCreate(&start));
    CHECK_CUDA(cudaEventCreate(&stop));
    CHECK_CUDA(cudaEventRecord(start));
    for (int i = 0; i < opt.iters; i++) launch();
    CHECK_CUDA(cudaEventRecord(stop));
    CHECK_CUDA(cudaEventSynchronize(stop));
    float ms = 0;
    CHECK_CUDA(cudaEventElapsedTime(&ms, start, stop));
    cudaEventDestroy(start);
    cudaEventDestroy(stop);
    return 1000.0 * ms / opt.iters;
}

// Checks the launch's status, the outputs against their references, and reports one row.
void report(const std::string& name, int dtype, const std::string& shape, int status,
            const std::vector<std::pair<Vec, Vec>>& outputs, double bytes, const std::function<int()>& launch,
            int out_dtype = -1) {
    // the tolerance follows the dtype the outputs are rounded to (the sample's, for a flow step)
    if (out_dtype < 0) out_dtype = dtype;
    cases++;
    bool pass = status == UNISON_OK;
    Check worst;
    if (pass) {
        CHECK_CUDA(cudaDeviceSynchronize());
        for (const auto& [got, want] : outputs) {
            Check c = compare(got, want);
            worst.err = std::max(worst.err, c.err);
            worst.nans += c.nans;
        }
        pass = worst.nans == 0 && worst.err <= tolerance(out_dtype);
    }
    double us = pass ? time_us(launch) : 0;
    std::printf("%-28s %-5s %-30s ", name.c_str(), dtype_name(dtype), shape.c_str());
    if (status != UNISON_OK) {
        std::printf("FAIL  status %d: %s\n", status, unison_last_error());
    } else {
        std::printf("err %.2e (tol %.0e) nan %-6zu", worst.err, tolerance(out_dtype), worst.nans);
        if (us > 0) std::printf(" %9.2f us %8.1f GB/s", us, bytes / (us * 1e3));
        std::printf("  %s\n", pass ? "ok" : "FAIL");
    }
    if (!pass) failures++;
}

std::string dims(std::initializer_list<int64_t> d) {
    std::string s = "[";
    for (auto it = d.begin(); it != d.end(); ++it) s += (it == d.begin() ? "" : ",") + std::to_string(*it);
    return s + "]";
}

// ---- cases ----

void add_rms_norm_case(int dtype, int64_t rows, int64_t dim, bool with_residual) {
    const std::string name = with_residual ? "add_rms_norm" : "rms_norm";
    if (!selected(name)) return;
    const size_t n = rows * dim, es = elem_size(dtype);
    Vec x = random_in(n, dtype), r = random_in(n, dtype), w = random_in(dim, dtype, 0.2f, 1.f);
    Dev dx(n * es), dr(n * es), dw(dim * es), dout(n * es), dres(n * es);
    upload(dx, x, dtype), upload(dr, r, dtype), upload(dw, w, dtype);
    poison(dout), poison(dres);
    auto launch = [&] {
        return unison_add_rms_norm(dout.p, with_residual ? dres.p : nullptr, dx.p, with_residual ? dr.p : nullptr,
                                   dw.p, rows, dim, 1e-6f, dtype, 0, nullptr);
    };
    int status = launch();
    Vec want(n), want_res(n);
    ref::add_rms_norm(want, &want_res, x, with_residual ? &r : nullptr, w, rows, dim, 1e-6f, dtype);
    std::vector<std::pair<Vec, Vec>> outs;
    if (status == UNISON_OK) {
        CHECK_CUDA(cudaDeviceSynchronize());
        outs.emplace_back(download(dout, n, dtype), want);
        if (with_residual) outs.emplace_back(download(dres, n, dtype), want_res);
    }
    report(name, dtype, dims({rows, dim}), status, outs, (with_residual ? 4.0 : 2.0) * n * es, launch);
}

void rotary_case(const char* name, int dtype, ref::RopeShape s, size_t table_elems) {
    if (!selected(name)) return;
    const size_t n = s.n0 * s.n1 * s.n2 * s.head_dim, es = elem_size(dtype);
    Vec x = random_in(n, dtype), cs(table_elems), sn(table_elems);
    Vec angle = random_values(table_elems, 3.f);
    for (size_t i = 0; i < table_elems; i++) cs[i] = std::cos(angle[i]), sn[i] = std::sin(angle[i]);
    Dev dx(n * es), dout(n * es), dc(table_elems * 4), ds(table_elems * 4);
    upload(dx, x, dtype), upload(dc, cs, UNISON_FLOAT32), upload(ds, sn, UNISON_FLOAT32);
    poison(dout);
    auto launch = [&] {
        return unison_rotary(dout.p, dx.p, dc.as<float>(), ds.as<float>(), s.n0, s.n1, s.n2, s.head_dim, s.s0, s.s1,
                             s.s2, s.mode, s.axis_stride, s.sections[0], s.sections[1], s.sections[2], dtype, 0,
                             nullptr);
    };
    int status = launch();
    Vec want(n);
    ref::rotary(want, x, cs, sn, s, dtype);
    std::vector<std::pair<Vec, Vec>> outs;
    if (status == UNISON_OK) outs.emplace_back(download(dout, n, dtype), want);
    report(name, dtype, dims({s.n0, s.n1, s.n2, s.head_dim}), status, outs, 2.0 * n * es, launch);
}

void gated_act_case(const char* name, int dtype, int act, bool gated, int64_t rows, int64_t cols, bool fused) {
    if (!selected(name)) return;
    const size_t es = elem_size(dtype);
    // fused: gate and up are the two halves of one [rows, 2*cols] projection output
    const int64_t stride = fused ? 2 * cols : cols;
    Vec gu = random_in(rows * stride, dtype, 2.f), up = random_in(rows * cols, dtype);
    Dev dgu(gu.size() * es), dup(up.size() * es), dout(rows * cols * es);
    upload(dgu, gu, dtype), upload(dup, up, dtype);
    poison(dout);
    const void* up_ptr = fused ? static_cast<const char*>(dgu.p) + cols * es : dup.p;
    auto launch = [&] {
        return unison_gated_act(dout.p, dgu.p, gated ? up_ptr : nullptr, rows, cols, stride, stride, act, dtype, 0,
                                nullptr);
    };
    int status = launch();
    Vec want(rows * cols);
    Vec up_view = up;
    if (fused) {
        up_view.assign(gu.begin() + cols, gu.end());  // row r starts at r*stride, as on the device
    }
    ref::gated_act(want, gu, gated ? &up_view : nullptr, rows, cols, stride, fused ? stride : cols, act, dtype);
    std::vector<std::pair<Vec, Vec>> outs;
    if (status == UNISON_OK) outs.emplace_back(download(dout, rows * cols, dtype), want);
    report(name, dtype, dims({rows, cols}) + (fused ? " fused" : ""), status, outs,
           (gated ? 3.0 : 2.0) * rows * cols * es, launch);
}

void modulate_case(int dtype, int64_t batch, int64_t len, int64_t dim, bool layer_norm) {
    const char* name = layer_norm ? "layer_norm_modulate" : "modulate";
    if (!selected(name)) return;
    const size_t n = batch * len * dim, es = elem_size(dtype);
    // shift and scale as chunks of a [batch, 6, dim] float32 modulation: strides (6*dim, 0)
    Vec x = random_in(n, dtype, 2.f, 0.5f), mod = random_values(batch * 6 * dim, 0.5f);
    Dev dx(n * es), dmod(mod.size() * 4), dout(n * es);
    upload(dx, x, dtype), upload(dmod, mod, UNISON_FLOAT32);
    poison(dout);
    const float* shift = dmod.as<float>();
    const float* scale = dmod.as<float>() + dim;
    auto launch = [&] {
        return unison_modulate(dout.p, dx.p, shift, scale, batch, len, dim, 6 * dim, 0, layer_norm ? 1 : 0, 1e-6f,
                               dtype, 0, nullptr);
    };
    int status = launch();
    Vec want(n), shift_h(mod), scale_h(mod.begin() + dim, mod.end());
    scale_h.resize(mod.size());
    ref::modulate(want, x, shift_h, scale_h, batch, len, dim, 6 * dim, 0, layer_norm, 1e-6f, dtype);
    std::vector<std::pair<Vec, Vec>> outs;
    if (status == UNISON_OK) outs.emplace_back(download(dout, n, dtype), want);
    report(name, dtype, dims({batch, len, dim}), status, outs, 2.0 * n * es, launch);
}

void gated_residual_case(int dtype, int64_t batch, int64_t len, int64_t dim) {
    if (!selected("gated_residual")) return;
    const size_t n = batch * len * dim, es = elem_size(dtype);
    Vec x = random_in(n, dtype), y = random_in(n, dtype), gate = random_values(batch * dim, 0.5f);
    Dev dx(n * es), dy(n * es), dg(gate.size() * 4), dout(n * es);
    upload(dx, x, dtype), upload(dy, y, dtype), upload(dg, gate, UNISON_FLOAT32);
    poison(dout);
    auto launch = [&] {
        return unison_gated_residual(dout.p, dx.p, dy.p, dg.as<float>(), batch, len, dim, dim, 0, dtype, 0, nullptr);
    };
    int status = launch();
    Vec want(n);
    ref::gated_residual(want, x, y, gate, batch, len, dim, dim, 0, dtype);
    std::vector<std::pair<Vec, Vec>> outs;
    if (status == UNISON_OK) outs.emplace_back(download(dout, n, dtype), want);
    report("gated_residual", dtype, dims({batch, len, dim}), status, outs, 3.0 * n * es, launch);
}

void cfg_case(int model_dtype, int sample_dtype, int64_t n, bool step) {
    const char* name = step ? "cfg_flow_step" : "cfg_combine";
    if (!selected(name)) return;
    const int out_dtype = step ? sample_dtype : model_dtype;
    Vec u = random_in(n, model_dtype), c = random_in(n, model_dtype), s = random_in(n, sample_dtype);
    Dev du(n * elem_size(model_dtype)), dc(n * elem_size(model_dtype)), ds(n * elem_size(sample_dtype)),
        dout(n * elem_size(out_dtype));
    upload(du, u, model_dtype), upload(dc, c, model_dtype), upload(ds, s, sample_dtype);
    poison(dout);
    auto launch = [&] {
        return unison_cfg_step(dout.p, du.p, dc.p, step ? ds.p : nullptr, n, 5.f, -0.04f, model_dtype, sample_dtype, 0,
                               nullptr);
    };
    int status = launch();
    Vec want(n);
    ref::cfg_step(want, u, c, step ? &s : nullptr, 5.f, -0.04f, out_dtype);
    std::vector<std::pair<Vec, Vec>> outs;
    if (status == UNISON_OK) outs.emplace_back(download(dout, n, out_dtype), want);
    const std::string shape = dims({n}) + (step ? std::string(" sample ") + dtype_name(sample_dtype) : "");
    double bytes = 2.0 * n * elem_size(model_dtype) + (step ? 2.0 * n * elem_size(sample_dtype) : n * elem_size(model_dtype));
    report(name, model_dtype, shape, status, outs, bytes, launch, out_dtype);
}

// tokens_major: the cache is [batch, capacity, kv_heads, head_dim] (strided view) instead of
// [batch, kv_heads, capacity, head_dim].
void decode_attention_case(int dtype, int64_t batch, int64_t q_heads, int64_t kv_heads, int64_t head_dim,
                           int64_t capacity, std::vector<int64_t> lengths, bool tokens_major) {
    if (!selected("decode_attention")) return;
    const size_t es = elem_size(dtype);
    ref::AttnShape s{batch, q_heads, kv_heads, head_dim, capacity, q_heads * head_dim, head_dim, 0, 0, 0, 0, 0, 0,
                     1.f / std::sqrt(static_cast<float>(head_dim))};
    if (tokens_major) {
        s.k_sb = capacity * kv_heads * head_dim, s.k_sh = head_dim, s.k_st = kv_heads * head_dim;
    } else {
        s.k_sb = kv_heads * capacity * head_dim, s.k_sh = capacity * head_dim, s.k_st = head_dim;
    }
    s.v_sb = s.k_sb, s.v_sh = s.k_sh, s.v_st = s.k_st;
    const size_t qn = batch * q_heads * head_dim, kvn = batch * kv_heads * capacity * head_dim;
    Vec q = random_in(qn, dtype), k = random_in(kvn, dtype), v = random_in(kvn, dtype);
    Dev dq(qn * es), dk(kvn * es), dv(kvn * es), dout(qn * es), dlen(batch * 8);
    Dev work(static_cast<size_t>(unison_decode_attention_workspace(batch, q_heads, head_dim, capacity)));
    upload(dq, q, dtype), upload(dk, k, dtype), upload(dv, v, dtype);
    CHECK_CUDA(cudaMemcpy(dlen.p, lengths.data(), batch * 8, cudaMemcpyHostToDevice));
    poison(dout);
    auto launch = [&] {
        return unison_decode_attention(dout.p, dq.p, dk.p, dv.p, dlen.as<int64_t>(), work.p, batch, q_heads, kv_heads,
                                       head_dim, capacity, s.q_sb, s.q_sh, s.k_sb, s.k_sh, s.k_st, s.v_sb, s.v_sh,
                                       s.v_st, s.scale, dtype, 0, nullptr);
    };
    int status = launch();
    Vec want(qn);
    ref::decode_attention(want, q, k, v, lengths, s, dtype);
    std::vector<std::pair<Vec, Vec>> outs;
    if (status == UNISON_OK) outs.emplace_back(download(dout, qn, dtype), want);
    int64_t attended = 0;
    for (int64_t l : lengths) attended += std::min(l, capacity);
    const double bytes = 2.0 * attended * kv_heads * head_dim * es + 2.0 * qn * es;
    std::string shape = "B" + std::to_string(batch) + " H" + std::to_string(q_heads) + "/" + std::to_string(kv_heads) +
                        " D" + std::to_string(head_dim) + " T" + std::to_string(capacity) + (tokens_major ? " BTHD" : "");
    report("decode_attention", dtype, shape, status, outs, bytes, launch);
}

// Captures one kernel launch on a side stream into a graph, replays it twice and checks the result.
void graph_case() {
    if (!selected("graph")) return;
    const int dtype = UNISON_BFLOAT16;
    const int64_t rows = 256, dim = 2048;
    const size_t n = rows * dim;
    Vec x = random_in(n, dtype), w = random_in(dim, dtype, 0.2f, 1.f);
    Dev dx(n * 2), dw(dim * 2), dout(n * 2);
    upload(dx, x, dtype), upload(dw, w, dtype);
    poison(dout);
    cudaStream_t stream;
    CHECK_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
    void* exec = nullptr;
    int status = unison_graph_begin(stream, UNISON_CAPTURE_GLOBAL, 0);
    if (status == UNISON_OK) {
        status = unison_add_rms_norm(dout.p, nullptr, dx.p, nullptr, dw.p, rows, dim, 1e-6f, dtype, 0, stream);
        const int ended = unison_graph_end(stream, 0, &exec);  // ends the capture even after a failed launch
        if (status == UNISON_OK) status = ended;
    }
    // nothing ran during capture: the output must still be poisoned
    const size_t untouched = status == UNISON_OK ? compare(download(dout, n, dtype), Vec(n)).nans : 0;
    std::vector<std::pair<Vec, Vec>> outs;
    if (status == UNISON_OK) status = unison_graph_launch(exec, stream, 0);
    if (status == UNISON_OK) status = unison_graph_launch(exec, stream, 0);
    if (status == UNISON_OK) {
        CHECK_CUDA(cudaStreamSynchronize(stream));
        Vec want(n);
        ref::add_rms_norm(want, nullptr, x, nullptr, w, rows, dim, 1e-6f, dtype);
        outs.emplace_back(download(dout, n, dtype), want);
    }
    auto launch = [&] { return unison_graph_launch(exec, stream, 0); };
    report("graph_replay(rms_norm)", dtype, dims({rows, dim}), status, outs, 2.0 * n * 2, launch);
    if (status == UNISON_OK && untouched != n) {
        std::printf("graph_replay: capture ran the kernel (%zu of %zu outputs still poisoned)  FAIL\n", untouched, n);
        failures++;
    }
    unison_graph_destroy(exec, 0);
    cudaStreamDestroy(stream);
}

void run_all() {
    for (int dtype : {UNISON_FLOAT32, UNISON_BFLOAT16}) {
        const bool q = opt.quick;
        add_rms_norm_case(dtype, q ? 64 : 4096, 2048, true);
        add_rms_norm_case(dtype, 37, 1001, true);
        add_rms_norm_case(dtype, q ? 64 : 4096, 1536, false);

        // 1-D rotate-half, HF layout [B, T, H, D] with a [T, D] table broadcast over heads
        const int64_t T = q ? 64 : 4096, H = 16, D = 128;
        rotary_case("rotary_half", dtype, {1, T, H, D, 0, D, 0, UNISON_ROPE_HALF, 0, {0, 0, 0}}, T * D);
        rotary_case("rotary_half", dtype, {2, 3, 5, 10, 0, 10, 0, UNISON_ROPE_HALF, 0, {0, 0, 0}}, 3 * 10);
        // M-RoPE, HF Qwen2.5-VL layout x [B, H, T, D], table [3, B, T, D], sections 16/24/24
        rotary_case("rotary_mrope", dtype, {2, H, T, D, T * D, 0, D, UNISON_ROPE_MULTIMODAL, 2 * T * D, {16, 24, 24}},
                    3 * 2 * T * D);
        rotary_case("rotary_mrope", dtype, {1, 3, 7, 12, 0, 0, 12, UNISON_ROPE_MULTIMODAL, 7 * 12, {2, 2, 2}}, 3 * 7 * 12);
        // Wan 3-D: x [B, L, H, D] interleaved, table [L, D/2] broadcast over heads
        const int64_t L = q ? 120 : 21 * 30 * 52 / 4;
        rotary_case("rotary_interleaved", dtype, {1, L, 12, D, 0, D / 2, 0, UNISON_ROPE_INTERLEAVED, 0, {0, 0, 0}},
                    L * D / 2);
        rotary_case("rotary_interleaved", dtype, {1, 9, 2, 6, 0, 3, 0, UNISON_ROPE_INTERLEAVED, 0, {0, 0, 0}}, 9 * 3);

        gated_act_case("swiglu", dtype, UNISON_ACT_SILU, true, q ? 16 : 1024, 11008, true);
        gated_act_case("swiglu", dtype, UNISON_ACT_SILU, true, 33, 1001, false);
        gated_act_case("gelu_tanh_gated", dtype, UNISON_ACT_GELU_TANH, true, q ? 16 : 1024, 10240, false);
        gated_act_case("gelu_tanh", dtype, UNISON_ACT_GELU_TANH, false, q ? 16 : 4096, 8960, false);
        gated_act_case("gelu_tanh", dtype, UNISON_ACT_GELU_TANH, false, 7, 999, false);

        modulate_case(dtype, 2, q ? 64 : 4096, 1536, false);
        modulate_case(dtype, 2, q ? 64 : 4096, 1536, true);
        modulate_case(dtype, 2, 9, 1001, true);
        gated_residual_case(dtype, 2, q ? 64 : 4096, 1536);
        gated_residual_case(dtype, 2, 9, 1001);

        const int64_t latents = q ? 4096 : 16LL * 21 * 60 * 104;
        cfg_case(dtype, UNISON_FLOAT32, latents, true);
        cfg_case(dtype, UNISON_BFLOAT16, latents, true);
        cfg_case(dtype, dtype, latents, false);
        cfg_case(dtype, dtype, 1001, true);

        decode_attention_case(dtype, 4, 16, 2, 128, q ? 512 : 4096, {q ? 512 : 4096, 1, q ? 300 : 1000, 129}, false);
        decode_attention_case(dtype, 1, 16, 2, 128, q ? 512 : 32768, {q ? 500 : 30000}, false);
        decode_attention_case(dtype, 3, 14, 2, 64, 300, {0, 257, 300}, true);
        decode_attention_case(dtype, 2, 4, 4, 80, 130, {130, 7}, false);
    }
    graph_case();
}

}  // namespace

int main(int argc, char** argv) {
    for (int i = 1; i < argc; i++) {
        if (!std::strcmp(argv[i], "--quick")) opt.quick = true;
        else if (!std::strcmp(argv[i], "--iters") && i + 1 < argc) opt.iters = std::atoi(argv[++i]);
        else if (!std::strcmp(argv[i], "--filter") && i + 1 < argc) opt.filter = argv[++i];
        else if (!std::strcmp(argv[i], "--seed") && i + 1 < argc) opt.seed = static_cast<unsigned>(std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: %s [--quick] [--iters N] [--filter TEXT] [--seed N]\n", argv[0]);
            return 2;
        }
    }
    rng.seed(opt.seed);
    int count = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess || count == 0) {
        std::fprintf(stderr, "harness: no CUDA device (%s)\n", e == cudaSuccess ? "none found" : cudaGetErrorString(e));
        return 2;
    }
    cudaDeviceProp prop;
    CHECK_CUDA(cudaGetDeviceProperties(&prop, 0));
    int driver = 0, runtime = 0;
    cudaDriverGetVersion(&driver);
    cudaRuntimeGetVersion(&runtime);
    std::printf("device 0: %s, sm_%d%d, %d SMs, %.1f GiB, L2 %d MB; driver %d.%d, runtime %d.%d; kernels ABI %d\n",
                prop.name, prop.major, prop.minor, prop.multiProcessorCount, prop.totalGlobalMem / 1073741824.0,
                prop.l2CacheSize >> 20, driver / 1000, driver % 1000 / 10, runtime / 1000, runtime % 1000 / 10,
                unison_kernels_abi());
    std::printf("%s, %d iterations per timing, seed %u\n\n", opt.quick ? "quick (no timing)" : "check + timing",
                opt.iters, opt.seed);
    std::printf("%-28s %-5s %-30s %s\n", "case", "dtype", "shape", "max rel. error, NaN outputs, time, bandwidth");
    run_all();
    std::printf("\n%d of %d cases passed\n", cases - failures, cases);
    return failures == 0 ? 0 : 1;
}
