// Decode attention: one new query per sequence over its KV cache, split over the cache length
// (flash-decoding). Pass 1: a block per (split, kv head, sequence) scores its chunk for every query
// head of the GQA group, and writes the chunk's max, exp-sum and unnormalised output. Pass 2: a block
// per (query head, sequence) merges the chunks.
#include <cmath>

#include "common.cuh"

namespace unison {
namespace {

constexpr int kChunk = 128;     // cache positions per split
constexpr int kThreads = 512;   // pass-1 block: 16 warps, so that a long sequence's few blocks keep an SM busy
constexpr int kMaxGroup = 16;   // query heads per kv head
constexpr int kMaxDim = 256;    // head_dim
constexpr int kRowThreads = kThreads / kChunk;  // threads sharing a key row (scores) or a value column (values)
constexpr int kDimsPerThread = kMaxDim / kChunk;  // value dimensions per thread (a thread per dim, two when > 128)

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

template <typename T, bool Wide>
__global__ void __launch_bounds__(kThreads) decode_partial_kernel(const T* __restrict__ q, const T* __restrict__ k,
                                                                  const T* __restrict__ v,
                                                                  const int64_t* __restrict__ lengths,
                                                                  float* __restrict__ work, AttnArgs a) {
    // qs holds the scaled queries during scoring, then the value sums while the row groups add them up
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

    // scores: kRowThreads adjacent lanes per cache position, each over every kRowThreads-th slice of head_dim
    // (16-byte slices when the rows are aligned for it), summed with shuffles
    const int n = static_cast<int>(t1 - t0);
    {
        const int r = threadIdx.x / kRowThreads, part = threadIdx.x % kRowThreads;
        float dot[kMaxGroup];
#pragma unroll
        for (int g = 0; g < kMaxGroup; g++) dot[g] = 0.f;
        if (r < n) {
            const T* kr = k + b * a.k_sb + kvh * a.k_sh + (t0 + r) * a.k_st;
            if constexpr (Wide) {
                constexpr int E = kVec<T>;
#pragma unroll 2
                for (int d0 = part * E; d0 < dim; d0 += kRowThreads * E) {
                    float kv[E];
                    load<T, E>(kr + d0, kv);
#pragma unroll
                    for (int e = 0; e < E; e++)
#pragma unroll
                        for (int g = 0; g < kMaxGroup; g++)
                            if (g < group) dot[g] += qs[g][d0 + e] * kv[e];
                }
            } else {
#pragma unroll 4
                for (int d = part; d < dim; d += kRowThreads) {
                    const float kv = to_float(kr[d]);
#pragma unroll
                    for (int g = 0; g < kMaxGroup; g++)
                        if (g < group) dot[g] += qs[g][d] * kv;
                }
            }
        }
#pragma unroll
        for (int g = 0; g < kMaxGroup; g++) {
            if (g < group) {
#pragma unroll
                for (int offset = 1; offset < kRowThreads; offset <<= 1)
                    dot[g] += __shfl_xor_sync(0xffffffffu, dot[g], offset);
                if (part == 0 && r < n) probs[g][r] = dot[g];
            }
        }
    }
    __syncthreads();

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

    // unnormalised output: kChunk threads across head_dim times kRowThreads row groups (rows rg, rg + kRowThreads,
    // ...), kUnroll rows loaded before they are used; then the row groups add up their sums in qs, one at a time
    float acc[kDimsPerThread][kMaxGroup];
#pragma unroll
    for (int j = 0; j < kDimsPerThread; j++)
#pragma unroll
        for (int g = 0; g < kMaxGroup; g++) acc[j][g] = 0.f;
    const T* vb = v + b * a.v_sb + kvh * a.v_sh;
    const int col = threadIdx.x % kChunk, rg = threadIdx.x / kChunk;
    constexpr int kUnroll = 4;
    for (int i0 = rg; i0 < n; i0 += kRowThreads * kUnroll) {
#pragma unroll
        for (int j = 0; j < kDimsPerThread; j++) {
            const int d = col + j * kChunk;
            if (d < dim) {
                float vv[kUnroll];
#pragma unroll
                for (int u = 0; u < kUnroll; u++) {
                    const int i = i0 + u * kRowThreads;
                    vv[u] = i < n ? to_float(vb[(t0 + i) * a.v_st + d]) : 0.f;
                }
#pragma unroll
                for (int u = 0; u < kUnroll; u++) {
                    const int i = i0 + u * kRowThreads;
                    if (i < n) {
#pragma unroll
                        for (int g = 0; g < kMaxGroup; g++)
                            if (g < group) acc[j][g] += probs[g][i] * vv[u];
                    }
                }
            }
        }
    }
    for (int turn = 0; turn < kRowThreads; turn++) {  // fixed order: the same sums on every run
        if (rg == turn) {
#pragma unroll
            for (int j = 0; j < kDimsPerThread; j++) {
                const int d = col + j * kChunk;
                if (d < dim) {
#pragma unroll
                    for (int g = 0; g < kMaxGroup; g++)
                        if (g < group) qs[g][d] = (turn == 0 ? 0.f : qs[g][d]) + acc[j][g];
                }
            }
        }
        __syncthreads();
    }
    for (int i = threadIdx.x; i < group * dim; i += kThreads) {
        const int g = i / dim, d = i - g * dim;
        work[partial_index(a, b, kvh * group + g, split) + d] = qs[g][d];
    }
}

// Pass 2: a block of kMergeWarps warps per (query head, sequence); warp w takes splits w, w + kMergeWarps, ...,
// lanes across head_dim, and the warps' partial sums meet in shared memory.
constexpr int kMergeWarps = 8;
constexpr int kMergeDims = kMaxDim / 32;  // head_dim values per lane

template <typename T>
__global__ void __launch_bounds__(kMergeWarps * 32) decode_merge_kernel(T* __restrict__ out,
                                                                        const int64_t* __restrict__ lengths,
                                                                        const float* __restrict__ work, AttnArgs a) {
    __shared__ float part[kMergeWarps][kMaxDim + 1];
    __shared__ float maxima[kMergeWarps];
    const int64_t h = blockIdx.x, b = blockIdx.y;
    const int dim = static_cast<int>(a.head_dim);
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int64_t splits = (clamped_length(lengths, b, a.capacity) + kChunk - 1) / kChunk;

    float m = -INFINITY;
    for (int64_t s = threadIdx.x; s < splits; s += blockDim.x) m = fmaxf(m, work[partial_index(a, b, h, s) + dim]);
    m = warp_max(m);
    if (lane == 0) maxima[warp] = m;
    __syncthreads();
    m = maxima[0];
#pragma unroll
    for (int w = 1; w < kMergeWarps; w++) m = fmaxf(m, maxima[w]);

    float num[kMergeDims];
#pragma unroll
    for (int j = 0; j < kMergeDims; j++) num[j] = 0.f;
    float den = 0.f;
#pragma unroll 2
    for (int64_t s = warp; s < splits; s += kMergeWarps) {
        const float* p = work + partial_index(a, b, h, s);
        const float w = expf(p[dim] - m);
        den += w * p[dim + 1];
#pragma unroll
        for (int j = 0; j < kMergeDims; j++) {
            const int d = lane + 32 * j;
            if (d < dim) num[j] += w * p[d];
        }
    }
#pragma unroll
    for (int j = 0; j < kMergeDims; j++) {
        const int d = lane + 32 * j;
        if (d < dim) part[warp][d] = num[j];
    }
    if (lane == 0) part[warp][kMaxDim] = den;
    __syncthreads();
    float total = 0.f;
#pragma unroll
    for (int w = 0; w < kMergeWarps; w++) total += part[w][kMaxDim];
    for (int d = threadIdx.x; d < dim; d += blockDim.x) {
        float sum = 0.f;
#pragma unroll
        for (int w = 0; w < kMergeWarps; w++) sum += part[w][d];
        out[(b * a.q_heads + h) * dim + d] = from_float<T>(splits == 0 ? 0.f : sum / total);
    }
}

int64_t splits_for(int64_t capacity) { return (capacity + kChunk - 1) / kChunk; }

template <typename T>
int launch(T* out, const T* q, const T* k, const T* v, const int64_t* lengths, float* work, int64_t batch,
           const AttnArgs& a, cudaStream_t stream) {
    const dim3 grid1(static_cast<unsigned>(a.splits), static_cast<unsigned>(a.kv_heads), static_cast<unsigned>(batch));
    // 16-byte key loads when every key row starts on a 16-byte boundary
    const bool wide = a.head_dim % kVec<T> == 0 && a.k_st % kVec<T> == 0 && a.k_sh % kVec<T> == 0 &&
                      a.k_sb % kVec<T> == 0 && aligned(k, 16);
    if (wide)
        decode_partial_kernel<T, true><<<grid1, kThreads, 0, stream>>>(q, k, v, lengths, work, a);
    else
        decode_partial_kernel<T, false><<<grid1, kThreads, 0, stream>>>(q, k, v, lengths, work, a);
    if (int e = check_launch("unison_decode_attention (pass 1)")) return e;
    const dim3 grid2(static_cast<unsigned>(a.q_heads), static_cast<unsigned>(batch));
    decode_merge_kernel<T><<<grid2, kMergeWarps * 32, 0, stream>>>(out, lengths, work, a);
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
