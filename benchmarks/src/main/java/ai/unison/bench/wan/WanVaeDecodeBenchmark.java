package ai.unison.bench.wan;

import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.diffusion.wan.AutoencoderKLWanConfig;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
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
 * VAE decoding (float32, CPU) of a randomly initialised VAE at a 30×52 latent (240×416 frames):
 * {@code firstFrame} decodes one latent frame into the first video frame (an image);
 * {@code fiveFrames} decodes two latent frames into five video frames (the first, then a 4-frame
 * chunk through the causal cache). Per-frame cost of later frames = (fiveFrames - firstFrame) / 4.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 3)
@Fork(value = 1, jvmArgs = {"-Xmx4g"})
public class WanVaeDecodeBenchmark {
    @Param({"tiny", "wan2.1"})
    public String shape;

    private Path dir;
    private AutoencoderKLWan vae;
    private Tensor one;
    private Tensor two;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        AutoencoderKLWanConfig config = BenchModels.vae(shape);
        dir = Files.createTempDirectory("wan-vae-bench-");
        AutoencoderKLWan.writeRandom(config, dir, 0);
        vae = AutoencoderKLWan.load(dir, DType.FLOAT32, new Device("cpu"));
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(1)) {
            two = NativeScope.own(rng.randn(1, config.zDim(), 2, 30, 52));
            one = NativeScope.own(two.narrow(2, 0, 1).contiguous());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        vae.close();
        one.close();
        two.close();
        BenchModels.deleteTree(dir);
    }

    @Benchmark
    public double firstFrame() {
        return decode(one);
    }

    @Benchmark
    public double fiveFrames() {
        return decode(two);
    }

    private double decode(Tensor z) {
        try (NativeScope scope = NativeScope.open()) {
            return vae.decode(z).mean().item_double();
        }
    }
}
