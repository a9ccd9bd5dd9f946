package ai.unison.diffusion.schedulers;

import ai.unison.runtime.CpuKernels;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Schedulers with the CPU kernels (one native pass per step: the converted output and the new sample
 * written together) against the libtorch path, and both against float64.
 */
class FusedStepTest {
    /** Latents of more than one kernel block (2048 elements) with a ragged tail. */
    private static final long[] SHAPE = {1, 4, 3, 7, 29};

    @AfterEach
    void restore() {
        LinearCombination.useCpuKernels = true;
    }

    private static void assumeKernels() {
        assumeTrue(CpuKernels.get().available(), "CPU kernels not built (" + CpuKernels.get().status() + ")");
    }

    /** The trajectory of the toy model {@code 0.2 x + v} under {@code scheduler}, in {@code dtype}. */
    private static float[][] run(Supplier<Scheduler> scheduler, int steps, ScalarType dtype, boolean cpuKernels) {
        LinearCombination.useCpuKernels = cpuKernels;
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(21); Scheduler s = scheduler.get()) {
            s.setTimesteps(steps);
            Tensor x = rng.randn(SHAPE).mul(Torch.scalar(s.initNoiseSigma())).to(dtype);
            Tensor v = rng.randn(SHAPE).to(dtype);
            float[][] trajectory = new float[steps][];
            int k = 0;
            for (double t : s.timesteps()) {
                Tensor out = s.scaleModelInput(x, t).mul(Torch.scalar(0.2)).add(v);
                x = s.step(out, t, x, NoiseSource.none());
                trajectory[k++] = Torch.toFloats(x);
            }
            return trajectory;
        } finally {
            LinearCombination.useCpuKernels = true;
        }
    }

    /** Elementwise within {@code tolerance} times {@code max(1, |want|)}: absolute for unit-sized latents, relative beyond. */
    private static void assertClose(float[][] want, float[][] got, float tolerance, String what) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].length, got[i].length);
            for (int j = 0; j < want[i].length; j++) {
                float bound = tolerance * Math.max(1f, Math.abs(want[i][j]));
                assertEquals(want[i][j], got[i][j], bound, what + ", step " + i + ", element " + j);
            }
        }
    }

    @Test
    void fusedUniPCStepMatchesTheLibtorchPath() {
        assumeKernels();
        long before = LinearCombination.NATIVE_EVALS.get();
        float[][] fused = run(() -> Schedulers.wanUniPC(5.0), 12, ScalarType.Float, true);
        assertTrue(LinearCombination.NATIVE_EVALS.get() - before >= 12, "every step took the native pass");
        float[][] libtorch = run(() -> Schedulers.wanUniPC(5.0), 12, ScalarType.Float, false);
        assertClose(libtorch, fused, 1e-5f, "unipc flow");
    }

    @Test
    void otherSchedulersWithTheKernelsMatchTheLibtorchPath() {
        assumeKernels();
        for (String name : new String[] {"unipc", "dpm++2m", "euler", "ddim", "flow-euler"}) {
            float[][] fused = run(() -> Schedulers.create(name, Map.of()), 9, ScalarType.Float, true);
            float[][] libtorch = run(() -> Schedulers.create(name, Map.of()), 9, ScalarType.Float, false);
            assertClose(libtorch, fused, 1e-5f, name);
        }
    }

    /** Holds with and without the kernels: the fused pass and torch.mv both stay within 1e-5 of float64. */
    @Test
    void uniPCInFloat32MatchesFloat64EitherWay() {
        float[][] reference = run(() -> Schedulers.wanUniPC(5.0), 10, ScalarType.Double, true);
        assertClose(reference, run(() -> Schedulers.wanUniPC(5.0), 10, ScalarType.Float, true), 1e-5f, "kernels");
        assertClose(reference, run(() -> Schedulers.wanUniPC(5.0), 10, ScalarType.Float, false), 1e-5f, "libtorch");
    }

    /** Latents the kernels do not take (float64, a bfloat16 model output) never reach them. */
    @Test
    void otherDtypesTakeTheLibtorchPath() {
        long before = LinearCombination.NATIVE_EVALS.get();
        run(() -> Schedulers.wanUniPC(5.0), 5, ScalarType.Double, true);
        assertEquals(before, LinearCombination.NATIVE_EVALS.get());
    }
}
