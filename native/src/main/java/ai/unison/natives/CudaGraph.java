package ai.unison.natives;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.cuda.CUDAStream;
import org.bytedeco.pytorch.global.torch_cuda;

/**
 * A CUDA graph: the kernels a piece of code queues on libtorch's current stream, captured once and replayed
 * with one launch. The JavaCPP presets do not map {@code at::cuda::CUDAGraph}, so capture goes through
 * {@code libunison_kernels} ({@code cudaStreamBeginCapture} ... {@code cudaGraphInstantiate}).
 *
 * <p>Replays read and write the very memory the capture used. So every pointer the body creates (its
 * tensors: inputs it copies in, temporaries, outputs) is kept until {@link #close()}; write new inputs into
 * the captured input tensors in place before {@link #replay()} and read outputs from the captured output
 * tensors after it. The body must not synchronise with the host and should allocate nothing that libtorch
 * frees inside an operation: libtorch's own graph pools are not reachable from here, so such a block could
 * be handed to another tensor after capture and overwritten by a replay. The project's kernels and
 * out-of-place elementwise libtorch operations are safe.
 *
 * <pre>{@code
 * try (CudaGraph step = CudaGraph.capture(0, () -> out = Kernels.rmsNorm(x, w, 1e-6))) {
 *     for (...) { x.copy_(next); step.replay(); use(out); }
 * }
 * }</pre>
 */
public final class CudaGraph implements AutoCloseable {
    private final int device;
    private final PointerScope kept;
    private long exec;

    private CudaGraph(int device, PointerScope kept, long exec) {
        this.device = device;
        this.kept = kept;
        this.exec = exec;
    }

    /**
     * Runs {@code body} once under capture on a side stream of {@code device} (made libtorch's current stream
     * meanwhile, after it waited for the current one) and instantiates the graph. Nothing executes during
     * capture: the first {@link #replay()} does the work. Capture is thread-local: other threads may keep
     * using CUDA meanwhile.
     *
     * @throws CudaKernelException when capture or instantiation fails (the body then queued something
     *         that cannot be captured, such as a host synchronisation)
     */
    public static CudaGraph capture(int device, Runnable body) {
        Loader.load(UnisonKernels.class);
        PointerScope kept = new PointerScope().extend();
        boolean captured = false;
        try {
            CUDAStream previous = torch_cuda.getCurrentCUDAStream((byte) device);
            CUDAStream side = torch_cuda.getStreamFromPool(false, (byte) device);
            long previousAddress = CudaStreams.address(previous);
            long sideAddress = CudaStreams.address(side);
            CudaKernelException.check(UnisonKernels.unison_stream_wait(sideAddress, previousAddress, device));
            torch_cuda.setCurrentCUDAStream(side);
            long[] exec = new long[1];
            try {
                CudaKernelException.check(
                        UnisonKernels.unison_graph_begin(sideAddress, UnisonKernels.CAPTURE_THREAD_LOCAL, device));
                try {
                    body.run();
                } catch (RuntimeException | Error e) {
                    UnisonKernels.unison_graph_end(sideAddress, device, exec);  // abandon the capture
                    UnisonKernels.unison_graph_destroy(exec[0], device);
                    throw e;
                }
                CudaKernelException.check(UnisonKernels.unison_graph_end(sideAddress, device, exec));
            } finally {
                torch_cuda.setCurrentCUDAStream(previous);
                UnisonKernels.unison_stream_wait(previousAddress, sideAddress, device);
            }
            captured = true;
            return new CudaGraph(device, kept, exec[0]);
        } finally {
            kept.close();  // leaves the scope stack; with extend() it frees nothing yet
            if (!captured) {
                kept.deallocate();
            }
        }
    }

    /** Launches the captured work on libtorch's current stream of the device. */
    public void replay() {
        if (exec == 0) {
            throw new IllegalStateException("CUDA graph is closed");
        }
        CudaKernelException.check(UnisonKernels.unison_graph_launch(exec, CudaStreams.current(device), device));
    }

    /**
     * Waits for queued replays, destroys the executable graph and frees everything the capture created.
     */
    @Override
    public void close() {
        if (exec != 0) {
            try (PointerScope temporaries = new PointerScope()) {
                torch_cuda.getCurrentCUDAStream((byte) device).synchronize();
            }
            UnisonKernels.unison_graph_destroy(exec, device);
            exec = 0;
            kept.deallocate();
        }
    }
}
