package ai.unison.natives;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.cuda.CUDAStream;
import org.bytedeco.pytorch.global.torch_cuda;

/** libtorch's CUDA streams as the raw {@code cudaStream_t} addresses the kernels launch on. */
public final class CudaStreams {
    private CudaStreams() {
    }

    /**
     * The address of libtorch's current stream on {@code device} ({@code 0} for the legacy default stream):
     * kernels launched there are ordered with the libtorch operations around them.
     */
    public static long current(int device) {
        try (PointerScope temporaries = new PointerScope()) {
            return address(torch_cuda.getCurrentCUDAStream((byte) device));
        }
    }

    static long address(CUDAStream stream) {
        Pointer handle = stream.stream();  // the legacy default stream is the null handle, which JavaCPP maps to null
        return handle == null ? 0L : handle.address();
    }
}
