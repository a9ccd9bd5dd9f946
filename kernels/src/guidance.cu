// Classifier-free guidance, alone or fused with the flow-matching Euler update of the sample.
#include "common.cuh"

namespace unison {
namespace {

// TM: model output dtype (uncond, cond); TS: sample and output dtype (TM when there is no sample).
template <typename TM, typename TS, int N, bool kStep>
__global__ void cfg_kernel(TS* __restrict__ out, const TM* __restrict__ uncond, const TM* __restrict__ cond,
                           const TS* __restrict__ sample, int64_t n, float scale, float dt) {
    const int64_t groups = n / N;
    for (int64_t g = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x; g < groups;
         g += static_cast<int64_t>(gridDim.x) * blockDim.x) {
        float u[N], c[N];
        load<TM, N>(uncond + g * N, u);
        load<TM, N>(cond + g * N, c);
#pragma unroll
        for (int j = 0; j < N; j++) u[j] = u[j] + scale * (c[j] - u[j]);
        if (kStep) {
            float s[N];
            load<TS, N>(sample + g * N, s);
#pragma unroll
            for (int j = 0; j < N; j++) u[j] = s[j] + dt * u[j];
        }
        store<TS, N>(out + g * N, u);
    }
}

template <typename TM, typename TS, int N, bool kStep>
void launch_n(void* out, const void* uncond, const void* cond, const void* sample, int64_t n, float scale, float dt,
              cudaStream_t stream) {
    const int threads = 256;
    cfg_kernel<TM, TS, N, kStep><<<grid_for(n / N, threads), threads, 0, stream>>>(
        static_cast<TS*>(out), static_cast<const TM*>(uncond), static_cast<const TM*>(cond),
        static_cast<const TS*>(sample), n, scale, dt);
}

template <typename TM, typename TS, bool kStep>
int launch(void* out, const void* uncond, const void* cond, const void* sample, int64_t n, float scale, float dt,
           cudaStream_t stream) {
    constexpr int N = 4;
    const bool vec = n % N == 0 && aligned(out, N * sizeof(TS)) && aligned(uncond, N * sizeof(TM)) &&
                     aligned(cond, N * sizeof(TM)) && (!kStep || aligned(sample, N * sizeof(TS)));
    if (vec) launch_n<TM, TS, N, kStep>(out, uncond, cond, sample, n, scale, dt, stream);
    else launch_n<TM, TS, 1, kStep>(out, uncond, cond, sample, n, scale, dt, stream);
    return check_launch("unison_cfg_step");
}

}  // namespace
}  // namespace unison

extern "C" int unison_cfg_step(void* out, const void* uncond, const void* cond, const void* sample, int64_t n,
                               float scale, float dt, int model_dtype, int sample_dtype, int device,
                               void* stream) {
    using namespace unison;
    const char* name = "unison_cfg_step";
    if (int e = use_device(name, device)) return e;
    if (!valid_dtype(model_dtype)) return invalid(name, "model dtype %d", model_dtype);
    if (sample != nullptr && !valid_dtype(sample_dtype)) return invalid(name, "sample dtype %d", sample_dtype);
    if (n < 0) return invalid(name, "%lld elements", static_cast<long long>(n));
    if (!out || !uncond || !cond) return invalid(name, "null pointer");
    if (n == 0) return UNISON_OK;
    cudaStream_t s = static_cast<cudaStream_t>(stream);
    const bool mf = model_dtype == UNISON_FLOAT32;
    if (sample == nullptr)
        return mf ? launch<float, float, false>(out, uncond, cond, nullptr, n, scale, dt, s)
                  : launch<bf16, bf16, false>(out, uncond, cond, nullptr, n, scale, dt, s);
    const bool sf = sample_dtype == UNISON_FLOAT32;
    if (mf) return sf ? launch<float, float, true>(out, uncond, cond, sample, n, scale, dt, s)
                      : launch<float, bf16, true>(out, uncond, cond, sample, n, scale, dt, s);
    return sf ? launch<bf16, float, true>(out, uncond, cond, sample, n, scale, dt, s)
              : launch<bf16, bf16, true>(out, uncond, cond, sample, n, scale, dt, s);
}
