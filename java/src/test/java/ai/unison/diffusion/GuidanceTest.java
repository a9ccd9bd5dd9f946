package ai.unison.diffusion;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuidanceTest {
    @Test
    void combinesUncondPlusScaleTimesDifference() {
        try (NativeScope scope = NativeScope.open()) {
            Tensor uncond = Torch.fromFloats(new float[] {1, 2, -1, 0}, 2, 2);
            Tensor cond = Torch.fromFloats(new float[] {3, 5, -1, 1}, 2, 2);
            float[] g = Torch.toFloats(Guidance.of(4).combine(uncond, cond));
            assertArrayEquals(new float[] {9, 14, -1, 4}, g, 1e-6f);
        }
    }

    @Test
    void rescaleMovesTowardsTheConditionalStdPerSample() {
        try (NativeScope scope = NativeScope.open()) {
            // sample 0: cond std = std(0, 2) = sqrt(2); guided = 1 + 3 * (cond - 1) = (-2, 4), std = sqrt(18)
            Tensor uncond = Torch.fromFloats(new float[] {1, 1, 0, 0}, 2, 2);
            Tensor cond = Torch.fromFloats(new float[] {0, 2, 1, 3}, 2, 2);
            float[] g = Torch.toFloats(Guidance.of(3).withRescale(0.7).combine(uncond, cond));
            double factor = 0.7 * Math.sqrt(2) / Math.sqrt(18) + 0.3;
            assertEquals(-2 * factor, g[0], 1e-5);
            assertEquals(4 * factor, g[1], 1e-5);
            // sample 1: cond std = sqrt(2), guided = (3, 9), std = sqrt(18): the same factor
            assertEquals(3 * factor, g[2], 1e-5);
            assertEquals(9 * factor, g[3], 1e-5);
        }
    }

    @Test
    void fullRescaleMatchesTheConditionalStd() {
        try (NativeScope scope = NativeScope.open()) {
            Tensor uncond = Torch.fromFloats(new float[] {0.5f, -0.2f, 0.1f, 0.9f}, 1, 4);
            Tensor cond = Torch.fromFloats(new float[] {1, -1, 0.3f, 2}, 1, 4);
            Tensor g = Guidance.of(7.5).withRescale(1).combine(uncond, cond);
            assertEquals(cond.std().item_double(), g.std().item_double(), 1e-5);
        }
    }

    @Test
    void intervalSelectsAFractionOfTheSteps() {
        Guidance g = Guidance.of(5).withInterval(0.2, 0.6);
        int active = 0;
        for (int i = 0; i < 10; i++) {
            if (g.activeAt(i, 10)) {
                active++;
                assertTrue(i >= 2 && i < 6, "step " + i);
            }
        }
        assertEquals(4, active);
    }

    @Test
    void scaleOneIsNoGuidance() {
        assertFalse(Guidance.none().enabled());
        assertFalse(Guidance.of(1).activeAt(0, 10));
        assertFalse(Guidance.of(5).withInterval(0.5, 0.5).enabled());
        assertTrue(Guidance.of(5).activeAt(9, 10));
    }

    @Test
    void rejectsInvalidParameters() {
        assertThrows(IllegalArgumentException.class, () -> Guidance.of(-1));
        assertThrows(IllegalArgumentException.class, () -> Guidance.of(5).withRescale(1.5));
        assertThrows(IllegalArgumentException.class, () -> Guidance.of(5).withInterval(0.6, 0.2));
        assertThrows(IllegalArgumentException.class, () -> Guidance.of(Double.NaN));
    }
}
