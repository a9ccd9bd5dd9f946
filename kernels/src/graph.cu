// Stream ordering and CUDA-graph capture/replay on libtorch's streams (the JavaCPP presets do not
// map at::cuda::CUDAGraph, so the Java side captures through these).
#include "common.cuh"

namespace {

cudaStreamCaptureMode capture_mode(int mode) {
    switch (mode) {
        case UNISON_CAPTURE_THREAD_LOCAL: return cudaStreamCaptureModeThreadLocal;
        case UNISON_CAPTURE_RELAXED: return cudaStreamCaptureModeRelaxed;
        default: return cudaStreamCaptureModeGlobal;
    }
}

}  // namespace

extern "C" int unison_stream_wait(void* waiter, void* signaller, int device) {
    using namespace unison;
    const char* name = "unison_stream_wait";
    if (int e = use_device(name, device)) return e;
    if (waiter == signaller) return UNISON_OK;
    cudaEvent_t event;
    cudaError_t e = cudaEventCreateWithFlags(&event, cudaEventDisableTiming);
    if (e != cudaSuccess) return cuda_failure(name, e);
    e = cudaEventRecord(event, static_cast<cudaStream_t>(signaller));
    if (e == cudaSuccess) e = cudaStreamWaitEvent(static_cast<cudaStream_t>(waiter), event, 0);
    const cudaError_t destroyed = cudaEventDestroy(event);  // safe: the wait is already enqueued
    if (e == cudaSuccess) e = destroyed;
    return e == cudaSuccess ? UNISON_OK : cuda_failure(name, e);
}

extern "C" int unison_graph_begin(void* stream, int mode, int device) {
    using namespace unison;
    const char* name = "unison_graph_begin";
    if (int e = use_device(name, device)) return e;
    if (stream == nullptr) return invalid(name, "the legacy default stream cannot be captured");
    if (mode < UNISON_CAPTURE_GLOBAL || mode > UNISON_CAPTURE_RELAXED) return invalid(name, "capture mode %d", mode);
    const cudaError_t e = cudaStreamBeginCapture(static_cast<cudaStream_t>(stream), capture_mode(mode));
    return e == cudaSuccess ? UNISON_OK : cuda_failure(name, e);
}

extern "C" int unison_graph_end(void* stream, int device, void** exec) {
    using namespace unison;
    const char* name = "unison_graph_end";
    if (int e = use_device(name, device)) return e;
    if (exec == nullptr) return invalid(name, "null exec");
    *exec = nullptr;
    cudaGraph_t graph = nullptr;
    cudaError_t e = cudaStreamEndCapture(static_cast<cudaStream_t>(stream), &graph);
    if (e != cudaSuccess) return cuda_failure(name, e);
    cudaGraphExec_t instance = nullptr;
    e = cudaGraphInstantiate(&instance, graph, 0);
    cudaGraphDestroy(graph);  // the executable graph keeps what it needs
    if (e != cudaSuccess) return cuda_failure("unison_graph_end (instantiate)", e);
    *exec = instance;
    return UNISON_OK;
}

extern "C" int unison_graph_launch(void* exec, void* stream, int device) {
    using namespace unison;
    const char* name = "unison_graph_launch";
    if (int e = use_device(name, device)) return e;
    if (exec == nullptr) return invalid(name, "null graph");
    const cudaError_t e = cudaGraphLaunch(static_cast<cudaGraphExec_t>(exec), static_cast<cudaStream_t>(stream));
    return e == cudaSuccess ? UNISON_OK : cuda_failure(name, e);
}

extern "C" int unison_graph_destroy(void* exec, int device) {
    using namespace unison;
    const char* name = "unison_graph_destroy";
    if (int e = use_device(name, device)) return e;
    if (exec == nullptr) return UNISON_OK;
    const cudaError_t e = cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(exec));
    return e == cudaSuccess ? UNISON_OK : cuda_failure(name, e);
}
