package ai.unison.train;

import ai.unison.nn.Linear;
import ai.unison.nn.Weights;
import ai.unison.runtime.NativeMemory;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainerTest {
    private static final PrintStream QUIET = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    private TrainConfig.Builder config(String out, long steps) {
        return TrainConfig.builder(dir.resolve(out)).steps(steps).seed(11).threads(1).lr(1e-2).warmup(3)
                .logEvery(5).checkpointEvery(10);
    }

    @Test
    void linearRegressionConvergesToThreeXPlusOne() {
        TrainConfig cfg = config("regression", 300).lr(0.1).warmup(10).minLr(0.001)
                .adamw(AdamW.Options.defaults().withWeightDecay(0)).checkpointEvery(1000).build();
        try (Parameters params = new Parameters(); Rng init = new Rng(cfg.seed());
             Weights w = params.weights(init, ParameterInit.normal(0.5))) {
            Linear line = Linear.load(w, "line", 1, 1, true);
            TrainResult r = new Trainer(cfg, params).log(QUIET).run((step, rng) -> {
                Tensor x = rng.randn(32, 1);
                Tensor y = x.mul(Torch.scalar(3)).add(Torch.scalar(1));
                return torch.mse_loss(line.forward(x), y);
            });
            assertTrue(r.finished());
            assertTrue(r.lastLoss() < 1e-4, "final loss " + r.lastLoss());
            assertEquals(3.0, Torch.toFloats(params.get("line.weight"))[0], 0.01);
            assertEquals(1.0, Torch.toFloats(params.get("line.bias"))[0], 0.01);
        }
    }

    /** Trains the MLP from scratch in {@code out}; {@code crashAt} makes the step throw there (a killed run). */
    private Map<String, float[]> trainMlp(TrainConfig cfg, long crashAt) {
        try (Parameters params = new Parameters(); Rng init = new Rng(cfg.seed());
             TinyMlp model = new TinyMlp(params.weights(init, ParameterInit.standard(0.1)), 8, 32, 1)) {
            new Trainer(cfg, params).log(QUIET).run((step, rng) -> {
                if (step == crashAt) {
                    throw new IllegalStateException("killed at step " + step);
                }
                return model.loss(rng, 16, 8);
            });
            Map<String, float[]> values = new LinkedHashMap<>();
            params.all().forEach((n, t) -> values.put(n, Torch.toFloats(t)));
            return values;
        }
    }

    private static List<String> lossColumns(Path csv) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String line : Files.readAllLines(csv)) {
            String[] c = line.split(",");
            rows.add(c[0] + "," + c[1] + "," + c[2] + "," + c[3]);
        }
        return rows;
    }

    @Test
    void resumingFromACheckpointGivesBitIdenticalParameters() throws IOException {
        Map<String, float[]> straight = trainMlp(config("straight", 30).build(), -1);

        TrainConfig resumed = config("resumed", 30).resume(true).build();
        String crash = assertThrows(IllegalStateException.class, () -> trainMlp(resumed, 17)).getMessage();
        assertEquals("killed at step 17", crash);
        assertTrue(Files.isDirectory(resumed.out().resolve("checkpoints/step-00000010")));
        Map<String, float[]> after = trainMlp(resumed, -1);

        assertEquals(straight.keySet(), after.keySet());
        straight.forEach((n, v) -> assertArrayEquals(v, after.get(n), n));
        // the loss curve of the resumed run is the uninterrupted one: rows 11..17 of the killed run were dropped
        assertEquals(lossColumns(dir.resolve("straight/loss.csv")), lossColumns(resumed.out().resolve("loss.csv")));
        assertEquals(List.of("step-00000020", "step-00000030"), checkpointFolders(resumed.out()));
        String state = Files.readString(resumed.out().resolve("checkpoints/step-00000030/state.json"));
        assertTrue(state.contains("\"step\":30") && state.contains("\"seed\":11"), state);
    }

    private static List<String> checkpointFolders(Path out) throws IOException {
        try (var s = Files.list(out.resolve("checkpoints"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("step-")).sorted().toList();
        }
    }

    @Test
    void theWeightAverageIsWhatEvaluationsReadAndWhatTheRunEndsWith() throws IOException {
        double decay = 0.8;
        long steps = 12;
        TrainConfig cfg = config("ema", steps).ema(decay).checkpointEvery(100).build();
        List<Float> seen = new ArrayList<>();
        Map<Long, Double> evaluated = new LinkedHashMap<>();
        float[] end;
        try (Parameters params = new Parameters(); Rng init = new Rng(1);
             Weights w = params.weights(init, ParameterInit.normal(0.1))) {
            Linear line = Linear.load(w, "line", 1, 1, false);
            Tensor weight = params.get("line.weight");
            new Trainer(cfg, params).log(QUIET)
                    .eval(4, step -> {
                        double v = Torch.toFloats(weight)[0];
                        evaluated.put(step, v);
                        return Map.of("w", v);
                    })
                    .run((step, rng) -> {
                        seen.add(Torch.toFloats(weight)[0]);
                        return line.forward(Torch.fromFloats(new float[]{1}, 1, 1)).sub(Torch.scalar(3)).square()
                                .mean();
                    });
            end = Torch.toFloats(weight);
        }
        try (Parameters raw = Parameters.load(cfg.out().resolve("checkpoints/step-00000012/parameters.safetensors"))) {
            seen.add(Torch.toFloats(raw.get("line.weight"))[0]);
        }
        // the training values are those of the same run without an average: evaluations swap it in and back out
        List<Float> plain = new ArrayList<>();
        try (Parameters params = new Parameters(); Rng init = new Rng(1);
             Weights w = params.weights(init, ParameterInit.normal(0.1))) {
            Linear line = Linear.load(w, "line", 1, 1, false);
            Tensor weight = params.get("line.weight");
            new Trainer(config("plain", steps).checkpointEvery(100).build(), params).log(QUIET).run((step, rng) -> {
                plain.add(Torch.toFloats(weight)[0]);
                return line.forward(Torch.fromFloats(new float[]{1}, 1, 1)).sub(Torch.scalar(3)).square().mean();
            });
        }
        assertEquals(plain, seen.subList(0, (int) steps));
        double average = seen.get(0);
        for (int n = 1; n <= steps; n++) {
            double d = Math.min(decay, (double) n / (9 + n));
            average = d * average + (1 - d) * seen.get(n);
            if (n % 4 == 0) {
                assertEquals(average, evaluated.get((long) n), 1e-6, "evaluation at step " + n);
            }
        }
        assertEquals(average, end[0], 1e-6);
        assertTrue(Math.abs(end[0] - seen.get((int) steps)) > 1e-3, "the average trails the training value");
        assertTrue(Files.isRegularFile(cfg.out().resolve("checkpoints/step-00000012/ema.safetensors")));
        String msg = assertThrows(IllegalArgumentException.class, () -> config("bad", 3).ema(1.5).build())
                .getMessage();
        assertEquals("the EMA decay must be in (0, 1), or 0 for none, got 1.5", msg);
    }

    @Test
    void resumingKeepsTheWeightAverage() {
        Map<String, float[]> straight = trainMlp(config("ema-straight", 30).ema(0.9).build(), -1);
        TrainConfig resumed = config("ema-resumed", 30).ema(0.9).resume(true).build();
        assertThrows(IllegalStateException.class, () -> trainMlp(resumed, 17));
        Map<String, float[]> after = trainMlp(resumed, -1);
        straight.forEach((n, v) -> assertArrayEquals(v, after.get(n), n));
        Map<String, float[]> plain = trainMlp(config("ema-none", 30).build(), -1);
        assertFalse(Arrays.equals(plain.values().iterator().next(), straight.values().iterator().next()));
    }

    @Test
    void budgetStopsCleanlyWithACheckpointThatResumes() {
        TrainConfig cfg = config("budget", 20).budget(Duration.ofMillis(1)).resume(true).build();
        TrainStep slow = (step, rng) -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return null;
        };
        try (Parameters params = new Parameters(); Rng init = new Rng(1);
             Weights w = params.weights(init, ParameterInit.normal(0.1))) {
            Linear line = Linear.load(w, "line", 2, 1, false);
            TrainStep step = (s, rng) -> {
                slow.loss(s, rng);
                return line.forward(rng.randn(4, 2)).square().mean();
            };
            TrainResult r = new Trainer(cfg, params).log(QUIET).run(step);
            assertTrue(r.stoppedByBudget());
            assertFalse(r.finished());
            assertEquals(1, r.step());
            assertEquals(cfg.out().resolve("checkpoints/step-00000001"), r.checkpoint());

            TrainConfig rest = config("budget", 20).resume(true).build();
            TrainResult done = new Trainer(rest, params).log(QUIET).run(step);
            assertTrue(done.finished());
            assertEquals(20, done.step());
            assertTrue(done.elapsed().compareTo(r.elapsed()) > 0);
        }
    }

    @Test
    void refusesToStartOverAnExistingRunWithoutResume() {
        TrainConfig cfg = config("twice", 3).build();
        trainMlp(cfg, -1);
        String msg = assertThrows(IllegalStateException.class, () -> trainMlp(cfg, -1)).getMessage();
        assertTrue(msg.contains("already holds a checkpoint (step-00000003); pass --resume"), msg);
    }

    @Test
    void writesTheLossCurveAndEvaluationMetrics() throws IOException {
        TrainConfig cfg = config("curves", 10).build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Parameters params = new Parameters(); Rng init = new Rng(cfg.seed());
             TinyMlp model = new TinyMlp(params.weights(init, ParameterInit.standard(0.1)), 8, 32, 1)) {
            TrainResult r = new Trainer(cfg, params).log(new PrintStream(out, true, StandardCharsets.UTF_8))
                    .eval(5, step -> Map.of("steps_seen", (double) step))
                    .run((step, rng) -> model.loss(rng, 16, 8));
            assertEquals(Map.of("steps_seen", 10.0), r.metrics());
            assertEquals(10, r.recentLosses().size());
        }
        List<String> loss = Files.readAllLines(cfg.out().resolve("loss.csv"));
        assertEquals("step,loss,lr,grad_norm,step_seconds,elapsed_seconds", loss.get(0));
        assertEquals(3, loss.size());
        assertTrue(loss.get(1).startsWith("5,") && loss.get(2).startsWith("10,"), loss.toString());
        assertEquals(List.of("step,metric,value", "5,steps_seen,5.00000", "10,steps_seen,10.0000"),
                Files.readAllLines(cfg.out().resolve("metrics.csv")));
        String log = out.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("step 10/10  loss ") && log.contains("eval step 5:  steps_seen 5.0000"), log);
    }

    @Test
    void rejectsALossThatDoesNotReachTheParameters() {
        TrainConfig cfg = config("detached", 3).build();
        try (Parameters params = new Parameters()) {
            params.zeros("w", 1);
            String msg = assertThrows(IllegalStateException.class, () -> new Trainer(cfg, params).log(QUIET)
                    .run((step, rng) -> rng.randn(1).sum())).getMessage();
            assertTrue(msg.startsWith("the loss does not depend on any trainable parameter"), msg);
        }
    }

    @Test
    void manyStepsDoNotGrowNativeMemory() {
        TrainConfig cfg = config("memory", 700).logEvery(100).checkpointEvery(5000).build();
        long[] rss = new long[2];
        long[] tracked = new long[2];
        try (Parameters params = new Parameters(); Rng init = new Rng(cfg.seed());
             TinyMlp model = new TinyMlp(params.weights(init, ParameterInit.standard(0.1)), 16, 128, 1)) {
            new Trainer(cfg, params).log(QUIET).run((step, rng) -> {
                if (step == 200 || step == 699) {
                    int i = step == 200 ? 0 : 1;
                    rss[i] = NativeMemory.residentBytes();
                    tracked[i] = NativeMemory.trackedBytes();
                }
                return model.loss(rng, 128, 16);
            });
        }
        long growth = rss[1] - rss[0];
        System.out.printf("native memory over 500 training steps: RSS %+d KiB, JavaCPP-tracked %+d bytes%n",
                growth / 1024, tracked[1] - tracked[0]);
        // one leaked 128x128 activation per step would be 32 MB; the Java heap's own garbage (about 11 KB a
        // step, landing on young-generation pages touched for the first time) accounts for up to about 6 MB
        assertTrue(growth < 12L << 20, "RSS grew by " + growth + " bytes over 500 steps");
        assertTrue(tracked[1] - tracked[0] <= 0, "JavaCPP-tracked bytes grew by " + (tracked[1] - tracked[0]));
    }

    @Test
    void stepSeedsDependOnlyOnSeedAndStep() {
        assertEquals(Trainer.stepSeed(7, 3) + 1, Trainer.stepSeed(7, 4));
        assertTrue(Math.abs(Trainer.stepSeed(8, 0) - Trainer.stepSeed(7, 0)) > 1_000_000);
    }
}
