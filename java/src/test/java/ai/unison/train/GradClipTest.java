package ai.unison.train;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class GradClipTest {
    private static Parameters withGrads() {
        Parameters params = new Parameters();
        params.zeros("a", 2);
        params.zeros("b", 1);
        params.zeros("no_grad", 3);
        params.get("a").mutable_grad().put(Torch.fromFloats(new float[]{3, 4}, 2));
        params.get("b").mutable_grad().put(Torch.fromFloats(new float[]{12}, 1));
        return params;
    }

    @Test
    void clipsToTheMaximumGlobalNormAndReturnsTheNormBefore() {
        try (NativeScope scope = NativeScope.open(); Parameters params = withGrads()) {
            assertEquals(13.0, GradClip.clip(params, 6.5), 1e-6);
            assertArrayEquals(new float[]{1.5f, 2f}, Torch.toFloats(params.get("a").grad()), 1e-5f);
            assertArrayEquals(new float[]{6f}, Torch.toFloats(params.get("b").grad()), 1e-5f);
            assertEquals(6.5, GradClip.norm(params), 1e-5);
        }
    }

    @Test
    void leavesGradientsBelowTheLimitOrWithoutALimitAlone() {
        try (NativeScope scope = NativeScope.open(); Parameters params = withGrads()) {
            assertEquals(13.0, GradClip.clip(params, 20), 1e-6);
            assertEquals(13.0, GradClip.clip(params, 0), 1e-6);
            assertArrayEquals(new float[]{3, 4}, Torch.toFloats(params.get("a").grad()));
        }
    }
}
