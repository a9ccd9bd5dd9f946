package ai.unison.bench.core;

import ai.unison.io.SafetensorsFile;
import ai.unison.io.SafetensorsWriter;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Loading a 200 MB safetensors file (50 float32 tensors of 1M elements): memory-mapped zero-copy
 * wrapping, the same plus reading every byte once, and copying every tensor into owned memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(1)
public class SafetensorsLoadBenchmark {
    private Path file;

    @Setup(Level.Trial)
    public void write() throws IOException {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        file = Files.createTempFile("bench", ".safetensors");
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(0)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (int i = 0; i < 50; i++) {
                tensors.put("layers." + i + ".weight", rng.randn(1024, 1024));
            }
            SafetensorsWriter.write(file, tensors, Map.of());
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    @Benchmark
    public long mmapZeroCopy() {
        long n = 0;
        try (NativeScope s = NativeScope.open(); SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                n += f.tensor(name).numel();
            }
        }
        return n;
    }

    @Benchmark
    public double mmapZeroCopyAndRead() {
        double sum = 0;
        try (NativeScope s = NativeScope.open(); SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                sum += f.tensor(name).sum().item_double();
            }
        }
        return sum;
    }

    @Benchmark
    public long copy() {
        long n = 0;
        try (NativeScope s = NativeScope.open(); SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String name : f.names()) {
                n += f.copy(name).numel();
            }
        }
        return n;
    }
}
