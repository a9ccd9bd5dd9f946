package ai.unison.train;

import ai.unison.diffusion.schedulers.Scheduler;
import ai.unison.diffusion.wan.TinyVaceFolder;
import ai.unison.diffusion.wan.VacePipeline;
import ai.unison.runtime.DType;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingProbeTest {
    @TempDir
    Path tmp;

    @Test
    void startsPartWayThroughTheFoldersScheduleAndScoresEveryStepFromPureNoise() throws Exception {
        Path folder = TinyVaceFolder.write(tmp.resolve("wan-vace"));
        try (VacePipeline p = VacePipeline.load(folder, DType.FLOAT32, new Device("cpu"))) {
            double[] starts = {1.0, 0.5};
            SamplingProbe.Result r = SamplingProbe.run(p, 2, 5, 64, 3.0, starts, tmp.resolve("out"));
            int steps = p.defaults().steps();
            double[] sigmas;
            try (Scheduler s = p.scheduler("default")) {
                s.setTimesteps(steps);
                sigmas = s.sigmas();
            }
            assertEquals(0, r.firstSteps()[0]);
            int k = 0;
            while (k < steps - 1 && sigmas[k] > 0.5) {
                k++;
            }
            assertTrue(k > 0);
            assertEquals(k, r.firstSteps()[1], "the first step at sigma <= 0.5, else the last");
            assertEquals(sigmas[k], r.firstSigmas()[1]);
            assertEquals(steps, r.stepSigmas().length, "one x0 estimate per step of the run from pure noise");
            assertEquals(sigmas[0], r.stepSigmas()[0]);
            for (double v : new double[] {r.ceiling(), r.scores()[0], r.scores()[1], r.stepScores()[0]}) {
                assertTrue(v >= 0 && v <= 1, "a mean score: " + v);
            }
            assertTrue(Files.isRegularFile(tmp.resolve("out/00-trajectory.png")));
            assertTrue(Files.isRegularFile(tmp.resolve("out/01-starts.png")));
            assertTrue(r.table().contains("ground truth through the VAE") && r.table().contains("sigma 0.50 (step " + k + " at"),
                    r.table());

            SamplingProbe.Result again = SamplingProbe.run(p, 2, 5, 64, 3.0, starts, null);
            assertArrayEquals(r.scores(), again.scores(), "seeded scenes and noise");
            assertArrayEquals(r.stepScores(), again.stepScores());

            assertThrows(IllegalArgumentException.class, () -> SamplingProbe.run(p, 1, 5, 64, 3.0, new double[] {1.5}, null));
            assertThrows(IllegalArgumentException.class, () -> SamplingProbe.run(p, 0, 5, 64, 3.0, starts, null));
        }
    }
}
