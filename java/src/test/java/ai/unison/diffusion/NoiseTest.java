package ai.unison.diffusion;

import ai.unison.TestFixtures;
import ai.unison.diffusion.schedulers.Scheduler;
import ai.unison.diffusion.schedulers.Schedulers;
import ai.unison.io.SafetensorsFile;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NoiseTest {
    private static float[] row(Tensor batch, int i) {
        return Torch.toFloats(batch.select(0, i));
    }

    @Test
    void sameSeedGivesTheSameLatentsOnEveryRun() {
        try (NativeScope scope = NativeScope.open(); Noise a = Noise.seeded(7); Noise b = Noise.seeded(7)) {
            assertArrayEquals(Torch.toFloats(a.gaussian(4, 3, 5)), Torch.toFloats(b.gaussian(4, 3, 5)));
        }
    }

    @Test
    void latentsDoNotDependOnBatchPosition() {
        try (NativeScope scope = NativeScope.open();
             Noise batch = Noise.seeded(11, 22, 33);
             Noise alone = Noise.seeded(22);
             Noise reordered = Noise.seeded(33, 22)) {
            Tensor x = batch.gaussian(16, 2, 4, 4);
            assertEquals(3, x.size(0));
            float[] second = row(x, 1);
            assertArrayEquals(second, row(alone.gaussian(16, 2, 4, 4), 0));
            assertArrayEquals(second, row(reordered.gaussian(16, 2, 4, 4), 1));
            assertFalse(java.util.Arrays.equals(row(x, 0), second));
        }
    }

    @Test
    void reproducesTorchGeneratorStreams() {
        // the fixture drew initial_noise with manual_seed(0) and the ancestral step noise with manual_seed(42)
        try (NativeScope scope = NativeScope.open();
             SafetensorsFile f = SafetensorsFile.open(TestFixtures.dir("schedulers/euler-ancestral")
                     .resolve("trajectory.safetensors"));
             Noise initial = Noise.seeded(0);
             Noise steps = Noise.seeded(42)) {
            assertArrayEquals(Torch.toFloats(f.tensor("initial_noise")), Torch.toFloats(initial.gaussian(4, 8, 8)));
            Tensor recorded = f.tensor("step_noises");
            for (int i = 0; i < 3; i++) {
                Tensor like = recorded.select(0, i);
                assertArrayEquals(Torch.toFloats(like), Torch.toFloats(steps.next(like)), "step " + i);
            }
        }
    }

    @Test
    void initialLatentsAreScaledByTheInitialSigmaInTheRequestedDtype() {
        try (NativeScope scope = NativeScope.open();
             Scheduler euler = Schedulers.create("euler", Map.of());
             Noise n = Noise.seeded(3);
             Noise plain = Noise.seeded(3)) {
            euler.setTimesteps(10);
            Tensor x = n.initialLatents(euler, new long[] {4, 2, 2}, ScalarType.BFloat16, new Device("cpu"));
            assertEquals(ScalarType.BFloat16.value, x.scalar_type().value);
            float[] expected = Torch.toFloats(plain.gaussian(4, 2, 2).mul(Torch.scalar(euler.initNoiseSigma()))
                    .to(ScalarType.BFloat16));
            assertArrayEquals(expected, Torch.toFloats(x));
        }
    }

    @Test
    void stepNoiseMustMatchTheBatch() {
        try (NativeScope scope = NativeScope.open(); Noise n = Noise.seeded(1, 2)) {
            Tensor like = Torch.fromFloats(new float[3], 3, 1);
            assertThrows(IllegalArgumentException.class, () -> n.next(like));
        }
    }
}
