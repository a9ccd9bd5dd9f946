// Fused residual add + RMSNorm: one block per row.
#include "common.cuh"

namespace unison {
namespace {

// Pass 1 sums x + residual (rounded to T, as the residual stream holds it), stores it and
// accumulates its squares; pass 2 re-reads the stored row (this thread's own writes) and normalises.
template <typename T, int N, bool kResidual>
__global__ void add_rms_norm_kernel(T* __restrict__ out, T* __restrict__ residual_out,
                                    const T* __restrict__ x, const T* __restrict__ residual,
                                    const T* __restrict__ weight, int64_t dim, float eps) {
    __shared__ float scratch[32];
    const int64_t base = static_cast<int64_t>(blockIdx.x) * dim;
    const int64_t step = static_cast<int64_t>(blockDim.x) * N;
    const T* h_row = kResidual ? residual_out + base : x + base;

    float squares = 0.f;
    for (int64_t i = static_cast<int64_t>(threadIdx.x) * N; i < dim; i += step) {
        float h[N];
        load<T, N>(x + base + i, h);
        if (kResidual) {
            float r[N];
            load<T, N>(residual + base + i, r);
#pragma unroll
            for (int j = 0; j < N; j++) h[j] = round_to<T>(h[j] + r[j]);
            store<T, N>(residual_out + base + i, h);
        }
#pragma unroll
        for (int j = 0; j < N; j++) squares += h[j] * h[j];
    }
    const float inv = rsqrtf(block_sum(squares, scratch) / static_cast<float>(dim) + eps);

    for (int64_t i = static_cast<int64_t>(threadIdx.x) * N; i < dim; i += step) {
        float h[N], w[N];
        load<T, N>(h_row + i, h);
        load<T, N>(weight + i, w);
#pragma unroll
        for (int j = 0; j < N; j++) h[j] = round_to<T>(h[j] * inv) * w[j];
        store<T, N>(out + base + i, h);
    }
}

template <typename T>
int launch(T* out, T* residual_out, const T* x, const T* residual, const T* weight, int64_t rows,
           int64_t dim, float eps, cudaStream_t stream) {
    constexpr int V = kVec<T>;
    const bool vec = dim % V == 0 && aligned(out, 16) && aligned(x, 16) && aligned(weight, 16) &&
                     (residual == nullptr || (aligned(residual, 16) && aligned(residual_out, 16)));
    const int n = vec ? V : 1;
    const int threads = row_threads(dim, n);
    const dim3 grid(static_cast<unsigned>(rows));
    if (residual != nullptr) {
        if (vec)
            add_rms_norm_kernel<T, V, true><<<grid, threads, 0, stream>>>(out, residual_out, x, residual, weight, dim, eps);
        else
            add_rms_norm_kernel<T, 1, true><<<grid, threads, 0, stream>>>(out, residual_out, x, residual, weight, dim, eps);
    } else {
        if (vec)
            add_rms_norm_kernel<T, V, false><<<grid, threads, 0, stream>>>(out, nullptr, x, nullptr, weight, dim, eps);
        else
            add_rms_norm_kernel<T, 1, false><<<grid, threads, 0, stream>>>(out, nullptr, x, nullptr, weight, dim, eps);
    }
    return check_launch("unison_add_rms_norm");
}

}  // namespace
}  // namespace unison

extern "C" int unison_add_rms_norm(void* out, void* residual_out, const void* x, const void* residual,
                                   const void* weight, int64_t rows, int64_t dim, float eps, int dtype,
                                   int device, void* stream) {
    using namespace unison;
    const char* name = "unison_add_rms_norm";
    if (int e = use_device(name, device)) return e;
    if (!valid_dtype(dtype)) return invalid(name, "dtype %d", dtype);
    if (rows < 0 || rows > 0x7fffffffLL) return invalid(name, "rows %lld", static_cast<long long>(rows));
    if (dim <= 0) return invalid(name, "dim %lld", static_cast<long long>(dim));
    if (!out || !x || !weight) return invalid(name, "null pointer");
    if ((residual == nullptr) != (residual_out == nullptr))
        return invalid(name, "residual and residual_out must both be given or both be null");
    if (rows == 0) return UNISON_OK;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (dtype == UNISON_FLOAT32)
        return launch<float>(static_cast<float*>(out), static_cast<float*>(residual_out),
                             static_cast<const float*>(x), static_cast<const float*>(residual),
                             static_cast<const float*>(weight), rows, dim, eps, s);
    return launch<bf16>(static_cast<bf16*>(out), static_cast<bf16*>(residual_out), static_cast<const bf16*>(x),
                        static_cast<const bf16*>(residual), static_cast<const bf16*>(weight), rows, dim, eps, s);
}
