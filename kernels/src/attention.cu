// Decode attention: one new query per sequence over its KV cache, split over the cache length
// (flash-decoding). Pass 1: a block per (split, kv head, sequence) scores its chunk for every query
// head of the GQA group, and writes the chunk's max, exp-sum and unnormalised output. Pass 2: a block
// per (query head, sequence) merges the chunks.
#include <cmath>

#include "common.cuh"

namespace unison {
namespace {

constexpr int kChunk = 128;     // cache positions per split
constexpr int kThreads = 128;   // pass-1 block: 4 warps
constexpr int kMaxGroup = 16;   // query heads per kv head
constexpr int kMaxDim = 256;    // head_dim
constexpr int kDimsPerThread = kMaxDim / kThreads;

struct AttnArgs {
    int64_t q_heads, kv_heads, head_dim, capacity, splits;
    int64_t q_sb, q_sh, k_sb, k_sh, k_st, v_sb, v_sh, v_st;
    float scale;
};

// Workspace layout per (b, q head, split): head_dim floats of output, then max, then sum.
__host__ __device__ inline int64_t partial_index(const AttnArgs& a, int64_t b, int64_t h, int64_t split) {
    return ((b * a.q_heads + h) * a.splits + split) * (a.head_dim + 2);
}

__device__ inline int64_t clamped_length(const int64_t* lengths, int64_t b, int64_t capacity) {
    int64_t len = lengths[b];
    return len < 0 ? 0 : (len > capacity ? capacity : len);
}

template <typename T>
__global__ void __launch_bounds__(kThreads) decode_partial_kernel(const T* __restrict__ q, const T* __restrict__ k,
                                                                  const T* __restrict__ v,
                                                                  const int64_t* __restrict__ lengths,
                                                                  float* __restrict__ work, AttnArgs a) {
    __shared__ float qs[kMaxGroup][kMaxDim];
    __shared__ float probs[kMaxGroup][kChunk];
    const int64_t split = blockIdx.x, kvh = blockIdx.y, b = blockIdx.z;
    const int group = static_cast<int>(a.q_heads / a.kv_heads);
    const int dim = static_cast<int>(a.head_dim);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, warps = kThreads / 32;
    const int64_t len = clamped_length(lengths, b, a.capacity);
    const int64_t t0 = split * kChunk;
    const int64_t t1 = min(t0 + static_cast<int64_t>(kChunk), len);

    if (t0 >= t1) {  // nothing of this sequence in this chunk: an empty partial
        for (int g = threadIdx.x; g < group; g += kThreads) {
            float* p = work + partial_index(a, b, kvh * group + g, split);
            p[dim] = -INFINITY;
            p[dim + 1] = 0.f;
        }
        return;
    }

    for (int i = threadIdx.x; i < group * dim; i += kThreads) {
        const int g = i / dim, d = i - g * dim;
        const int64_t h = kvh * group + g;
        qs[g][d] = to_float(q[b * a.q_sb + h * a.q_sh + d]) * a.scale;
    }
    __syncthreads();

    // scores: a warp per position, lanes across head_dim
    const T* kb = k + b * a.k_sb + kvh * a.k_sh;
    for (int64_t t = t0 + warp; t < t1; t += warps) {
        float dot[kMaxGroup];
#pragma unroll
        for (int g = 0; g < kMaxGroup; g++) dot[g] = 0.f;
        const T* kr = kb + t * a.k_st;
        for (int d = lane; d < dim; d += 32) {
            const float kv = to_float(kr[d]);
#pragma unroll
            for (int g = 0; g < kMaxGroup; g++)
                if (g < group) dot[g] += qs[g][d] * kv;
        }
#pragma unroll
        for (int g = 0; g < kMaxGroup; g++) {
            if (g < group) {
                const float s = warp_sum(dot[g]);
                if (lane == 0) probs[g][t - t0] = s;
            }
        }
    }
    __syncthreads();

    // softmax statistics of the chunk: a warp per query head
    const int n = static_cast<int>(t1 - t0);
    for (int g = warp; g < group; g += warps) {
        float m = -INFINITY;
        for (int i = lane; i < n; i += 32) m = fmaxf(m, probs[g][i]);
        m = warp_max(m);
        float sum = 0.f;
        for (int i = lane; i < n; i += 32) {
            const float p = expf(probs[g][i] - m);
            probs[g][i] = p;
            sum += p;
        }
        sum = warp_sum(sum);
        if (lane == 0) {
            float* p = work + partial_index(a, b, kvh * group + g, split);
            p[dim] = m;
            p[dim + 1] = sum;
        }
    }
    __syncthreads();

    // unnormalised output: threads across head_dim, every query head of the group at once
    float acc[kDimsPerThread][kMaxGroup];
#pragma unroll
    for (int j = 0; j < kDimsPerThread; j++)
#pragma unroll
        for (int g = 0; g < kMaxGroup; g++) acc[j][g] = 0.f;
    const T* vb = v + b * a.v_sb + kvh * a.v_sh;
    for (int i = 0; i < n; i++) {
        const T* vr = vb + (t0 + i) * a.v_st;
#pragma unroll
        for (int j = 0; j < kDimsPerThread; j++) {
            const int d = threadIdx.x + j * kThreads;
            if (d < dim) {
                const float vv = to_float(vr[d]);
#pragma unroll
                for (int g = 0; g < kMaxGroup; g++)
                    if (g < group) acc[j][g] += probs[g][i] * vv;
            }
        }
    }
#pragma unroll
    for (int g = 0; g < kMaxGroup; g++) {
        if (g < group) {
            float* p = work + partial_index(a, b, kvh * group + g, split);
#pragma unroll
            for (int j = 0; j < kDimsPerThread; j++) {
                const int d = threadIdx.x + j * kThreads;
                if (d < dim) p[d] = acc[j][g];
            }
        }
    }
}

template <typename T>
__global__ void decode_merge_kernel(T* __restrict__ out, const int64_t* __restrict__ lengths,
                                    const float* __restrict__ work, AttnArgs a) {
    const int64_t h = blockIdx.x, b = blockIdx.y;
    const int dim = static_cast<int>(a.head_dim);
    const int64_t splits = (clamped_length(lengths, b, a.capacity) + kChunk - 1) / kChunk;
    float m = -INFINITY;
    for (int64_t s = 0; s < splits; s++) m = fmaxf(m, work[partial_index(a, b, h, s) + dim]);
    for (int d = threadIdx.x; d < dim; d += blockDim.x) {
        float num = 0.f, den = 0.f;
        for (int64_t s = 0; s < splits; s++) {
            const float* p = work + partial_index(a, b, h, s);
            const float w = expf(p[dim] - m);
            num += w * p[d];
            den += w * p[dim + 1];
        }
        out[(b * a.q_heads + h) * dim + d] = from_float<T>(splits == 0 ? 0.f : num / den);
    }
}

int64_t splits_for(int64_t capacity) { return (capacity + kChunk - 1) / kChunk; }

template <typename T>
int launch(T* out, const T* q, const T* k, const T* v, const int64_t* lengths, float* work, int64_t batch,
           const AttnArgs& a, cudaStream_t stream) {
    const dim3 grid1(static_cast<unsigned>(a.splits), static_cast<unsigned>(a.kv_heads), static_cast<unsigned>(batch));
    decode_partial_kernel<T><<<grid1, kThreads, 0, stream>>>(q, k, v, lengths, work, a);
    if (int e = check_launch("unison_decode_attention (pass 1)")) return e;
    const dim3 grid2(static_cast<unsigned>(a.q_heads), static_cast<unsigned>(batch));
    const int threads2 = static_cast<int>(((a.head_dim + 31) / 32) * 32);
    decode_merge_kernel<T><<<grid2, threads2, 0, stream>>>(out, lengths, work, a);
    return check_launch("unison_decode_attention (pass 2)");
}

}  // namespace
}  // namespace unison

