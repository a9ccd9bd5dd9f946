// AdaLN for Wan blocks: (LayerNorm +) shift/scale modulation, and the gated residual x + y * gate.
#include "common.cuh"

namespace unison {
namespace {

// One block per row (b, l). With kNorm the row is layer-normalised first: mean, then the biased
// variance about it (two passes over the row, which stays in L1/L2), then the modulated output.
template <typename T, int N, bool kNorm>
__global__ void modulate_kernel(T* __restrict__ out, const T* __restrict__ x, const float* __restrict__ shift,
                                const float* __restrict__ scale, int64_t len, int64_t dim, int64_t msb,
                                int64_t msl, float eps) {
    __shared__ float scratch[32];
    const int64_t row = blockIdx.x;
    const int64_t b = row / len, l = row - (row / len) * len;
    const T* xr = x + row * dim;
    const float* sh = shift + b * msb + l * msl;
    const float* sc = scale + b * msb + l * msl;
    const int64_t step = static_cast<int64_t>(blockDim.x) * N;
    const int64_t first = static_cast<int64_t>(threadIdx.x) * N;

    float mean = 0.f, rstd = 1.f;
    if (kNorm) {
        float sum = 0.f;
        for (int64_t i = first; i < dim; i += step) {
            float v[N];
            load<T, N>(xr + i, v);
#pragma unroll
            for (int j = 0; j < N; j++) sum += v[j];
        }
        mean = block_sum(sum, scratch) / static_cast<float>(dim);
        float squares = 0.f;
        for (int64_t i = first; i < dim; i += step) {
            float v[N];
            load<T, N>(xr + i, v);
#pragma unroll
            for (int j = 0; j < N; j++) squares += (v[j] - mean) * (v[j] - mean);
        }
        rstd = rsqrtf(block_sum(squares, scratch) / static_cast<float>(dim) + eps);
    }
    for (int64_t i = first; i < dim; i += step) {
        float v[N], s[N], c[N];
        load<T, N>(xr + i, v);
        load<float, N>(sh + i, s);
        load<float, N>(sc + i, c);
#pragma unroll
        for (int j = 0; j < N; j++) {
            const float h = kNorm ? (v[j] - mean) * rstd : v[j];
            v[j] = h * (1.f + c[j]) + s[j];
        }
        store<T, N>(out + row * dim + i, v);
    }
}

template <typename T, int N>
__global__ void gated_residual_kernel(T* __restrict__ out, const T* __restrict__ x, const T* __restrict__ y,
                                      const float* __restrict__ gate, int64_t len, int64_t dim, int64_t gsb,
                                      int64_t gsl) {
    const int64_t row = blockIdx.x;
    const int64_t b = row / len, l = row - (row / len) * len;
    const float* gr = gate + b * gsb + l * gsl;
    for (int64_t i = static_cast<int64_t>(threadIdx.x) * N; i < dim; i += static_cast<int64_t>(blockDim.x) * N) {
        float xv[N], yv[N], g[N];
        load<T, N>(x + row * dim + i, xv);
        load<T, N>(y + row * dim + i, yv);
        load<float, N>(gr + i, g);
#pragma unroll
        for (int j = 0; j < N; j++) xv[j] = xv[j] + yv[j] * g[j];
        store<T, N>(out + row * dim + i, xv);
    }
}

// Vector width shared by T and the float tables: 4 elements (16 bytes of float).
constexpr int kN = 4;

template <typename T>
bool rows_aligned(const void* a, const void* b, const float* t1, const float* t2, int64_t dim, int64_t sb,
                  int64_t sl) {
    return dim % kN == 0 && sb % kN == 0 && sl % kN == 0 && aligned(a, kN * sizeof(T)) &&
           aligned(b, kN * sizeof(T)) && aligned(t1, 16) && aligned(t2, 16);
}

template <typename T>
int launch_modulate(T* out, const T* x, const float* shift, const float* scale, int64_t rows, int64_t len,
                    int64_t dim, int64_t msb, int64_t msl, bool norm, float eps, cudaStream_t stream) {
    const bool vec = rows_aligned<T>(out, x, shift, scale, dim, msb, msl);
    const int threads = row_threads(dim, vec ? kN : 1);
    const dim3 grid(static_cast<unsigned>(rows));
    if (norm) {
        if (vec) modulate_kernel<T, kN, true><<<grid, threads, 0, stream>>>(out, x, shift, scale, len, dim, msb, msl, eps);
        else modulate_kernel<T, 1, true><<<grid, threads, 0, stream>>>(out, x, shift, scale, len, dim, msb, msl, eps);
    } else {
        if (vec) modulate_kernel<T, kN, false><<<grid, threads, 0, stream>>>(out, x, shift, scale, len, dim, msb, msl, eps);
        else modulate_kernel<T, 1, false><<<grid, threads, 0, stream>>>(out, x, shift, scale, len, dim, msb, msl, eps);
    }
    return check_launch("unison_modulate");
}

template <typename T>
int launch_gated(T* out, const T* x, const T* y, const float* gate, int64_t rows, int64_t len, int64_t dim,
                 int64_t gsb, int64_t gsl, cudaStream_t stream) {
    const bool vec = rows_aligned<T>(out, x, gate, gate, dim, gsb, gsl) && aligned(y, kN * sizeof(T));
    const int threads = row_threads(dim, vec ? kN : 1);
    const dim3 grid(static_cast<unsigned>(rows));
    if (vec) gated_residual_kernel<T, kN><<<grid, threads, 0, stream>>>(out, x, y, gate, len, dim, gsb, gsl);
    else gated_residual_kernel<T, 1><<<grid, threads, 0, stream>>>(out, x, y, gate, len, dim, gsb, gsl);
    return check_launch("unison_gated_residual");
}

int check_shape(const char* name, int64_t batch, int64_t len, int64_t dim, int64_t sb, int64_t sl) {
    if (batch < 0 || len < 0 || dim <= 0)
        return invalid(name, "shape [%lld, %lld, %lld]", static_cast<long long>(batch), static_cast<long long>(len),
                       static_cast<long long>(dim));
    if (batch * len > 0x7fffffffLL) return invalid(name, "%lld rows", static_cast<long long>(batch * len));
    if (sb < 0 || sl < 0) return invalid(name, "negative table stride");
    return UNISON_OK;
}

}  // namespace
}  // namespace unison

