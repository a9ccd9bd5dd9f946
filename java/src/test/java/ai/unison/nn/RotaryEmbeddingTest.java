package ai.unison.nn;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class RotaryEmbeddingTest {
    private static final Device CPU = new Device("cpu");

    @Test
    void tablesHoldCosAndSinOfPositionTimesInverseFrequency() {
        try (RotaryEmbedding rope = new RotaryEmbedding(4, 100.0, 1.0, null, CPU); NativeScope s = NativeScope.open()) {
            RotaryEmbedding.CosSin cs = rope.cosSin(Torch.fromLongs(new long[]{0, 3}, 1, 2), ScalarType.Float);
            assertEquals("[1, 2, 4]", Torch.shapeString(cs.cos()));
            float[] cos = Torch.toFloats(cs.cos());
            float[] sin = Torch.toFloats(cs.sin());
            double[] inv = {1.0, 1.0 / 10.0};                 // 1 / 100^(0/4), 1 / 100^(2/4)
            for (int d = 0; d < 4; d++) {
                assertEquals(1.0, cos[d], 1e-7);
                assertEquals(Math.cos(3 * inv[d % 2]), cos[4 + d], 1e-6);
                assertEquals(Math.sin(3 * inv[d % 2]), sin[4 + d], 1e-6);
            }
        }
    }

    @Test
    void rotationTurnsEachPairOfHalvesByItsAngle() {
        try (RotaryEmbedding rope = new RotaryEmbedding(2, 10000.0, 1.0, null, CPU); NativeScope s = NativeScope.open()) {
            RotaryEmbedding.CosSin cs = rope.cosSin(Torch.fromLongs(new long[]{2}, 1, 1), ScalarType.Float);
            Tensor x = Torch.fromFloats(new float[]{1, 0}, 1, 1, 1, 2);  // [B, T, heads, D]
            float[] y = Torch.toFloats(RotaryEmbedding.apply(x, cs));
            assertArrayEquals(new float[]{(float) Math.cos(2), (float) Math.sin(2)}, y, 1e-6f);
        }
    }

    @Test
    void linearScalingDividesPositionsByTheFactor() {
        try (RotaryEmbedding scaled = new RotaryEmbedding(8, 10000.0, 4.0, null, CPU);
             RotaryEmbedding plain = new RotaryEmbedding(8, 10000.0, 1.0, null, CPU);
             NativeScope s = NativeScope.open()) {
            float[] a = Torch.toFloats(scaled.cosSin(Torch.fromLongs(new long[]{8}, 1, 1), ScalarType.Float).cos());
            float[] b = Torch.toFloats(plain.cosSin(Torch.fromLongs(new long[]{2}, 1, 1), ScalarType.Float).cos());
            assertArrayEquals(b, a, 1e-6f);
        }
    }

    @Test
    void mropeWithEqualPositionRowsEqualsPlainRope() {
        long[] section = {2, 3, 3};
        try (RotaryEmbedding m = new RotaryEmbedding(16, 10000.0, 1.0, section, CPU);
             NativeScope s = NativeScope.open()) {
            Tensor pos = Torch.fromLongs(new long[]{0, 5, 9, 1, 2, 3}, 2, 3);
            Tensor pos3 = torch.stack(new org.bytedeco.pytorch.TensorVector(pos, pos, pos));
            RotaryEmbedding.CosSin plain = m.cosSin(pos, ScalarType.Float);
            RotaryEmbedding.CosSin three = m.cosSin(pos3, ScalarType.Float);
            assertArrayEquals(Torch.toFloats(plain.cos()), Torch.toFloats(three.cos()));
            assertArrayEquals(Torch.toFloats(plain.sin()), Torch.toFloats(three.sin()));
        }
    }

    @Test
    void mropeTakesEachSectionFromItsPositionRow() {
        long[] section = {1, 1, 2};                           // head dim 8: dims [t, h, w, w, t, h, w, w]
        try (RotaryEmbedding m = new RotaryEmbedding(8, 10000.0, 1.0, section, CPU);
             RotaryEmbedding plain = new RotaryEmbedding(8, 10000.0, 1.0, null, CPU);
             NativeScope s = NativeScope.open()) {
            Tensor pos3 = Torch.fromLongs(new long[]{1, 2, 3}, 3, 1, 1);
            float[] mixed = Torch.toFloats(m.cosSin(pos3, ScalarType.Float).cos());
            float[][] rows = new float[3][];
            for (int r = 0; r < 3; r++) {
                rows[r] = Torch.toFloats(plain.cosSin(Torch.fromLongs(new long[]{r + 1}, 1, 1), ScalarType.Float).cos());
            }
            int[] source = {0, 1, 2, 2, 0, 1, 2, 2};
            for (int d = 0; d < 8; d++) {
                assertEquals(rows[source[d]][d], mixed[d], 1e-7, "dim " + d);
            }
        }
    }

    @Test
    void threeDimensionalPositionsNeedASection() {
        try (RotaryEmbedding rope = new RotaryEmbedding(8, 10000.0, 1.0, null, CPU); NativeScope s = NativeScope.open()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> rope.cosSin(Torch.fromLongs(new long[]{1, 2, 3}, 3, 1, 1), ScalarType.Float));
            assertEquals("3-D position ids [3, 1, 1] need an mrope_section", e.getMessage());
        }
    }
}
