package ai.unison.train;

import ai.unison.api.Frames;
import ai.unison.api.Plan;
import ai.unison.diffusion.schedulers.Schedulers;
import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.diffusion.wan.VaceInputs;
import ai.unison.diffusion.wan.WanModelFolder;
import ai.unison.diffusion.wan.WanTransformerConfig;
import ai.unison.diffusion.wan.WanVACETransformer3DModel;
import ai.unison.diffusion.wan.ZeroLatentCache;
import ai.unison.io.Json;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.text.Tokenizer;
import ai.unison.text.UMT5Config;
import ai.unison.text.UMT5EncoderModel;
import ai.unison.world.DataGenerator;
import ai.unison.world.Example;
import ai.unison.world.Media;
import ai.unison.world.WorldTask;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GeneratorTrainerTest {
    static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    static final UMT5Config TEXT = new UMT5Config(GeneratorTrainer.TEXT_VOCAB, 16, 8, 32, 1, 2, 8, 32, 1e-6,
            "gated-gelu", "gelu_new");
    static final WanTransformerConfig TRANSFORMER = GeneratorTrainer.transformerConfig(4, 16, 2, 12, 2, 48);
    static final GeneratorTrainer.Options OPTIONS = new GeneratorTrainer.Options(32, List.of(1), 2, 1, 24, 3.0, 0.1,
            64, 0, 0.0);

    @TempDir
    static Path shared;
    static Path vaeDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void microVae() {
        vaeDir = shared.resolve("vae");
        AutoencoderKLWan.writeRandom(VaeTrainer.config(4, 4, 1), vaeDir, 7);
    }

    private TrainConfig.Builder config(String name, int steps) {
        return TrainConfig.builder(dir.resolve(name)).steps(steps).batch(4).lr(1e-2).warmup(1).logEvery(1)
                .checkpointEvery(100).threads(1).seed(5);
    }

    @Test
    void objectWeightsAreOneOnTheBackgroundAndLargestOnTheObject() {
        try (NativeScope scope = NativeScope.open()) {
            // [1, 2, 1, 4, 4]: background latent (0.5, -1) everywhere, one position far from it, one half as far
            float[] v = new float[32];
            for (int i = 0; i < 16; i++) {
                v[i] = 0.5f;
                v[16 + i] = -1f;
            }
            v[5] = 0.5f + 4f;
            v[10] = 0.5f + 2f;
            Tensor w = WorldTensors.objectWeights(Torch.fromFloats(v, 1, 2, 1, 4, 4), 3.0);
            assertArrayEquals(new long[]{1, 1, 1, 4, 4}, Torch.shape(w));
            float[] got = Torch.toFloats(w);
            assertEquals(4.0, got[5], 1e-5);
            assertEquals(2.5, got[10], 1e-5);
            assertEquals(1.0, got[0], 1e-5);
            assertEquals(1.0, got[15], 1e-5);
        }
    }

    @Test
    void cachedControlLatentsEqualVaceInputsOnEveryTask() {
        DataGenerator data = new DataGenerator(32, 32, List.of(1));
        try (AutoencoderKLWan vae = AutoencoderKLWan.load(vaeDir, DType.FLOAT32, new Device("cpu"));
             ZeroLatentCache zeros = new ZeroLatentCache(vae, 4)) {
            for (int round = 0; round < 2; round++) {
                for (WorldTask t : GeneratorTrainer.TASKS) {
                    Example e = data.example(t, 11 + round);
                    Plan plan = GeneratorTrainer.plan(e);
                    List<Frames> pixels = new ArrayList<>();
                    for (Media m : e.query().attachments()) {
                        pixels.add(GeneratorTrainer.frames(m));
                    }
                    try (NativeScope scope = NativeScope.open();
                         VaceInputs in = VaceInputs.forTask(plan, pixels, GeneratorTrainer.executed(plan, e))) {
                        Tensor expected = in.controlLatents(vae);
                        Tensor actual = in.controlLatents(vae, zeros);
                        assertArrayEquals(Torch.shape(expected), Torch.shape(actual), t.name());
                        assertArrayEquals(Torch.toFloats(expected), Torch.toFloats(actual), t.name());
                    }
                }
            }
        }
    }

    @Test
    void poolItemsHaveReferenceFramesInFrontAndPromptIds() {
        DataGenerator data = new DataGenerator(32, 32, List.of(1));
        GeneratorTrainer.writeTokenizer(dir.resolve("tok"));
        try (AutoencoderKLWan vae = AutoencoderKLWan.load(vaeDir, DType.FLOAT32, new Device("cpu"));
             Tokenizer tok = Tokenizer.load(dir.resolve("tok"))) {
            GeneratorTrainer.Item ref = GeneratorTrainer.prepare(data.example(WorldTask.VIDEO_REFERENCE, 3), vae, tok, 24);
            assertEquals(1, ref.refs());
            assertEquals(1 + 7, ref.frames());
            assertEquals(4 * 2 + 64, ref.control().size(1));
            // the reference frame of x0 is the reference latent of the control's inactive channels
            assertArrayEquals(Torch.toFloats(ref.control().narrow(1, 0, 4).narrow(2, 0, 1)),
                    Torch.toFloats(ref.x0().narrow(2, 0, 1)));
            assertTrue(ref.mask()[0] == 1 && ref.ids()[0] == ref.prompt().getBytes()[0]);
            GeneratorTrainer.Item image = GeneratorTrainer.prepare(data.example(WorldTask.TEXT_TO_IMAGE, 3), vae, tok, 24);
            assertEquals(0, image.refs());
            assertEquals(1, image.frames());
        }
    }

    @Test
    void poolSizesTaskWeightsAndEvalStylePromptsShapeThePool() {
        GeneratorTrainer.Options o = new GeneratorTrainer.Options(32, List.of(1), 1, 1, 24, 3.0, 0.1, 64, 0, 0.0,
                Map.of(WorldTask.TEXT_TO_IMAGE, 6), Map.of(WorldTask.TEXT_TO_IMAGE, 50.0), 0.5);
        assertEquals(6, o.poolSize(WorldTask.TEXT_TO_IMAGE));
        assertEquals(1, o.poolSize(WorldTask.IMAGE_EDIT));
        assertEquals(1.0, o.taskWeight(WorldTask.VIDEO_EDIT));
        assertThrows(IllegalArgumentException.class, () -> new GeneratorTrainer.Options(32, List.of(1), 1, 1, 24, 3.0,
                0.1, 64, 0, 0.0, Map.of(WorldTask.TEXT_UNDERSTANDING, 3), Map.of(), 0));
        assertThrows(IllegalArgumentException.class, () -> new GeneratorTrainer.Options(32, List.of(1), 1, 1, 24, 3.0,
                0.1, 64, 0, 0.0, Map.of(), Map.of(WorldTask.TEXT_TO_IMAGE, 0.0), 0));
        assertThrows(IllegalArgumentException.class, () -> new GeneratorTrainer.Options(32, List.of(1), 1, 1, 24, 3.0,
                0.1, 64, 0, 0.0, Map.of(), Map.of(), 1.5));
        GeneratorTrainer.writeTokenizer(dir.resolve("tok"));
        try (AutoencoderKLWan vae = AutoencoderKLWan.load(vaeDir, DType.FLOAT32, new Device("cpu"));
             Tokenizer tok = Tokenizer.load(dir.resolve("tok"));
             GeneratorTrainer.Pool pool = GeneratorTrainer.pool(dir.resolve("pool.safetensors"),
                     new DataGenerator(32, 32, List.of(1)), o, 11, vae, tok, QUIET)) {
            List<String> prompts = pool.items.stream().filter(it -> it.task() == WorldTask.TEXT_TO_IMAGE)
                    .map(GeneratorTrainer.Item::prompt).toList();
            assertEquals(6, prompts.size());
            assertEquals(6 + 3 + 5, pool.items.size());
            // the first half are ShapesEval's short prompts ("a 32x32 image of a circle", ...), the rest whole captions
            assertTrue(prompts.subList(0, 3).stream().allMatch(p -> p.startsWith("a 32x32 image of ")), prompts.toString());
            int t2i = 0;
            java.util.SplittableRandom r = new java.util.SplittableRandom(3);
            for (int i = 0; i < 200; i++) {
                t2i += GeneratorTrainer.batch(pool, r, 2, 64, 16, o).get(0).task() == WorldTask.TEXT_TO_IMAGE ? 1 : 0;
            }
            // weight 50 against eight tasks of weight 1: about 86% of the batches
            assertTrue(t2i > 150 && t2i < 195, "text_to_image batches: " + t2i);
        }
    }

    @Test
    void trainingReducesTheLossAndExportsALoadablePipelineFolder() throws Exception {
        Path export = dir.resolve("model");
        Path vaeWithRecord = dir.resolve("vae-recorded");
        Files.createDirectories(vaeWithRecord);
        for (String f : List.of("config.json", "diffusion_pytorch_model.safetensors")) {
            Files.copy(vaeDir.resolve(f), vaeWithRecord.resolve(f));
        }
        Files.writeString(vaeWithRecord.resolve(VaeTrainer.TRAINING_RECORD), "{\"command\": \"./unison train vae --fine\","
                + " \"steps\": 5, \"config\": {\"latent_noise\": 0.6}, \"base\": {\"command\": \"./unison train vae --first\","
                + " \"steps\": 9}}");
        TrainResult r = GeneratorTrainer.train(config("run", 30).build(), TEXT, TRANSFORMER, OPTIONS, vaeWithRecord, export,
                DType.BFLOAT16, 30, "test", QUIET);
        assertTrue(r.finished());
        List<String> l = TrainRuns.losses(dir.resolve("run"));
        double first = (Double.parseDouble(l.get(0)) + Double.parseDouble(l.get(1)) + Double.parseDouble(l.get(2))) / 3;
        double last = r.meanRecentLoss();
        assertTrue(last < first, "first " + first + ", last " + last);
        assertTrue(r.metrics().containsKey("heldout_loss"));
        for (String m : List.of("heldout_t2i_loss", "heldout_t2i_loss_empty_prompt", "heldout_t2i_loss_other_prompt")) {
            assertTrue(r.metrics().containsKey(m), m + " in " + r.metrics().keySet());
        }
        WanModelFolder folder = WanModelFolder.of(export);
        try (WanVACETransformer3DModel t = folder.vaceTransformer(DType.FLOAT32, new Device("cpu"));
             UMT5EncoderModel text = folder.textEncoder(DType.FLOAT32, new Device("cpu"));
             AutoencoderKLWan vae = folder.vae(DType.FLOAT32, new Device("cpu"));
             Tokenizer tok = Tokenizer.load(folder.tokenizer())) {
            assertEquals(List.of(0, 1), t.config().vaceLayers());
            assertEquals(16, text.config().dModel());
            assertEquals(4, vae.config().zDim());
            assertEquals(GeneratorTrainer.TEXT_VOCAB, tok.size());
        }
        Schedulers.fromConfig(folder.schedulerConfig());
        assertEquals("WanVACEPipeline", Json.readTree(export.resolve("model_index.json")).get("_class_name").asText());
        assertEquals(24, Json.readTree(export.resolve("unison.json")).get("max_sequence_length").asInt());
        String card = Files.readString(export.resolve("MODEL_CARD.md"));
        assertTrue(card.contains("VAE: trained first with `./unison train vae --first` for 9 steps")
                && card.contains("decoder alone was fine-tuned with `./unison train vae --fine` for 5 steps")
                && card.contains("σ uniform up to 0.6"), card);
    }

    @Test
    void resumingGivesTheUninterruptedRunBitForBit() {
        GeneratorTrainer.train(config("straight", 6).build(), TEXT, TRANSFORMER, OPTIONS, vaeDir, null, DType.FLOAT32,
                100, "test", QUIET);
        TrainResult cut = GeneratorTrainer.train(config("cut", 6).budget(Duration.ofMillis(1)).build(), TEXT,
                TRANSFORMER, OPTIONS, vaeDir, null, DType.FLOAT32, 100, "test", QUIET);
        assertFalse(cut.finished());
        GeneratorTrainer.train(config("cut", 6).resume(true).build(), TEXT, TRANSFORMER, OPTIONS, vaeDir, null,
                DType.FLOAT32, 100, "test", QUIET);
        Map<String, float[]> a = TrainRuns.finalParameters(dir.resolve("straight"));
        Map<String, float[]> b = TrainRuns.finalParameters(dir.resolve("cut"));
        assertEquals(a.keySet(), b.keySet());
        a.forEach((n, v) -> assertArrayEquals(v, b.get(n), n));
        assertEquals(TrainRuns.losses(dir.resolve("straight")), TrainRuns.losses(dir.resolve("cut")));
    }

    @Test
    void bpeTokenizerMakesWorldWordsSingleTokensAndWarmStartKeepsMatchingTensors() throws Exception {
        Path run = dir.resolve("bpe");
        int vocab = GeneratorTrainer.runTokenizer(run, 200);
        assertTrue(vocab > GeneratorTrainer.TEXT_VOCAB && vocab <= GeneratorTrainer.TEXT_VOCAB + 200, "vocab " + vocab);
        try (Tokenizer t = Tokenizer.load(run.resolve("tokenizer"))) {
            // " red", " circle" and " triangle" are among the corpus' most frequent words: one token each
            for (String w : List.of(" red", " circle", " triangle")) {
                assertEquals(1, t.encode(w, false).length, w);
            }
            assertEquals("an image of a red circle", t.decode(t.encode("an image of a red circle", false), true));
        }
        assertEquals(vocab, GeneratorTrainer.runTokenizer(run, 0), "a run keeps the tokenizer it has");

        Path export = dir.resolve("byte-model");
        GeneratorTrainer.train(config("byte", 2).build(), TEXT, TRANSFORMER, OPTIONS, vaeDir, export, DType.FLOAT32,
                100, "test", QUIET);
        UMT5Config bpeText = new UMT5Config(vocab, 16, 8, 32, 1, 2, 8, 32, 1e-6, "gated-gelu", "gelu_new");
        var log = new java.io.ByteArrayOutputStream();
        TrainResult r = GeneratorTrainer.train(config("bpe", 1).build(), bpeText, TRANSFORMER, OPTIONS, vaeDir, export,
                dir.resolve("bpe-model"), DType.FLOAT32, 100, "test", new PrintStream(log, true));
        assertTrue(r.finished());
        assertTrue(log.toString().contains("kept fresh [text_encoder.shared.weight]"), log.toString());
        try (Tokenizer tok = Tokenizer.load(dir.resolve("bpe-model/tokenizer"))) {
            assertEquals(vocab, tok.size(), "the export carries the run's tokenizer");
        }
        assertThrows(IllegalArgumentException.class, () -> GeneratorTrainer.train(config("bpe", 1).build(), TEXT,
                TRANSFORMER, OPTIONS, vaeDir, null, DType.FLOAT32, 100, "test", QUIET), "vocabulary mismatch");
    }

    @Test
    void aFourTimesVaeGetsFourByFourPatchesAndAMismatchIsNamed() {
        WanTransformerConfig t4 = GeneratorTrainer.transformerConfig(4, 4, 16, 2, 12, 2, 48);
        assertEquals(List.of(1, 4, 4), t4.patchSize());
        assertEquals(2 * 4 + 16, t4.vaceInChannels());
        assertEquals(List.of(1, 2, 2), TRANSFORMER.patchSize());
        assertEquals(2 * 4 + 64, TRANSFORMER.vaceInChannels());
        Path vae4 = dir.resolve("vae4");
        AutoencoderKLWan.writeRandom(VaeTrainer.config(4, 4, 1, 4), vae4, 7);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GeneratorTrainer.train(
                config("mismatch", 1).build(), TEXT, TRANSFORMER, OPTIONS, vae4, null, DType.FLOAT32, 100, "test", QUIET));
        assertTrue(e.getMessage().contains("vace_in_channels 24"), e.getMessage());
        TrainResult r = GeneratorTrainer.train(config("four", 2).build(), TEXT, t4, OPTIONS, vae4, null, DType.FLOAT32,
                100, "test", QUIET);
        assertTrue(r.finished());
        // smaller patches on the same VAE: 2x2 latent pixels a token, the VACE channels unchanged
        WanTransformerConfig t2 = GeneratorTrainer.transformerConfig(4, 4, 2, 16, 2, 12, 2, 48);
        assertEquals(List.of(1, 2, 2), t2.patchSize());
        assertEquals(2 * 4 + 16, t2.vaceInChannels());
        assertTrue(GeneratorTrainer.train(config("four-p2", 2).build(), TEXT, t2, OPTIONS, vae4, null, DType.FLOAT32,
                100, "test", QUIET).finished());
        assertThrows(IllegalArgumentException.class, () -> GeneratorTrainer.transformerConfig(4, 4, 0, 16, 2, 12, 2, 48));
    }
}
