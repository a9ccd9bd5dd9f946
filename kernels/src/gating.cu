// Gated activations: SwiGLU (silu(gate) * up) and GELU-tanh, gated or not.
#include "common.cuh"

namespace unison {
namespace {

template <int kAct>
__device__ __forceinline__ float activate(float x) {
    if (kAct == UNISON_ACT_SILU) return x / (1.f + expf(-x));
    // sqrt(2/pi) and 0.044715, as torch's gelu(approximate="tanh")
    const float inner = 0.7978845608028654f * (x + 0.044715f * x * x * x);
    return 0.5f * x * (1.f + tanhf(inner));
}

// Rows of `cols` elements; gate and up rows may be views into wider tensors (row strides).
template <typename T, int N, int kAct, bool kGated>
__global__ void gated_act_kernel(T* __restrict__ out, const T* __restrict__ gate, const T* __restrict__ up,
                                 int64_t rows, int64_t cols, int64_t gate_stride, int64_t up_stride) {
    const int64_t per_row = cols / N;
    const int64_t total = rows * per_row;
    for (int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; g < total;
         g += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        const int64_t r = g / per_row;
        const int64_t c = (g - r * per_row) * N;
        float a[N];
        load<T, N>(gate + r * gate_stride + c, a);
        if (kGated) {
            float u[N];
            load<T, N>(up + r * up_stride + c, u);
#pragma unroll
            for (int j = 0; j < N; j++) a[j] = activate<kAct>(a[j]) * u[j];
        } else {
#pragma unroll
            for (int j = 0; j < N; j++) a[j] = activate<kAct>(a[j]);
        }
        store<T, N>(out + r * cols + c, a);
    }
}

template <typename T, int N, int kAct>
void launch_act(T* out, const T* gate, const T* up, int64_t rows, int64_t cols, int64_t gs, int64_t us,
                cudaStream_t stream) {
    const int threads = 256;
    const int grid = grid_for(rows * (cols / N), threads);
    if (up != nullptr)
        gated_act_kernel<T, N, kAct, true><<<grid, threads, 0, stream>>>(out, gate, up, rows, cols, gs, us);
    else
        gated_act_kernel<T, N, kAct, false><<<grid, threads, 0, stream>>>(out, gate, up, rows, cols, gs, us);
}

template <typename T>
int launch(int act, T* out, const T* gate, const T* up, int64_t rows, int64_t cols, int64_t gs, int64_t us,
           cudaStream_t stream) {
    constexpr int V = kVec<T>;
    const bool vec = cols % V == 0 && gs % V == 0 && aligned(gate, 16) && aligned(out, 16) &&
                     (up == nullptr || (us % V == 0 && aligned(up, 16)));
    if (act == UNISON_ACT_SILU) {
        if (vec) launch_act<T, V, UNISON_ACT_SILU>(out, gate, up, rows, cols, gs, us, stream);
        else launch_act<T, 1, UNISON_ACT_SILU>(out, gate, up, rows, cols, gs, us, stream);
    } else {
        if (vec) launch_act<T, V, UNISON_ACT_GELU_TANH>(out, gate, up, rows, cols, gs, us, stream);
        else launch_act<T, 1, UNISON_ACT_GELU_TANH>(out, gate, up, rows, cols, gs, us, stream);
    }
    return check_launch("unison_gated_act");
}

}  // namespace
}  // namespace unison

extern "C" int unison_gated_act(void* out, const void* gate, const void* up, int64_t rows, int64_t cols,
                                int64_t gate_stride, int64_t up_stride, int act, int dtype, int device,
                                void* stream) {
    using namespace unison;
    const char* name = "unison_gated_act";
    if (int e = use_device(name, device)) return e;
    if (!valid_dtype(dtype)) return invalid(name, "dtype %d", dtype);
    if (act != UNISON_ACT_SILU && act != UNISON_ACT_GELU_TANH) return invalid(name, "activation %d", act);
    if (rows < 0 || cols <= 0) return invalid(name, "shape [%lld, %lld]", static_cast<long long>(rows),
                                              static_cast<long long>(cols));
    if (gate_stride < cols || (up != nullptr && up_stride < cols))
        return invalid(name, "row strides %lld, %lld are shorter than a row of %lld",
                       static_cast<long long>(gate_stride), static_cast<long long>(up_stride),
                       static_cast<long long>(cols));
    if (!out || !gate) return invalid(name, "null pointer");
    if (rows == 0) return UNISON_OK;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    if (dtype == UNISON_FLOAT32)
        return launch<float>(act, static_cast<float*>(out), static_cast<const float*>(gate),
                             static_cast<const float*>(up), rows, cols, gate_stride, up_stride, s);
    return launch<bf16>(act, static_cast<bf16*>(out), static_cast<const bf16*>(gate), static_cast<const bf16*>(up),
                        rows, cols, gate_stride, up_stride, s);
}
