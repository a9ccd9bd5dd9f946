package ai.unison.bench.wan;

import ai.unison.diffusion.wan.WanTransformer3DModel;
import ai.unison.diffusion.wan.WanTransformerConfig;
import ai.unison.diffusion.wan.WanVACETransformer3DModel;
import ai.unison.runtime.DType;
import ai.unison.runtime.Devices;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * One denoising step (a transformer forward; float32 on the CPU unless {@code device} and {@code dtype} say
 * otherwise, e.g. {@code -p device=cuda -p dtype=bfloat16}) of a randomly initialised model on a 5×30×52
 * latent (1950 patch tokens after the 1×2×2 patch embedding; 17 frames of 240×416 video) with 512 text
 * tokens. Shapes: the fixtures' tiny transformer and tiny VACE transformer (VACE control of the same
 * size, 96 channels), and the Wan2.1-1.3B transformer. The 1.3B step takes about a minute on two
 * cores, so this runs in single-shot mode with few iterations; the weights (5.7 GB float32) are written
 * to a temporary folder once per trial and memory-mapped.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class WanTransformerStepBenchmark {
    @Param({"tiny", "tiny-vace", "wan2.1-1.3B"})
    public String shape;

    /** {@code cpu}, {@code cuda} or {@code cuda:N}. */
    @Param({"cpu"})
    public String device;

    /** The weights' and activations' dtype: {@code float32}, {@code bfloat16} or {@code float16}. */
    @Param({"float32"})
    public String dtype;

    private Path dir;
    private WanTransformer3DModel model;
    private WanVACETransformer3DModel vace;
    private Tensor latents;
    private Tensor timestep;
    private Tensor text;
    private Tensor control;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        WanTransformerConfig config = BenchModels.transformer(shape);
        dir = Files.createTempDirectory("wan-bench-");
        Device where = Devices.parse(device);
        DType type = DType.parse(dtype);
        if (config.isVace()) {
            WanVACETransformer3DModel.writeRandom(config, dir, 0);
            vace = WanVACETransformer3DModel.load(dir, type, where);
        } else {
            WanTransformer3DModel.writeRandom(config, dir, 0);
            model = WanTransformer3DModel.load(dir, type, where);
        }
        ScalarType st = type.scalarType();
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(1)) {
            latents = NativeScope.own(rng.randn(1, config.inChannels(), 5, 30, 52).to(where, st));
            text = NativeScope.own(rng.randn(1, 512, config.textDim()).to(where, st));
            control = NativeScope.own(rng.randn(1, config.vaceInChannels(), 5, 30, 52).to(where, st));
            timestep = NativeScope.own(Torch.fromLongs(new long[]{500}, 1).to(where, ScalarType.Long));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (model != null) {
            model.close();
        }
        if (vace != null) {
            vace.close();
        }
        latents.close();
        text.close();
        control.close();
        timestep.close();
        BenchModels.deleteTree(dir);
    }

    @Benchmark
    public double step() {
        try (NativeScope scope = NativeScope.open()) {
            Tensor out = vace != null ? vace.forward(latents, timestep, text, control, 1.0)
                    : model.forward(latents, timestep, text);
            return out.select(2, 0).mean().item_double();
        }
    }
}
