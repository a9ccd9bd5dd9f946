// The error protocol of the C ABI: a per-thread message naming the kernel that failed.
#include <cstdarg>
#include <cstdio>

#include "common.cuh"

namespace unison {

namespace {
thread_local char message[512];
}

void clear_error() { message[0] = '\0'; }

int invalid(const char* kernel, const char* fmt, ...) {
    int n = std::snprintf(message, sizeof message, "%s: invalid argument: ", kernel);
    if (n < 0 || n >= static_cast<int>(sizeof message)) return UNISON_ERR_INVALID;
    va_list args;
    va_start(args, fmt);
    std::vsnprintf(message + n, sizeof message - n, fmt, args);
    va_end(args);
    return UNISON_ERR_INVALID;
}

int cuda_failure(const char* kernel, cudaError_t error) {
    std::snprintf(message, sizeof message, "%s: CUDA error %d (%s): %s", kernel, static_cast<int>(error),
                  cudaGetErrorName(error), cudaGetErrorString(error));
    return static_cast<int>(error);
}

int use_device(const char* kernel, int device) {
    clear_error();
    if (device < 0) return invalid(kernel, "device %d", device);
    int current = -1;
    cudaError_t e = cudaGetDevice(&current);
    if (e != cudaSuccess) return cuda_failure(kernel, e);
    if (current != device) {
        e = cudaSetDevice(device);
        if (e != cudaSuccess) return cuda_failure(kernel, e);
    }
    return UNISON_OK;
}

int check_launch(const char* kernel) {
    cudaError_t e = cudaGetLastError();
    return e == cudaSuccess ? UNISON_OK : cuda_failure(kernel, e);
}

}  // namespace unison

extern "C" {

int unison_kernels_abi(void) { return UNISON_KERNELS_ABI; }

const char* unison_last_error(void) { return unison::message; }

}
