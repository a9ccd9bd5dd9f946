package ai.unison.runtime;

import ai.unison.io.Checkpoint;
import ai.unison.io.SafetensorsWriter;
import ai.unison.nn.Linear;
import ai.unison.nn.RMSNorm;
import ai.unison.nn.Weights;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeScopeTest {
    @TempDir
    Path dir;

    /** A two-layer MLP with a norm, loaded from safetensors through Weights: a small real model. */
    private static final class TinyMlp implements AutoCloseable {
        final Weights weights;
        final Linear up;
        final Linear down;
        final RMSNorm norm;

        TinyMlp(Path file) {
            weights = Weights.of(Checkpoint.open(file), DType.FLOAT32, new Device("cpu"));
            up = Linear.load(weights, "up", 64, 256, true);
            down = Linear.load(weights, "down", 256, 64, true);
            norm = RMSNorm.load(weights, "norm", 64, 1e-6);
        }

        Tensor forward(Tensor x) {
            try (NativeScope step = NativeScope.open()) {
                Tensor h = torch.silu(up.forward(norm.forward(x)));
                return step.keep(down.forward(h).add(x));
            }
        }

        @Override
        public void close() {
            weights.close();
        }
    }

    private Path writeMlp() {
        Path f = dir.resolve("mlp.safetensors");
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(7)) {
            Map<String, Tensor> w = new LinkedHashMap<>();
            w.put("up.weight", rng.randn(256, 64).mul(Torch.scalar(0.05)));
            w.put("up.bias", rng.randn(256));
            w.put("down.weight", rng.randn(64, 256).mul(Torch.scalar(0.05)));
            w.put("down.bias", rng.randn(64));
            w.put("norm.weight", rng.randn(64));
            SafetensorsWriter.write(f, w, Map.of());
        }
        return f;
    }

    @Test
    void thousandForwardStepsDoNotGrowNativeMemory() {
        try (TinyMlp model = new TinyMlp(writeMlp()); NativeScope outer = NativeScope.open(); Rng rng = new Rng(1)) {
            Tensor x = rng.randn(8, 64);
            for (int i = 0; i < 200; i++) {
                model.forward(x).close();
            }
            System.gc();
            long before = NativeMemory.residentBytes();
            long trackedBefore = NativeMemory.trackedBytes();
            for (int i = 0; i < 1000; i++) {
                model.forward(x).close();
            }
            long growth = NativeMemory.residentBytes() - before;
            long trackedGrowth = NativeMemory.trackedBytes() - trackedBefore;
            System.out.printf("native memory over 1000 steps: RSS %+d KiB, JavaCPP-tracked %+d bytes%n",
                    growth / 1024, trackedGrowth);
            // 1000 leaked 8x256 float activations alone would be > 8 MB
            assertTrue(growth < 4L << 20, "RSS grew by " + growth + " bytes over 1000 steps");
            assertTrue(trackedGrowth <= 0, "JavaCPP-tracked bytes grew by " + trackedGrowth);
        }
    }

    @Test
    void keptTensorSurvivesItsScopeAndMovesToTheEnclosingOne() {
        try (NativeScope outer = NativeScope.open()) {
            Tensor kept;
            try (NativeScope inner = NativeScope.open()) {
                Tensor a = Torch.fromFloats(new float[]{1, 2, 3}, 3);
                kept = inner.keep(a.mul(Torch.scalar(2)));
            }
            assertArrayEquals(new float[]{2, 4, 6}, Torch.toFloats(kept));
            assertTrue(!kept.isNull());
        }
    }

    @Test
    void ownedTensorOutlivesItsScopeUntilAdoptedByAnother() {
        Tensor owned;
        try (NativeScope first = NativeScope.open()) {
            owned = NativeScope.own(Torch.fromFloats(new float[]{1, 2, 3}, 3).mul(Torch.scalar(3)));
        }
        assertFalse(owned.isNull(), "owned: the scope it was made in does not free it");
        try (NativeScope second = NativeScope.open()) {
            assertSame(owned, NativeScope.adopt(owned));
            assertArrayEquals(new float[]{3, 6, 9}, Torch.toFloats(owned));
        }
        assertTrue(owned.isNull(), "adopted: freed with the scope that adopted it");
    }

    @Test
    void sameSeedGivesSameNoise() {
        try (NativeScope s = NativeScope.open(); Rng a = new Rng(42); Rng b = new Rng(42); Rng c = new Rng(43)) {
            float[] x = Torch.toFloats(a.randn(4, 4));
            assertArrayEquals(x, Torch.toFloats(b.randn(4, 4)));
            assertTrue(x[0] != Torch.toFloats(c.randn(4, 4))[0]);
        }
    }

    @Test
    void parsesDtypesAndDevices() {
        assertEquals(DType.BFLOAT16, DType.parse("bf16"));
        assertEquals(DType.FLOAT32, DType.parse("float32"));
        assertEquals(DType.FLOAT16, DType.parse("half"));
        assertTrue(Devices.parse("cpu").is_cpu());
        if (!Devices.cudaAvailable()) {
            String msg = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                    () -> Devices.parse("cuda")).getMessage();
            assertTrue(msg.contains("no CUDA device"), msg);
        }
    }
}