extern "C" int unison_modulate(void* out, const void* x, const float* shift, const float* scale, int64_t batch,
                               int64_t len, int64_t dim, int64_t mod_stride_b, int64_t mod_stride_l,
                               int layer_norm, float eps, int dtype, int device, void* stream) {
    using namespace unison;
    const char* name = "unison_modulate";
    if (int e = use_device(name, device)) return e;
    if (!valid_dtype(dtype)) return invalid(name, "dtype %d", dtype);
    if (int e = check_shape(name, batch, len, dim, mod_stride_b, mod_stride_l)) return e;
    if (!out || !x || !shift || !scale) return invalid(name, "null pointer");
    const int64_t rows = batch * len;
    if (rows == 0) return UNISON_OK;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (dtype == UNISON_FLOAT32)
        return launch_modulate<float>(static_cast<float*>(out), static_cast<const float*>(x), shift, scale, rows, len,
                                      dim, mod_stride_b, mod_stride_l, layer_norm != 0, eps, s);
    return launch_modulate<bf16>(static_cast<bf16*>(out), static_cast<const bf16*>(x), shift, scale, rows, len, dim,
                                 mod_stride_b, mod_stride_l, layer_norm != 0, eps, s);
}

extern "C" int unison_gated_residual(void* out, const void* x, const void* y, const float* gate, int64_t batch,
                                     int64_t len, int64_t dim, int64_t gate_stride_b, int64_t gate_stride_l,
                                     int dtype, int device, void* stream) {
    using namespace unison;
    const char* name = "unison_gated_residual";
    if (int e = use_device(name, device)) return e;
    if (!valid_dtype(dtype)) return invalid(name, "dtype %d", dtype);
    if (int e = check_shape(name, batch, len, dim, gate_stride_b, gate_stride_l)) return e;
    if (!out || !x || !y || !gate) return invalid(name, "null pointer");
    const int64_t rows = batch * len;
    if (rows == 0) return UNISON_OK;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (dtype == UNISON_FLOAT32)
        return launch_gated<float>(static_cast<float*>(out), static_cast<const float*>(x), static_cast<const float*>(y),
                                   gate, rows, len, dim, gate_stride_b, gate_stride_l, s);
    return launch_gated<bf16>(static_cast<bf16*>(out), static_cast<const bf16*>(x), static_cast<const bf16*>(y), gate,
                              rows, len, dim, gate_stride_b, gate_stride_l, s);
}
