// Shared device helpers: dtype conversion, vector access, reductions, and the launch/error protocol.
#pragma once

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "unison_kernels.h"

namespace unison {

using bf16 = __nv_bfloat16;

// ---- errors (errors.cu) ----

// Records "<kernel>: <message>" for the calling thread and returns UNISON_ERR_INVALID.
int invalid(const char* kernel, const char* fmt, ...);
// Records "<kernel>: CUDA error <code> (<name>): <description>" and returns the code.
int cuda_failure(const char* kernel, cudaError_t error);
// Makes `device` current for the calling thread (only when it is not already).
int use_device(const char* kernel, int device);
// Checks the launch just issued (configuration errors, missing kernel image, ...).
int check_launch(const char* kernel);
void clear_error();

// ---- dtype conversion ----

__device__ __forceinline__ float to_float(float v) { return v; }
__device__ __forceinline__ float to_float(bf16 v) { return __bfloat162float(v); }

template <typename T>
__device__ __forceinline__ T from_float(float v);
template <>
__device__ __forceinline__ float from_float<float>(float v) { return v; }
template <>
__device__ __forceinline__ bf16 from_float<bf16>(float v) { return __float2bfloat16_rn(v); }

// Rounds through T and back: the value a T tensor would hold.
template <typename T>
__device__ __forceinline__ float round_to(float v) { return to_float(from_float<T>(v)); }

// ---- vector access: N elements of T in one aligned load or store ----

// Aligned to its size up to 16 bytes (the widest access); wider packs become several accesses.
template <typename T, int N>
struct alignas(sizeof(T) * N < 16 ? sizeof(T) * N : 16) Pack {
    T v[N];
};

template <typename T, int N>
__device__ __forceinline__ void load(const T* p, float (&out)[N]) {
    Pack<T, N> pack = *reinterpret_cast<const Pack<T, N>*>(p);
#pragma unroll
    for (int i = 0; i < N; i++) out[i] = to_float(pack.v[i]);
}

template <typename T, int N>
__device__ __forceinline__ void store(T* p, const float (&in)[N]) {
    Pack<T, N> pack;
#pragma unroll
    for (int i = 0; i < N; i++) pack.v[i] = from_float<T>(in[i]);
    *reinterpret_cast<Pack<T, N>*>(p) = pack;
}

// Elements per 16-byte access.
template <typename T>
constexpr int kVec = 16 / sizeof(T);

inline bool aligned(const void* p, int bytes) {
    return (reinterpret_cast<uintptr_t>(p) % bytes) == 0;
}

// ---- reductions ----

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the block; every thread gets the result. `scratch` holds 32 floats.
__device__ __forceinline__ float block_sum(float v, float* scratch) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int warps = (blockDim.x + 31) >> 5;
    v = warp_sum(v);
    __syncthreads();  // scratch may still be read by a previous reduction
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    v = lane < warps ? scratch[lane] : 0.f;
    return warp_sum(v);
}

// Threads for a row kernel: enough for one vector per thread, a multiple of 32, at most 1024.
inline int row_threads(int64_t dim, int vec) {
    int64_t need = (dim + vec - 1) / vec;
    int64_t t = ((need + 31) / 32) * 32;
    if (t < 32) t = 32;
    if (t > 1024) t = 1024;
    return static_cast<int>(t);
}

inline int grid_for(int64_t work, int threads) {
    int64_t blocks = (work + threads - 1) / threads;
    const int64_t cap = 65535LL * 32;  // plenty of blocks; kernels loop over the rest
    if (blocks > cap) blocks = cap;
    if (blocks < 1) blocks = 1;
    return static_cast<int>(blocks);
}

inline bool valid_dtype(int dtype) { return dtype == UNISON_FLOAT32 || dtype == UNISON_BFLOAT16; }

}  // namespace unison
