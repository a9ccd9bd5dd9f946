package ai.unison.natives;

/**
 * A failed call into {@code libunison_kernels}: a CUDA error or an argument the kernel refused. The message
 * names the kernel, e.g. {@code unison_rotary: CUDA error 209 (cudaErrorNoKernelImageForDevice): ...}.
 */
public final class CudaKernelException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public CudaKernelException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The {@code cudaError_t} value, or {@link UnisonKernels#ERR_INVALID} for a refused argument. */
    public int status() {
        return status;
    }

    /** Throws for a non-zero status returned by a {@link UnisonKernels} function, with its message. */
    public static void check(int status) {
        if (status != UnisonKernels.OK) {
            String message = UnisonKernels.unison_last_error().getString();
            throw new CudaKernelException(status, message.isEmpty() ? "libunison_kernels status " + status : message);
        }
    }
}
