package ai.unison.diffusion.schedulers;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulerBehaviourTest {
    private static final String[] ALL = {"unipc", "flow-euler", "ddim", "euler", "euler-ancestral", "dpm++2m"};

    /** Runs the toy model {@code 0.1 * x + eps} through a whole schedule. */
    private static float[] run(Scheduler s, int steps, long seed) {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(seed); Rng stepNoise = new Rng(seed + 1)) {
            s.setTimesteps(steps);
            Tensor x = rng.randn(1, 4, 2, 3).mul(Torch.scalar(s.initNoiseSigma()));
            Tensor eps = rng.randn(1, 4, 2, 3);
            for (double t : s.timesteps()) {
                Tensor out = s.scaleModelInput(x, t).mul(Torch.scalar(0.1)).add(eps);
                x = s.step(out, t, x, NoiseSource.of(stepNoise));
            }
            return Torch.toFloats(x);
        }
    }

    /** Wan's UniPC over float32 latents (history combined with torch.mv) and over float64 (pass by pass). */
    private static float[][] wanUniPC(int steps, org.bytedeco.pytorch.global.torch.ScalarType dtype) {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(11);
             Scheduler s = Schedulers.wanUniPC(5.0)) {
            s.setTimesteps(steps);
            Tensor x = rng.randn(1, 4, 3, 5).to(dtype);
            Tensor v = rng.randn(1, 4, 3, 5).to(dtype);
            float[][] trajectory = new float[steps][];
            int k = 0;
            for (double t : s.timesteps()) {
                Tensor out = x.mul(Torch.scalar(0.2)).add(v);
                x = s.step(out, t, x, NoiseSource.none());
                trajectory[k++] = Torch.toFloats(x);
            }
            return trajectory;
        }
    }

    @Test
    void uniPCHistoryAsOneMatrixVectorProductMatchesThePassByPassCombination() {
        float[][] viaMv = wanUniPC(10, org.bytedeco.pytorch.global.torch.ScalarType.Float);
        float[][] passByPass = wanUniPC(10, org.bytedeco.pytorch.global.torch.ScalarType.Double);
        for (int i = 0; i < viaMv.length; i++) {
            assertArrayEquals(passByPass[i], viaMv[i], 1e-5f, "step " + i);
        }
    }

    @Test
    void setTimestepsStartsAFreshRunWithTheSameResult() {
        for (String name : ALL) {
            try (Scheduler s = Schedulers.create(name, Map.of())) {
                float[] first = run(s, 7, 3);
                float[] second = run(s, 7, 3);
                assertArrayEquals(first, second, name);
                assertEquals(7, s.stepIndex(), name);
            }
        }
    }

    @Test
    void everySchedulerDenoisesTheToyModelToFiniteValues() {
        for (String name : ALL) {
            try (Scheduler s = Schedulers.create(name, Map.of())) {
                for (float v : run(s, 12, 5)) {
                    assertTrue(Float.isFinite(v), name);
                }
            }
        }
    }

    @Test
    void stepBeforeSetTimestepsIsAnError() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.create("unipc", Map.of())) {
            Tensor x = Torch.fromFloats(new float[] {1, 2}, 2);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.step(x, 999, x));
            assertTrue(e.getMessage().contains("setTimesteps"), e.getMessage());
        }
    }

    @Test
    void stepAtTheWrongTimestepIsAnError() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.create("euler", Map.of())) {
            s.setTimesteps(10);
            double[] t = s.timesteps();
            Tensor x = Torch.fromFloats(new float[] {1, 2}, 2);
            s.step(x, t[0], x);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.step(x, t[2], x));
            assertTrue(e.getMessage().contains("step 1"), e.getMessage());
        }
    }

    @Test
    void steppingPastTheEndIsAnError() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.create("flow-euler", Map.of())) {
            s.setTimesteps(2);
            Tensor x = Torch.fromFloats(new float[] {1, 2}, 2);
            double[] t = s.timesteps();
            s.step(x, t[0], x);
            s.step(x, t[1], x);
            assertThrows(IllegalStateException.class, () -> s.step(x, t[1], x));
        }
    }

    @Test
    void aRunMayStartPartWayThroughTheSchedule() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.create("flow-euler", Map.of())) {
            s.setTimesteps(4);
            double[] t = s.timesteps();
            double[] sigma = s.sigmas();
            Tensor x = Torch.fromFloats(new float[] {1, 2}, 2);
            Tensor v = Torch.fromFloats(new float[] {0.5f, -1}, 2);
            float[] out = Torch.toFloats(s.step(v, t[2], x));
            double dt = (float) sigma[3] - (float) sigma[2];
            assertEquals(1 + dt * 0.5, out[0], 1e-6);
            assertEquals(3, s.stepIndex());
        }
    }

    @Test
    void aRunStartsAtTheFirstSigmaEvenWhenTheFirstTimestepRepeats() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.wanUniPC(5.0)) {
            s.setTimesteps(1000);
            double[] t = s.timesteps();
            assertEquals(t[0], t[1]);
            Tensor x = Torch.fromFloats(new float[] {1, 2}, 2);
            Tensor v = Torch.fromFloats(new float[] {0.5f, -1}, 2);
            float[] out = Torch.toFloats(s.step(v, t[0], x));
            // first step, order 1, flow: x0 = x - sigma0 * v, then towards sigma1
            assertEquals(1, s.stepIndex());
            double s0 = (float) s.sigmas()[0];
            double s1 = (float) s.sigmas()[1];
            double x0 = 1 - s0 * 0.5;
            assertEquals(s1 / s0 * 1 + (1 - s1) * -Math.expm1(-lambdaGap(s0, s1)) * x0, out[0], 1e-5);
            s.step(v, t[1], x);
            assertEquals(2, s.stepIndex());
        }
    }

    /** log-SNR gap of a flow step from sigma s0 to s1: log((1-s1)/s1) - log((1-s0)/s0). */
    private static double lambdaGap(double s0, double s1) {
        return Math.log((1 - s1) / s1) - Math.log((1 - s0) / s0);
    }

    @Test
    void stochasticSchedulersNeedANoiseSource() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.create("euler-ancestral", Map.of())) {
            assertTrue(s.needsNoise());
            s.setTimesteps(3);
            Tensor x = Torch.fromFloats(new float[] {1, 2}, 2);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> s.step(x, s.timesteps()[0], x));
            assertTrue(e.getMessage().contains("NoiseSource"), e.getMessage());
        }
        try (Scheduler ddim = Schedulers.create("ddim", Map.of())) {
            assertFalse(ddim.needsNoise());
            ((DDIMScheduler) ddim).setEta(1.0);
            assertTrue(ddim.needsNoise());
        }
    }

    @Test
    void dynamicShiftingNeedsMuAndOthersRejectIt() {
        try (Scheduler dynamic = Schedulers.create("flow-euler", Map.of("use_dynamic_shifting", true));
             Scheduler fixed = Schedulers.create("flow-euler", Map.of("shift", 3.0))) {
            assertThrows(IllegalStateException.class, () -> dynamic.setTimesteps(10));
            dynamic.setTimesteps(10, 0.63);
            assertEquals(1000.0, dynamic.timesteps()[0]);
            assertEquals(937.6472778320312, dynamic.timesteps()[1]);
            assertThrows(UnsupportedOperationException.class, () -> fixed.setTimesteps(10, 0.63));
        }
        for (String name : new String[] {"ddim", "unipc", "dpm++2m", "euler-ancestral"}) {
            try (Scheduler s = Schedulers.create(name, Map.of())) {
                UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                        () -> s.setTimesteps(10, 0.63));
                assertTrue(e.getMessage().contains("use_dynamic_shifting"), e.getMessage());
            }
        }
    }

    @Test
    void flowMatchMuFollowsTheImageSequenceLength() {
        try (Scheduler s = Schedulers.create("flow-euler", Map.of("use_dynamic_shifting", true))) {
            FlowMatchEulerDiscreteScheduler f = (FlowMatchEulerDiscreteScheduler) s;
            assertEquals(0.5, f.mu(256), 1e-12);
            assertEquals(1.15, f.mu(4096), 1e-12);
        }
    }

    @Test
    void uniPcDynamicShiftingUsesExpMuAsTheFlowShift() {
        try (Scheduler dynamic = Schedulers.create("unipc", Map.of("prediction_type", "flow_prediction",
                "use_flow_sigmas", true, "use_dynamic_shifting", true));
             Scheduler wan = Schedulers.wanUniPC(5.0)) {
            dynamic.setTimesteps(20, Math.log(5.0));
            wan.setTimesteps(20);
            assertArrayEquals(wan.sigmas(), dynamic.sigmas(), 1e-7);
        }
    }

    @Test
    void addNoiseInterpolatesTowardsNoiseByTheScheduleLevel() {
        try (NativeScope scope = NativeScope.open();
             Scheduler flow = Schedulers.wanUniPC(3.0);
             Scheduler euler = Schedulers.create("euler", Map.of());
             Scheduler ddim = Schedulers.create("ddim", Map.of())) {
            Tensor x = Torch.fromFloats(new float[] {2}, 1);
            Tensor n = Torch.fromFloats(new float[] {-1}, 1);
            flow.setTimesteps(10);
            double s = flow.sigmas()[3];
            assertEquals((1 - s) * 2 - s, Torch.toFloats(flow.addNoise(x, n, flow.timesteps()[3]))[0], 1e-6);
            euler.setTimesteps(10);
            double se = euler.sigmas()[2];
            assertEquals(2 - se, Torch.toFloats(euler.addNoise(x, n, euler.timesteps()[2]))[0], 1e-5);
            double a = ((DDIMScheduler) ddim).alphasCumprod()[500];
            assertEquals(Math.sqrt(a) * 2 - Math.sqrt(1 - a), Torch.toFloats(ddim.addNoise(x, n, 500))[0], 1e-6);
        }
    }

    @Test
    void resultsKeepTheSampleDtype() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.wanUniPC(5.0); Rng rng = new Rng(0)) {
            s.setTimesteps(4);
            Tensor x = rng.randn(1, 2, 3);
            for (double t : s.timesteps()) {
                Tensor v = rng.randn(1, 2, 3).to(org.bytedeco.pytorch.global.torch.ScalarType.BFloat16);
                x = s.step(v, t, x);
                assertEquals(org.bytedeco.pytorch.global.torch.ScalarType.Float.value, x.scalar_type().value);
            }
        }
    }

    @Test
    void cosineBetaScheduleMatchesUpstream() {
        // diffusers betas_for_alpha_bar(1000) (max_beta 0.999) as float32, alphas 1 - beta in float32, cumprod
        try (Scheduler s = Schedulers.create("ddim", Map.of("beta_schedule", "squaredcos_cap_v2"))) {
            double[] a = ((DDIMScheduler) s).alphasCumprod();
            assertEquals(0.9999587f, (float) a[0]);
            assertEquals(0.49228504f, (float) a[500]);
            assertEquals(2.4287663e-06f, (float) a[998]);
        }
    }

    @Test
    void linearSolveMatchesTheClosedForm() {
        float[] x = UniPCMultistepScheduler.solve(new float[][] {{1, 1}, {-1.2f, 1}}, new float[] {0.6f, 0.3f}, 2);
        assertEquals((0.6 - 0.3) / (1 + 1.2), x[0], 1e-6);
        assertEquals(0.6 - (0.6 - 0.3) / 2.2, x[1], 1e-6);
    }
}
