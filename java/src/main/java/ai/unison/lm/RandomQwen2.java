package ai.unison.lm;

import ai.unison.io.SafetensorsWriter;
import ai.unison.nn.WeightSource;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Random-initialised Qwen2 models for tests and benchmarks. Each parameter is drawn from its own
 * generator, seeded from the seed and the parameter's name, so values do not depend on the order in
 * which they are made: matrices and biases ~ N(0, std²), norm weights ~ 1 + N(0, 0.1²).
 */
public final class RandomQwen2 {
    private RandomQwen2() {
    }

    /** A model over random weights in memory. */
    public static Qwen2 create(Qwen2Config config, DType dtype, Device device, long seed, double std) {
        return new Qwen2(Weights.of(source(seed, std), dtype, device), config);
    }

    /** Writes {@code config.json} and {@code model.safetensors} (in {@code dtype}) with random weights into {@code dir}. */
    public static Path write(Qwen2Config config, Path dir, DType dtype, long seed, double std) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        WeightSource shapesOnly = new WeightSource() {
            @Override
            public boolean contains(String name) {
                return false;
            }

            @Override
            public Tensor tensor(String name, long... shape) {
                shapes.put(name, shape.clone());
                return Torch.empty(ScalarType.Float, shape);    // never touched: costs no memory
            }

            @Override
            public void close() {
            }
        };
        new Qwen2(Weights.of(shapesOnly, DType.FLOAT32, new Device("cpu")), config).close();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("config.json"), config.toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("config.json"), e);
        }
        try (NativeScope scope = NativeScope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            shapes.forEach((name, shape) -> {
                try (NativeScope one = NativeScope.open()) {
                    tensors.put(name, one.keep(draw(name, shape, seed, std).to(dtype.scalarType())));
                }
            });
            SafetensorsWriter.write(dir.resolve("model.safetensors"), tensors, Map.of("format", "pt"));
        }
        return dir;
    }

    /** Random tensors by name and shape. */
    public static WeightSource source(long seed, double std) {
        return new WeightSource() {
            @Override
            public boolean contains(String name) {
                return true;
            }

            @Override
            public Tensor tensor(String name, long... shape) {
                return draw(name, shape, seed, std);
            }

            @Override
            public void close() {
            }
        };
    }

    private static Tensor draw(String name, long[] shape, long seed, double std) {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(seed * 1_000_003L + name.hashCode())) {
            Tensor t = rng.randn(shape);
            t = name.endsWith("norm.weight") ? t.mul_(Torch.scalar(0.1)).add_(Torch.scalar(1.0))
                    : t.mul_(Torch.scalar(std));
            return scope.keep(t);
        }
    }
}