extern "C" int64_t unison_decode_attention_workspace(int64_t batch, int64_t q_heads, int64_t head_dim,
                                                     int64_t capacity) {
    if (batch <= 0 || q_heads <= 0 || head_dim <= 0 || capacity <= 0) return 0;
    return batch * q_heads * unison::splits_for(capacity) * (head_dim + 2) * static_cast<int64_t>(sizeof(float));
}

extern "C" int unison_decode_attention(void* out, const void* q, const void* k, const void* v,
                                       const int64_t* lengths, void* workspace, int64_t batch, int64_t q_heads,
                                       int64_t kv_heads, int64_t head_dim, int64_t capacity, int64_t q_sb,
                                       int64_t q_sh, int64_t k_sb, int64_t k_sh, int64_t k_st, int64_t v_sb,
                                       int64_t v_sh, int64_t v_st, float scale, int dtype, int device,
                                       void* stream) {
    using namespace unison;
    const char* name = "unison_decode_attention";
    if (int e = use_device(name, device)) return e;
    if (!valid_dtype(dtype)) return invalid(name, "dtype %d", dtype);
    if (batch < 0 || batch > 65535 || q_heads <= 0 || kv_heads <= 0 || capacity <= 0)
        return invalid(name, "batch %lld, q_heads %lld, kv_heads %lld, capacity %lld",
                       static_cast<long long>(batch), static_cast<long long>(q_heads),
                       static_cast<long long>(kv_heads), static_cast<long long>(capacity));
    if (q_heads % kv_heads != 0 || q_heads / kv_heads > kMaxGroup || kv_heads > 65535)
        return invalid(name, "%lld query heads over %lld kv heads (a group of at most %d)",
                       static_cast<long long>(q_heads), static_cast<long long>(kv_heads), kMaxGroup);
    if (head_dim <= 0 || head_dim > kMaxDim)
        return invalid(name, "head_dim %lld (at most %d)", static_cast<long long>(head_dim), kMaxDim);
    if (!out || !q || !k || !v || !lengths || !workspace) return invalid(name, "null pointer");
    if (batch == 0) return UNISON_OK;
    AttnArgs a{q_heads, kv_heads, head_dim, capacity, splits_for(capacity), q_sb, q_sh, k_sb, k_sh, k_st,
               v_sb, v_sh, v_st, scale};
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (dtype == UNISON_FLOAT32)
        return launch<float>(static_cast<float*>(out), static_cast<const float*>(q), static_cast<const float*>(k),
                             static_cast<const float*>(v), lengths, static_cast<float*>(workspace), batch, a, s);
    return launch<bf16>(static_cast<bf16*>(out), static_cast<const bf16*>(q), static_cast<const bf16*>(k),
                        static_cast<const bf16*>(v), lengths, static_cast<float*>(workspace), batch, a, s);
}
