package ai.unison.diffusion;

import ai.unison.TestFixtures;
import ai.unison.diffusion.schedulers.Scheduler;
import ai.unison.diffusion.schedulers.Schedulers;
import ai.unison.io.SafetensorsFile;
import ai.unison.runtime.NativeMemory;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DenoisingLoopTest {
    /** A model that predicts the "text" conditioning value broadcast over the latents. */
    private static DenoisingModel constantFromConditioning(List<Long> batches) {
        return (latents, timestep, cond) -> {
            batches.add(latents.size(0));
            assertEquals(latents.size(0), timestep.size(0));
            Tensor c = cond.get("text").view(latents.size(0), 1, 1);
            return latents.mul(Torch.scalar(0)).add(c);
        };
    }

    private static DenoiserConditioning text(float... perSample) {
        return DenoiserConditioning.of("text", Torch.fromFloats(perSample, perSample.length, 1));
    }

    @Test
    void reportsProgressAfterEveryStep() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.wanUniPC(5.0)) {
            List<Integer> done = new ArrayList<>();
            List<Double> ts = new ArrayList<>();
            DenoisingLoop loop = DenoisingLoop.builder(s).steps(8).progress((i, n, t) -> {
                assertEquals(8, n);
                done.add(i);
                ts.add(t);
            }).build();
            loop.run(constantFromConditioning(new ArrayList<>()), Torch.fromFloats(new float[4], 1, 2, 2), text(1),
                    null);
            assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8), done);
            assertEquals(s.timesteps()[0], ts.get(0));
            assertEquals(s.timesteps()[7], ts.get(7));
        }
    }

    @Test
    void cancellationStopsBetweenSteps() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.wanUniPC(5.0)) {
            AtomicBoolean cancel = new AtomicBoolean();
            List<Long> calls = new ArrayList<>();
            DenoisingLoop loop = DenoisingLoop.builder(s).steps(10)
                    .progress((i, n, t) -> cancel.set(i == 3)).cancelWhen(cancel::get).build();
            CancellationException e = assertThrows(CancellationException.class, () -> loop.run(
                    constantFromConditioning(calls), Torch.fromFloats(new float[4], 1, 2, 2), text(1), null));
            assertTrue(e.getMessage().contains("3 of 10"), e.getMessage());
            assertEquals(3, calls.size());
            assertEquals(3, s.stepIndex());
        }
    }

    @Test
    void aLoopStartedPartWayContinuesTheFullRunFromThatStep() {
        // flow Euler keeps no history, so the run from step 4 on the full run's step-4 sample ends where it ends
        DenoisingModel model = (latents, timestep, cond) -> latents.mul(Torch.scalar(0.5)).add(cond.get("text").view(-1, 1, 1));
        try (NativeScope scope = NativeScope.open(); Scheduler full = Schedulers.create("flow-euler", Map.of());
             Scheduler part = Schedulers.create("flow-euler", Map.of())) {
            Tensor x = Torch.fromFloats(new float[] {1, -2, 3, 0.5f}, 1, 2, 2);
            Tensor[] atFour = new Tensor[1];
            List<Integer> fullSteps = new ArrayList<>();
            Tensor whole = DenoisingLoop.builder(full).steps(10).observer((i, t, sigma, sample, prediction) -> {
                fullSteps.add(i);
                assertEquals(full.sigmas()[i], sigma);
                if (i == 4) {
                    atFour[0] = NativeScope.own(sample.clone());
                }
            }).build().run(model, x, text(2), null);
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), fullSteps);

            List<Integer> partSteps = new ArrayList<>();
            List<int[]> progress = new ArrayList<>();
            Tensor rest = DenoisingLoop.builder(part).steps(10).firstStep(4)
                    .observer((i, t, sigma, sample, prediction) -> partSteps.add(i))
                    .progress((done, n, t) -> progress.add(new int[] {done, n}))
                    .build().run(model, atFour[0], text(2), null);
            assertEquals(List.of(4, 5, 6, 7, 8, 9), partSteps);
            assertEquals(6, progress.size());
            assertArrayEquals(new int[] {6, 6}, progress.get(5));
            assertArrayEquals(Torch.toFloats(whole), Torch.toFloats(rest), 1e-6f);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DenoisingLoop.builder(part)
                    .steps(10).firstStep(10).build().run(model, x, text(2), null));
            assertTrue(e.getMessage().contains("first step 10") && e.getMessage().contains("10 steps"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> DenoisingLoop.builder(part).firstStep(-1));
        }
    }

    @Test
    void guidanceBatchesBothPassesIntoOneCallInsideItsInterval() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.create("flow-euler", Map.of())) {
            List<Long> batches = new ArrayList<>();
            DenoisingLoop loop = DenoisingLoop.builder(s).steps(10)
                    .guidance(Guidance.of(3).withInterval(0, 0.5)).build();
            loop.run(constantFromConditioning(batches), Torch.fromFloats(new float[8], 2, 2, 2), text(1, 2),
                    text(0, 0));
            assertEquals(List.of(4L, 4L, 4L, 4L, 4L, 2L, 2L, 2L, 2L, 2L), batches);
        }
    }

    @Test
    void guidedPredictionIsUncondPlusScaleTimesDifference() {
        // one flow-Euler step from sigma 1 to 0: x_final = x - v, with v the guided velocity
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.create("flow-euler", Map.of())) {
            List<Long> batches = new ArrayList<>();
            DenoisingLoop loop = DenoisingLoop.builder(s).steps(1).guidance(Guidance.of(4)).build();
            Tensor x = Torch.fromFloats(new float[] {10, 10, 20, 20}, 2, 1, 2);
            Tensor out = loop.run(constantFromConditioning(batches), x, text(1, 2), text(0.5f, -1));
            // sample 0: 0.5 + 4 * (1 - 0.5) = 2.5; sample 1: -1 + 4 * (2 + 1) = 11
            assertArrayEquals(new float[] {7.5f, 7.5f, 9, 9}, Torch.toFloats(out), 1e-5f);
            assertEquals(List.of(4L), batches);
        }
    }

    @Test
    void guidanceWithoutUnconditionalInputIsAnError() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.wanUniPC(5.0)) {
            DenoisingLoop loop = DenoisingLoop.builder(s).steps(2).guidance(Guidance.of(5)).build();
            assertThrows(IllegalArgumentException.class, () -> loop.run(constantFromConditioning(new ArrayList<>()),
                    Torch.fromFloats(new float[4], 1, 2, 2), text(1), null));
        }
    }

    @Test
    void stochasticSchedulerWithoutNoiseSourceIsAnError() {
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.create("euler-ancestral", Map.of())) {
            DenoisingLoop loop = DenoisingLoop.builder(s).steps(2).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> loop.run(
                    constantFromConditioning(new ArrayList<>()), Torch.fromFloats(new float[4], 1, 2, 2), text(1),
                    null));
            assertTrue(e.getMessage().contains("NoiseSource"), e.getMessage());
        }
    }

    @Test
    void loopReproducesTheUpstreamUniPcTrajectory() {
        var dir = TestFixtures.dir("unipc-flow");
        try (NativeScope scope = NativeScope.open();
             SafetensorsFile inputs = SafetensorsFile.open(dir.resolve("inputs.safetensors"));
             SafetensorsFile ref = SafetensorsFile.open(dir.resolve("unipc_shift5_n10.safetensors"));
             Scheduler s = Schedulers.fromConfig(dir.resolve("scheduler_config_unipc_shift5.json"))) {
            Tensor noise = inputs.tensor("noise_b");
            DenoisingModel toy = (latents, t, cond) -> latents.mul(Torch.scalar(0.1)).add(noise);
            Tensor out = DenoisingLoop.builder(s).steps(10).build()
                    .run(toy, inputs.tensor("initial_sample"), DenoiserConditioning.of(Map.of()), null);
            float[] expected = Torch.toFloats(ref.tensor("samples").select(0, 10));
            float[] actual = Torch.toFloats(out);
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5 + 1e-4 * Math.abs(expected[i]), "element " + i);
            }
        }
    }

    @Test
    void stepsDoNotGrowNativeMemory() {
        // 256 KiB latents: one leaked latent-sized tensor per step would be 15 MiB over the measured 60 steps
        try (NativeScope scope = NativeScope.open(); Scheduler s = Schedulers.wanUniPC(5.0);
             Noise noise = Noise.seeded(5)) {
            Tensor x0 = noise.gaussian(16, 4, 32, 32);
            DenoiserConditioning cond = text(1);
            DenoiserConditioning uncond = text(0);
            AtomicInteger calls = new AtomicInteger();
            DenoisingModel model = (latents, t, c) -> {
                calls.incrementAndGet();
                return latents.mul(Torch.scalar(0.1)).add(c.get("text").view(latents.size(0), 1, 1, 1, 1));
            };
            DenoisingLoop loop = DenoisingLoop.builder(s).steps(20).guidance(Guidance.of(4).withRescale(0.5)).build();
            loop.run(model, x0, cond, uncond).close();
            System.gc();
            long rss = NativeMemory.residentBytes();
            long tracked = NativeMemory.trackedBytes();
            for (int r = 0; r < 3; r++) {
                loop.run(model, x0, cond, uncond).close();
            }
            System.gc();
            long rssGrowth = NativeMemory.residentBytes() - rss;
            long trackedGrowth = NativeMemory.trackedBytes() - tracked;
            System.out.printf("native memory over 60 loop steps: RSS %+d KiB, JavaCPP-tracked %+d bytes%n",
                    rssGrowth / 1024, trackedGrowth);
            assertEquals(80, calls.get());
            assertTrue(rssGrowth < 8L << 20, "RSS grew by " + rssGrowth + " bytes over 60 steps");
            assertTrue(trackedGrowth <= 0, "JavaCPP-tracked bytes grew by " + trackedGrowth);
        }
    }
}
