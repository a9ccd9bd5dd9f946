package ai.unison.bench.kernels;

import ai.unison.runtime.DType;
import ai.unison.runtime.Devices;
import ai.unison.runtime.Kernels;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One call of each fused operation at model-like sizes (Qwen2.5-VL-3B decoder, Wan2.1-1.3B block, 480p
 * latents), through {@link Kernels} (the CUDA kernel where it applies) or {@link Kernels.Fallback} (libtorch
 * operations). On a GPU: {@code -p device=cuda -p dtype=bfloat16}; each invocation waits for the GPU, so
 * the times include one launch and one synchronisation.
 *
 * <pre>{@code java -jar benchmarks/target/unison-benchmarks-0.1.0-SNAPSHOT.jar 'kernels.*' -p device=cuda}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class KernelsBenchmark {
    @Param({"cpu"})
    public String device;

    @Param({"float32"})
    public String dtype;

    @Param({"kernels", "fallback"})
    public String path;

    private final List<Tensor> owned = new ArrayList<>();
    private boolean cuda;
    private boolean fallback;

    // decoder: 256 tokens of hidden 2048, 16 query / 2 kv heads of 128, MLP 11008
    private Tensor hidden;
    private Tensor residual;
    private Tensor normWeight;
    private Tensor q;
    private Tensor cos;
    private Tensor sin;
    private Tensor gateUp;
    private Tensor query;
    private Tensor kCache;
    private Tensor vCache;
    private Tensor lengths;
    // Wan block: 1560 tokens (one latent frame at 480p) of dim 1536, 12 heads
    private Tensor tokens;
    private Tensor modulation;
    private Tensor wanQ;
    private Tensor wanCos;
    private Tensor wanSin;
    // latents of an 81-frame 480p video
    private Tensor uncond;
    private Tensor cond;
    private Tensor latents;

    @Setup(Level.Trial)
    public void setUp() {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        cuda = device.startsWith("cuda");
        fallback = path.equals("fallback");
        Device where = Devices.parse(device);
        ScalarType type = DType.parse(dtype).scalarType();
        try (Rng rng = new Rng(0)) {
            hidden = on(rng.randn(256, 2048), where, type);
            residual = on(rng.randn(256, 2048), where, type);
            normWeight = on(rng.randn(2048), where, type);
            q = on(rng.randn(1, 16, 256, 128), where, type);
            Tensor angle = rng.randn(1, 1, 256, 128);
            cos = on(angle.cos(), where, ScalarType.Float);
            sin = on(angle.sin(), where, ScalarType.Float);
            gateUp = on(rng.randn(256, 2 * 11008), where, type);
            query = on(rng.randn(4, 16, 128), where, type);
            kCache = on(rng.randn(4, 2, 4096, 128), where, type);
            vCache = on(rng.randn(4, 2, 4096, 128), where, type);
            lengths = on(Torch.fromLongs(new long[]{4096, 3000, 2048, 1}, 4), where, ScalarType.Long);
            tokens = on(rng.randn(1, 1560, 1536), where, type);
            modulation = on(rng.randn(1, 6, 1536), where, ScalarType.Float);
            wanQ = on(rng.randn(1, 1560, 12, 128), where, type);
            Tensor wanAngle = rng.randn(1560, 1, 64);
            wanCos = on(wanAngle.cos(), where, ScalarType.Float);
            wanSin = on(wanAngle.sin(), where, ScalarType.Float);
            uncond = on(rng.randn(16, 21, 60, 104), where, type);
            cond = on(rng.randn(16, 21, 60, 104), where, type);
            latents = on(rng.randn(16, 21, 60, 104), where, ScalarType.Float);
        }
    }

    private Tensor on(Tensor t, Device where, ScalarType type) {
        Tensor moved = t.to(where, type);
        owned.add(moved);
        owned.add(t);
        return moved;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        owned.forEach(Tensor::close);
        owned.clear();
    }

    private void done() {
        if (cuda) {
            torch.cuda_synchronize();
        }
    }

    @Benchmark
    public void addRmsNorm() {
        try (NativeScope s = NativeScope.open()) {
            if (fallback) {
                Kernels.Fallback.addRmsNorm(hidden, residual, normWeight, 1e-6);
            } else {
                Kernels.addRmsNorm(hidden, residual, normWeight, 1e-6);
            }
            done();
        }
    }

    @Benchmark
    public void rotary() {
        try (NativeScope s = NativeScope.open()) {
            if (fallback) {
                Kernels.Fallback.rotary(q, cos, sin);
            } else {
                Kernels.rotary(q, cos, sin);
            }
            done();
        }
    }

    @Benchmark
    public void rotaryInterleaved() {
        try (NativeScope s = NativeScope.open()) {
            if (fallback) {
                Kernels.Fallback.rotaryInterleaved(wanQ, wanCos, wanSin);
            } else {
                Kernels.rotaryInterleaved(wanQ, wanCos, wanSin);
            }
            done();
        }
    }

    @Benchmark
    public void swiglu() {
        try (NativeScope s = NativeScope.open()) {
            Tensor gate = gateUp.narrow(-1, 0, 11008);
            Tensor up = gateUp.narrow(-1, 11008, 11008);
            if (fallback) {
                Kernels.Fallback.swiglu(gate, up);
            } else {
                Kernels.swiglu(gate, up);
            }
            done();
        }
    }

    @Benchmark
    public void layerNormModulate() {
        try (NativeScope s = NativeScope.open()) {
            Tensor shift = modulation.narrow(1, 0, 1);
            Tensor scale = modulation.narrow(1, 1, 1);
            if (fallback) {
                Kernels.Fallback.layerNormModulate(tokens, shift, scale, 1e-6);
            } else {
                Kernels.layerNormModulate(tokens, shift, scale, 1e-6);
            }
            done();
        }
    }

    @Benchmark
    public void cfgFlowStep() {
        try (NativeScope s = NativeScope.open()) {
            if (fallback) {
                Kernels.Fallback.cfgFlowStep(uncond, cond, 5, latents, -0.02);
            } else {
                Kernels.cfgFlowStep(uncond, cond, 5, latents, -0.02);
            }
            done();
        }
    }

    @Benchmark
    public void decodeAttention() {
        try (NativeScope s = NativeScope.open()) {
            if (fallback) {
                Kernels.Fallback.decodeAttention(query, kCache, vCache, lengths, 1 / Math.sqrt(128));
            } else {
                Kernels.decodeAttention(query, kCache, vCache, lengths);
            }
            done();
        }
    }
}
