package ai.unison.train;

import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.diffusion.wan.AutoencoderKLWanConfig;
import ai.unison.runtime.DType;
import ai.unison.runtime.Torch;
import ai.unison.world.DataGenerator;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaeTrainerTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    /** A micro VAE on a 32×32 world: base_dim 4, z_dim 4. */
    static final AutoencoderKLWanConfig MICRO = VaeTrainer.config(4, 4, 1);
    static final VaeTrainer.Options OPTIONS = new VaeTrainer.Options(32, 0.5, 16, 1, 1e-4, 8.0, 0.0);

    @TempDir
    Path dir;

    private TrainConfig.Builder config(String name, int steps) {
        return TrainConfig.builder(dir.resolve(name)).steps(steps).batch(2).lr(1e-2).warmup(1).logEvery(1)
                .checkpointEvery(100).threads(1).seed(3);
    }

    @Test
    void batchesAreDeterministicImagesAndClipWindows() {
        DataGenerator data = new DataGenerator(32, 32, List.of(1));
        float[] a = Torch.toFloats(VaeTrainer.imageBatch(data, new SplittableRandom(5), 3));
        assertArrayEquals(a, Torch.toFloats(VaeTrainer.imageBatch(data, new SplittableRandom(5), 3)));
        assertArrayEquals(new long[]{3, 3, 1, 32, 32}, Torch.shape(VaeTrainer.imageBatch(data, new SplittableRandom(5), 3)));
        long[] clip = Torch.shape(VaeTrainer.clipWindow(data, new SplittableRandom(6), OPTIONS));
        assertEquals(5, clip[2]);
        assertEquals(16, clip[3]);
        for (float v : a) {
            assertTrue(v >= -1 && v <= 1);
        }
    }

    @Test
    void trainingReducesTheLossExportsStatisticsAndLoadsBack() {
        Path export = dir.resolve("vae");
        TrainResult r = VaeTrainer.train(config("run", 24).build(), MICRO, OPTIONS, export, DType.FLOAT32, 24, "test",
                QUIET);
        assertTrue(r.finished());
        List<String> l = TrainRuns.losses(dir.resolve("run"));
        double first = Double.parseDouble(l.get(0)) + Double.parseDouble(l.get(1));
        double last = Double.parseDouble(l.get(l.size() - 1)) + Double.parseDouble(l.get(l.size() - 2));
        assertTrue(last < first, l.toString());
        assertTrue(r.metrics().get("psnr_image") > 5, r.metrics().toString());
        AutoencoderKLWanConfig c = AutoencoderKLWanConfig.read(export.resolve("config.json"));
        assertEquals(4, c.zDim());
        assertFalse(c.latentsStd().contains(1.0), "measured latents_std: " + c.latentsStd());
        assertTrue(Files.isRegularFile(export.resolve(VaeTrainer.TRAINING_RECORD)));
        com.fasterxml.jackson.databind.JsonNode record = ai.unison.io.Json.readTree(export.resolve(VaeTrainer.TRAINING_RECORD));
        double ceiling = record.path("shapes_ceiling").path("overall").asDouble(-1);
        assertTrue(ceiling >= 0 && ceiling <= 1, record.toString());
        assertEquals(VaeCeiling.CATEGORIES.size() + 1, record.path("shapes_ceiling").size());
        try (AutoencoderKLWan vae = AutoencoderKLWan.load(export, DType.FLOAT32, new Device("cpu"))) {
            assertEquals(4, vae.config().baseDim());
        }
    }

    @Test
    void decoderFineTuneKeepsTheEncoderAndItsStatisticsAndTrainsTheDecoder() throws Exception {
        Path first = dir.resolve("vae");
        Files.createDirectories(first);
        AutoencoderKLWanConfig withStats = VaeTrainer.withStats(MICRO, List.of(0.1, -0.2, 0.0, 0.3),
                List.of(0.5, 1.5, 1.0, 0.8));
        try (Parameters p = new Parameters(); ai.unison.runtime.Rng rng = new ai.unison.runtime.Rng(1);
             AutoencoderKLWan vae = new AutoencoderKLWan(p.weights(rng, VaeTrainer.init()), withStats)) {
            p.save(first.resolve("diffusion_pytorch_model.safetensors"), DType.FLOAT32, Map.of());
            Files.writeString(first.resolve("config.json"), VaeTrainer.configJson(withStats));
        }
        Files.writeString(first.resolve(VaeTrainer.TRAINING_RECORD), "{\"command\": \"./unison train vae --first\"}");
        Path second = dir.resolve("vae2");
        VaeTrainer.Options noisy = new VaeTrainer.Options(32, 0.5, 16, 1, 1e-4, 8.0, 0.5);
        TrainResult r = VaeTrainer.fineTuneDecoder(config("decoder", 4).build(), first, noisy, second, DType.FLOAT32, 100,
                "test", QUIET);
        assertTrue(r.finished());
        com.fasterxml.jackson.databind.JsonNode record = ai.unison.io.Json.readTree(second.resolve(VaeTrainer.TRAINING_RECORD));
        assertEquals("./unison train vae --first", record.path("base").path("command").asText(), "lineage kept");
        assertEquals(0.5, record.path("config").path("latent_noise").asDouble());
        assertEquals(ai.unison.io.Json.readTree(first.resolve("config.json")),
                ai.unison.io.Json.readTree(second.resolve("config.json")), "latents_mean/std kept exactly");
        try (Parameters a = Parameters.load(first.resolve("diffusion_pytorch_model.safetensors"));
             Parameters b = Parameters.load(second.resolve("diffusion_pytorch_model.safetensors"))) {
            assertEquals(a.names(), b.names());
            boolean decoderMoved = false;
            for (String n : a.names()) {
                boolean same = java.util.Arrays.equals(Torch.toFloats(a.get(n)), Torch.toFloats(b.get(n)));
                if (VaeTrainer.encoderSide(n)) {
                    assertTrue(same, n + " is the encoder's and must not change");
                } else {
                    decoderMoved |= !same;
                }
            }
            assertTrue(decoderMoved, "the decoder was trained");
        }
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> VaeTrainer.train(
                config("bad", 1).build(), MICRO, noisy, null, DType.FLOAT32, 100, "test", QUIET));
        org.junit.jupiter.api.Assertions.assertThrows(ai.unison.io.ConfigException.class, () -> VaeTrainer.fineTuneDecoder(
                config("bad2", 1).build(), dir.resolve("nowhere"), noisy, null, DType.FLOAT32, 100, "test", QUIET));
    }

    @Test
    void noisyReconstructionIsSeededAndDiffersFromTheCleanOne() {
        AutoencoderKLWanConfig withStats = VaeTrainer.withStats(MICRO, List.of(0.0, 0.0, 0.0, 0.0),
                List.of(1.0, 1.0, 1.0, 1.0));
        ai.unison.world.Media image = new DataGenerator(32, 32, List.of(1))
                .example(ai.unison.world.WorldTask.TEXT_TO_IMAGE, 4).target();
        try (Parameters p = new Parameters(); ai.unison.runtime.Rng init = new ai.unison.runtime.Rng(1);
             AutoencoderKLWan vae = new AutoencoderKLWan(p.weights(init, VaeTrainer.init()), withStats);
             ai.unison.runtime.Rng a = new ai.unison.runtime.Rng(9); ai.unison.runtime.Rng b = new ai.unison.runtime.Rng(9)) {
            ai.unison.world.Frame clean = ((ai.unison.world.Media.Image) VaeCeiling.reconstruct(vae, image)).frame();
            ai.unison.world.Frame n1 = ((ai.unison.world.Media.Image) VaeCeiling.reconstruct(vae, image, 2.0, a)).frame();
            ai.unison.world.Frame n2 = ((ai.unison.world.Media.Image) VaeCeiling.reconstruct(vae, image, 2.0, b)).frame();
            assertEquals(n1, n2, "same seed, same noisy decode");
            assertFalse(clean.equals(n1), "noise changes the decode");
        }
    }

    @Test
    void resumingGivesTheUninterruptedRunBitForBit() {
        VaeTrainer.train(config("straight", 6).build(), MICRO, OPTIONS, null, DType.FLOAT32, 100, "test", QUIET);
        TrainResult cut = VaeTrainer.train(config("cut", 6).budget(Duration.ofMillis(1)).build(), MICRO, OPTIONS, null,
                DType.FLOAT32, 100, "test", QUIET);
        assertFalse(cut.finished());
        VaeTrainer.train(config("cut", 6).resume(true).build(), MICRO, OPTIONS, null, DType.FLOAT32, 100, "test", QUIET);
        Map<String, float[]> a = TrainRuns.finalParameters(dir.resolve("straight"));
        Map<String, float[]> b = TrainRuns.finalParameters(dir.resolve("cut"));
        assertEquals(a.keySet(), b.keySet());
        a.forEach((n, v) -> assertArrayEquals(v, b.get(n), n));
        assertEquals(TrainRuns.losses(dir.resolve("straight")), TrainRuns.losses(dir.resolve("cut")));
    }

    @Test
    void spatialFactorFourDropsOneLevelAndKeepsTimeCompressedFourTimes() {
        AutoencoderKLWanConfig c = VaeTrainer.config(4, 4, 1, 4);
        assertEquals(4, c.spatialFactor());
        assertEquals(4, c.temporalFactor());
        assertEquals(List.of(1, 2, 4), c.dimMult());
        assertEquals(8, VaeTrainer.config(4, 4, 1).spatialFactor());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> VaeTrainer.config(4, 4, 1, 2));
        Path folder = dir.resolve("vae4");
        AutoencoderKLWan.writeRandom(c, folder, 3);
        DataGenerator data = new DataGenerator(32, 32, List.of(1));
        try (AutoencoderKLWan vae = AutoencoderKLWan.load(folder, DType.FLOAT32, new Device("cpu"))) {
            ai.unison.world.Media image = data.example(ai.unison.world.WorldTask.TEXT_TO_IMAGE, 1).target();
            ai.unison.world.Media back = VaeCeiling.reconstruct(vae, image);
            assertTrue(back instanceof ai.unison.world.Media.Image);
            assertEquals(32, WorldTensors.frames(back).get(0).width());
            ai.unison.world.Media clip = data.example(ai.unison.world.WorldTask.TEXT_TO_VIDEO, 2).target();
            assertEquals(WorldTensors.frames(clip).size(), WorldTensors.frames(VaeCeiling.reconstruct(vae, clip)).size());
            try (ai.unison.runtime.NativeScope scope = ai.unison.runtime.NativeScope.open();
                 org.bytedeco.pytorch.NoGradGuard g = new org.bytedeco.pytorch.NoGradGuard()) {
                long[] z = Torch.shape(vae.encode(WorldTensors.video(WorldTensors.frames(clip))).mean());
                assertArrayEquals(new long[]{1, 4, 7, 8, 8}, z, "25 frames of 32×32 → 7 latent frames of 8×8");
            }
        }
    }
}
