// CPU references of the kernels in plain C++ float math: the semantics of ai.unison.runtime.Kernels'
// libtorch fallbacks, restated element by element. Inputs hold values already representable in the
// kernel's dtype; `dtype` says where results are rounded (UNISON_FLOAT32 or UNISON_BFLOAT16).
#pragma once

#include <cstdint>
#include <vector>

namespace ref {

using Vec = std::vector<float>;

// Rounds to the nearest bfloat16 (ties to even) for UNISON_BFLOAT16; identity for float32.
float round_to(float v, int dtype);
uint16_t to_bf16_bits(float v);
float from_bf16_bits(uint16_t bits);

void add_rms_norm(Vec& out, Vec* residual_out, const Vec& x, const Vec* residual, const Vec& weight,
                  int64_t rows, int64_t dim, float eps, int dtype);

struct RopeShape {
    int64_t n0, n1, n2, head_dim;
    int64_t s0, s1, s2;  // table strides
    int mode;
    int64_t axis_stride;
    int64_t sections[3];
};
void rotary(Vec& out, const Vec& x, const Vec& cos, const Vec& sin, const RopeShape& s, int dtype);

void gated_act(Vec& out, const Vec& gate, const Vec* up, int64_t rows, int64_t cols, int64_t gate_stride,
               int64_t up_stride, int act, int dtype);

void modulate(Vec& out, const Vec& x, const Vec& shift, const Vec& scale, int64_t batch, int64_t len, int64_t dim,
              int64_t msb, int64_t msl, bool layer_norm, float eps, int dtype);

void gated_residual(Vec& out, const Vec& x, const Vec& y, const Vec& gate, int64_t batch, int64_t len,
                    int64_t dim, int64_t gsb, int64_t gsl, int dtype);

void cfg_step(Vec& out, const Vec& uncond, const Vec& cond, const Vec* sample, float scale, float dt,
              int out_dtype);

struct AttnShape {
    int64_t batch, q_heads, kv_heads, head_dim, capacity;
    int64_t q_sb, q_sh, k_sb, k_sh, k_st, v_sb, v_sh, v_st;
    float scale;
};
void decode_attention(Vec& out, const Vec& q, const Vec& k, const Vec& v, const std::vector<int64_t>& lengths,
                      const AttnShape& s, int dtype);

}  // namespace ref
