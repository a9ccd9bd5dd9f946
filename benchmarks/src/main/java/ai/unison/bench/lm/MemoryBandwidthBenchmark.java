package ai.unison.bench.lm;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.openjdk.jmh.annotations.AuxCounters;
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

import java.util.concurrent.TimeUnit;

/**
 * Memory bandwidth as a libtorch copy of a 512 MiB float32 buffer sees it (STREAM "copy": bytes read plus
 * bytes written, the {@code bytes} counter per second). Decoding one token must read every weight once,
 * so weight bytes ÷ this bandwidth bounds batch-1 decode speed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx1g")
public class MemoryBandwidthBenchmark {
    private static final long FLOATS = 128L << 20;

    @Param({"1"})
    public int threads;

    private NativeScope scope;
    private Tensor source;
    private Tensor target;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public long bytes;

        @Setup(Level.Iteration)
        public void reset() {
            bytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void allocate() {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        Threads.set(threads);
        scope = NativeScope.open();
        source = torch.ones(new long[]{FLOATS}, Torch.options(ScalarType.Float));
        target = torch.zeros(new long[]{FLOATS}, Torch.options(ScalarType.Float));
    }

    @TearDown(Level.Trial)
    public void free() {
        scope.close();
    }

    @Benchmark
    public void copy(Bytes b) {
        target.copy_(source);
        b.bytes += 2 * FLOATS * Float.BYTES;
    }
}
