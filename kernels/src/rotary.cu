// Rotary position embeddings: rotate-half (1-D and M-RoPE tables) and interleaved pairs (Wan 3-D).
#include "common.cuh"

namespace unison {
namespace {

struct RopeArgs {
    int64_t n1, n2, head_dim;
    int64_t s0, s1, s2;  // table strides of the three leading dims
    int64_t axis_stride;
    int64_t section0, section01;  // M-RoPE: pair i < section0 -> axis 0, < section01 -> 1, else 2
};

// Each thread rotates N consecutive pairs of one row; a row is one head of one position.
template <typename T, int N, int kMode>
__global__ void rotary_kernel(T* __restrict__ out, const T* __restrict__ x, const float* __restrict__ cos,
                              const float* __restrict__ sin, int64_t rows, RopeArgs a) {
    const int64_t half = a.head_dim / 2;
    const int64_t groups_per_row = half / N;
    const int64_t total = rows * groups_per_row;
    for (int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; g < total;
         g += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t row = g / groups_per_row;
        const int64_t i = (g - row * groups_per_row) * N;  // first pair of this thread
        const int64_t c = row % a.n2;
        const int64_t b = (row / a.n2) % a.n1;
        const int64_t n0 = row / (a.n2 * a.n1);
        int64_t table = n0 * a.s0 + b * a.s1 + c * a.s2;
        const T* xr = x + row * a.head_dim;
        T* outr = out + row * a.head_dim;
        if (kMode == UNISON_ROPE_INTERLEAVED) {
            float v[2 * N], cs[N], sn[N], r[2 * N];
            load<T, 2 * N>(xr + 2 * i, v);
            load<float, N>(cos + table + i, cs);
            load<float, N>(sin + table + i, sn);
#pragma unroll
            for (int j = 0; j < N; j++) {
                const float x1 = v[2 * j], x2 = v[2 * j + 1];
                r[2 * j] = x1 * cs[j] - x2 * sn[j];
                r[2 * j + 1] = x1 * sn[j] + x2 * cs[j];
            }
            store<T, 2 * N>(outr + 2 * i, r);
        } else {
            if (kMode == UNISON_ROPE_MULTIMODAL) {
                // N divides every section (checked at launch), so one axis serves all N pairs
                const int64_t axis = i < a.section0 ? 0 : (i < a.section01 ? 1 : 2);
                table += axis * a.axis_stride;
            }
            float x1[N], x2[N], c1[N], c2[N], s1[N], s2[N], r1[N], r2[N];
            load<T, N>(xr + i, x1);
            load<T, N>(xr + i + half, x2);
            load<float, N>(cos + table + i, c1);
            load<float, N>(cos + table + i + half, c2);
            load<float, N>(sin + table + i, s1);
            load<float, N>(sin + table + i + half, s2);
#pragma unroll
            for (int j = 0; j < N; j++) {
                r1[j] = x1[j] * c1[j] - x2[j] * s1[j];
                r2[j] = x2[j] * c2[j] + x1[j] * s2[j];
            }
            store<T, N>(outr + i, r1);
            store<T, N>(outr + i + half, r2);
        }
    }
}

template <typename T, int N>
void launch_mode(int mode, T* out, const T* x, const float* cos, const float* sin, int64_t rows,
                 const RopeArgs& a, cudaStream_t stream) {
    const int threads = 256;
    const int grid = grid_for(rows * (a.head_dim / 2 / N), threads);
    switch (mode) {
        case UNISON_ROPE_HALF:
            rotary_kernel<T, N, UNISON_ROPE_HALF><<<grid, threads, 0, stream>>>(out, x, cos, sin, rows, a);
            break;
        case UNISON_ROPE_INTERLEAVED:
            rotary_kernel<T, N, UNISON_ROPE_INTERLEAVED><<<grid, threads, 0, stream>>>(out, x, cos, sin, rows, a);
            break;
        default:
            rotary_kernel<T, N, UNISON_ROPE_MULTIMODAL><<<grid, threads, 0, stream>>>(out, x, cos, sin, rows, a);
            break;
    }
}

// 4 pairs per thread when every access stays aligned, else 1.
template <typename T>
int launch(int mode, T* out, const T* x, const float* cos, const float* sin, int64_t rows, const RopeArgs& a,
           cudaStream_t stream) {
    constexpr int N = 4;
    const int64_t half = a.head_dim / 2;
    bool vec = half % N == 0 && a.s0 % N == 0 && a.s1 % N == 0 && a.s2 % N == 0 && aligned(cos, 16) &&
               aligned(sin, 16) && aligned(x, 16) && aligned(out, 16);
    if (mode == UNISON_ROPE_MULTIMODAL)
        vec = vec && a.axis_stride % N == 0 && a.section0 % N == 0 && a.section01 % N == 0;
    if (vec)
        launch_mode<T, N>(mode, out, x, cos, sin, rows, a, stream);
    else
        launch_mode<T, 1>(mode, out, x, cos, sin, rows, a, stream);
    return check_launch("unison_rotary");
}

}  // namespace
}  // namespace unison

extern "C" int unison_rotary(void* out, const void* x, const float* cos, const float* sin, int64_t n0,
                             int64_t n1, int64_t n2, int64_t head_dim, int64_t s0, int64_t s1, int64_t s2,
                             int mode, int64_t axis_stride, int64_t section0, int64_t section1,
                             int64_t section2, int dtype, int device, void* stream) {
    using namespace unison;
    const char* name = "unison_rotary";
    if (int e = use_device(name, device)) return e;
    if (!valid_dtype(dtype)) return invalid(name, "dtype %d", dtype);
    if (mode != UNISON_ROPE_HALF && mode != UNISON_ROPE_INTERLEAVED && mode != UNISON_ROPE_MULTIMODAL)
        return invalid(name, "mode %d", mode);
    if (n0 < 0 || n1 <= 0 || n2 <= 0) return invalid(name, "leading sizes %lld, %lld, %lld",
                                                    static_cast<long long>(n0), static_cast<long long>(n1),
                                                    static_cast<long long>(n2));
    if (head_dim <= 0 || head_dim % 2 != 0) return invalid(name, "head_dim %lld is not a positive even number",
                                                          static_cast<long long>(head_dim));
    if (s0 < 0 || s1 < 0 || s2 < 0 || axis_stride < 0) return invalid(name, "negative table stride");
    if (mode == UNISON_ROPE_MULTIMODAL &&
        (section0 < 0 || section1 < 0 || section2 < 0 || section0 + section1 + section2 != head_dim / 2))
        return invalid(name, "sections %lld + %lld + %lld do not sum to head_dim / 2 = %lld",
                       static_cast<long long>(section0), static_cast<long long>(section1),
                       static_cast<long long>(section2), static_cast<long long>(head_dim / 2));
    if (!out || !x || !cos || !sin) return invalid(name, "null pointer");
    const int64_t rows = n0 * n1 * n2;
    if (rows == 0) return UNISON_OK;
    RopeArgs a{n1, n2, head_dim, s0, s1, s2, axis_stride, section0, section0 + section1};
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (dtype == UNISON_FLOAT32)
        return launch<float>(mode, static_cast<float*>(out), static_cast<const float*>(x), cos, sin, rows, a, s);
    return launch<bf16>(mode, static_cast<bf16*>(out), static_cast<const bf16*>(x), cos, sin, rows, a, s);
}
