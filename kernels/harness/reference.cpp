#include "reference.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "unison_kernels.h"

namespace ref {

uint16_t to_bf16_bits(float v) {
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof bits);
    if (std::isnan(v)) return static_cast<uint16_t>((bits >> 16) | 0x40);
    const uint32_t rounding = 0x7fff + ((bits >> 16) & 1);  // to nearest, ties to even
    return static_cast<uint16_t>((bits + rounding) >> 16);
}

float from_bf16_bits(uint16_t b) {
    const uint32_t bits = static_cast<uint32_t>(b) << 16;
    float v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

float round_to(float v, int dtype) {
    return dtype == UNISON_BFLOAT16 ? from_bf16_bits(to_bf16_bits(v)) : v;
}

void add_rms_norm(Vec& out, Vec* residual_out, const Vec& x, const Vec* residual, const Vec& weight,
                  int64_t rows, int64_t dim, float eps, int dtype) {
    Vec h(dim);
    for (int64_t r = 0; r < rows; r++) {
        double squares = 0;
        for (int64_t i = 0; i < dim; i++) {
            float v = x[r * dim + i];
            if (residual) {
                v = round_to(v + (*residual)[r * dim + i], dtype);
                (*residual_out)[r * dim + i] = v;
            }
            h[i] = v;
            squares += static_cast<double>(v) * v;
        }
        const float inv = 1.f / std::sqrt(static_cast<float>(squares / dim) + eps);
        for (int64_t i = 0; i < dim; i++) out[r * dim + i] = round_to(round_to(h[i] * inv, dtype) * weight[i], dtype);
    }
}

void rotary(Vec& out, const Vec& x, const Vec& cos, const Vec& sin, const RopeShape& s, int dtype) {
    const int64_t half = s.head_dim / 2;
    for (int64_t a = 0; a < s.n0; a++)
        for (int64_t b = 0; b < s.n1; b++)
            for (int64_t c = 0; c < s.n2; c++) {
                const int64_t row = ((a * s.n1 + b) * s.n2 + c) * s.head_dim;
                const int64_t table = a * s.s0 + b * s.s1 + c * s.s2;
                for (int64_t i = 0; i < half; i++) {
                    if (s.mode == UNISON_ROPE_INTERLEAVED) {
                        const float x1 = x[row + 2 * i], x2 = x[row + 2 * i + 1];
                        const float cs = cos[table + i], sn = sin[table + i];
                        out[row + 2 * i] = round_to(x1 * cs - x2 * sn, dtype);
                        out[row + 2 * i + 1] = round_to(x1 * sn + x2 * cs, dtype);
                    } else {
                        int64_t t = table;
                        if (s.mode == UNISON_ROPE_MULTIMODAL) {
                            const int64_t axis = i < s.sections[0] ? 0 : (i < s.sections[0] + s.sections[1] ? 1 : 2);
                            t += axis * s.axis_stride;
                        }
                        const float x1 = x[row + i], x2 = x[row + i + half];
                        out[row + i] = round_to(x1 * cos[t + i] - x2 * sin[t + i], dtype);
                        out[row + i + half] = round_to(x2 * cos[t + i + half] + x1 * sin[t + i + half], dtype);
                    }
                }
            }
}

static float activate(float x, int act) {
    if (act == UNISON_ACT_SILU) return x / (1.f + std::exp(-x));
    return 0.5f * x * (1.f + std::tanh(0.7978845608028654f * (x + 0.044715f * x * x * x)));
}

void gated_act(Vec& out, const Vec& gate, const Vec* up, int64_t rows, int64_t cols, int64_t gate_stride,
               int64_t up_stride, int act, int dtype) {
    for (int64_t r = 0; r < rows; r++)
        for (int64_t c = 0; c < cols; c++) {
            float v = activate(gate[r * gate_stride + c], act);
            if (up) v *= (*up)[r * up_stride + c];
            out[r * cols + c] = round_to(v, dtype);
        }
}

void modulate(Vec& out, const Vec& x, const Vec& shift, const Vec& scale, int64_t batch, int64_t len, int64_t dim,
              int64_t msb, int64_t msl, bool layer_norm, float eps, int dtype) {
    for (int64_t b = 0; b < batch; b++)
        for (int64_t l = 0; l < len; l++) {
            const int64_t row = (b * len + l) * dim, mod = b * msb + l * msl;
            float mean = 0, rstd = 1;
            if (layer_norm) {
                double sum = 0;
                for (int64_t i = 0; i < dim; i++) sum += x[row + i];
                mean = static_cast<float>(sum / dim);
                double var = 0;
                for (int64_t i = 0; i < dim; i++) var += static_cast<double>(x[row + i] - mean) * (x[row + i] - mean);
                rstd = 1.f / std::sqrt(static_cast<float>(var / dim) + eps);
            }
            for (int64_t i = 0; i < dim; i++) {
                const float h = layer_norm ? (x[row + i] - mean) * rstd : x[row + i];
                out[row + i] = round_to(h * (1.f + scale[mod + i]) + shift[mod + i], dtype);
            }
        }
}

void gated_residual(Vec& out, const Vec& x, const Vec& y, const Vec& gate, int64_t batch, int64_t len,
                    int64_t dim, int64_t gsb, int64_t gsl, int dtype) {
    for (int64_t b = 0; b < batch; b++)
        for (int64_t l = 0; l < len; l++) {
            const int64_t row = (b * len + l) * dim, g = b * gsb + l * gsl;
            for (int64_t i = 0; i < dim; i++) out[row + i] = round_to(x[row + i] + y[row + i] * gate[g + i], dtype);
        }
}

void cfg_step(Vec& out, const Vec& uncond, const Vec& cond, const Vec* sample, float scale, float dt,
              int out_dtype) {
    for (size_t i = 0; i < out.size(); i++) {
        float g = uncond[i] + scale * (cond[i] - uncond[i]);
        if (sample) g = (*sample)[i] + dt * g;
        out[i] = round_to(g, out_dtype);
    }
}

void decode_attention(Vec& out, const Vec& q, const Vec& k, const Vec& v, const std::vector<int64_t>& lengths,
                      const AttnShape& s, int dtype) {
    const int64_t group = s.q_heads / s.kv_heads;
    std::vector<double> scores(s.capacity), acc(s.head_dim);
    for (int64_t b = 0; b < s.batch; b++) {
        const int64_t len = std::min(std::max<int64_t>(lengths[b], 0), s.capacity);
        for (int64_t h = 0; h < s.q_heads; h++) {
            const int64_t kvh = h / group;
            const float* qr = q.data() + b * s.q_sb + h * s.q_sh;
            double m = -std::numeric_limits<double>::infinity();
            for (int64_t t = 0; t < len; t++) {
                const float* kr = k.data() + b * s.k_sb + kvh * s.k_sh + t * s.k_st;
                double dot = 0;
                for (int64_t d = 0; d < s.head_dim; d++) dot += static_cast<double>(qr[d]) * kr[d];
                scores[t] = dot * s.scale;
                m = std::max(m, scores[t]);
            }
            double sum = 0;
            std::fill(acc.begin(), acc.end(), 0.0);
            for (int64_t t = 0; t < len; t++) {
                const double p = std::exp(scores[t] - m);
                sum += p;
                const float* vr = v.data() + b * s.v_sb + kvh * s.v_sh + t * s.v_st;
                for (int64_t d = 0; d < s.head_dim; d++) acc[d] += p * vr[d];
            }
            for (int64_t d = 0; d < s.head_dim; d++)
                out[(b * s.q_heads + h) * s.head_dim + d] =
                    round_to(len == 0 ? 0.f : static_cast<float>(acc[d] / sum), dtype);
        }
    }
}

}  // namespace ref
