package ai.unison.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.unison.lm.Qwen2Config;
import ai.unison.lm.RandomQwen2;
import ai.unison.plan.LmPlanner;
import ai.unison.runtime.DType;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import ai.unison.vision.Qwen2VLImageProcessor;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VlPlannerTrainerTest {
    @Test
    void minPixelsComesFromTheOptionElseTheInitModelElseQwensDefault(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("planner");
        RandomQwen2.write(Qwen2Config.of(PlannerTrainer.VOCAB, 32, 64, 1, 4, 2).withTiedEmbeddings(true)
                .withMaxPositions(512), text, DType.FLOAT32, 3, 0.1);
        assertEquals(3136, VlPlannerTrainer.minPixels(text, 0));
        assertEquals(50176, VlPlannerTrainer.minPixels(text, 50176));

        Path vl = dir.resolve("vl");
        VlPlannerTrainer.writeConfig(text.resolve("config.json"), vl, 50176);
        assertEquals(50176, VlPlannerTrainer.minPixels(vl, 0), "a continued VL planner keeps its input resolution");
        assertEquals(3136, VlPlannerTrainer.minPixels(vl, 3136));
        // the world's 128x128 images: 140x140 (10x10 patches) by default, 224x224 (16x16) upscaled
        assertEquals(224, Qwen2VLImageProcessor.load(vl).smartResize(128, 128)[0]);
        VlPlannerTrainer.writeConfig(text.resolve("config.json"), vl, VlPlannerTrainer.DEFAULT_MIN_PIXELS);
        assertEquals(140, Qwen2VLImageProcessor.load(vl).smartResize(128, 128)[0]);
    }

    @Test
    void theVisionTowerIsTheRequestedOneElseTheInitModelsElseTheDefault(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("planner");
        RandomQwen2.write(Qwen2Config.of(PlannerTrainer.VOCAB, 32, 64, 1, 4, 2).withTiedEmbeddings(true)
                .withMaxPositions(512), text, DType.FLOAT32, 3, 0.1);
        assertEquals(VlPlannerTrainer.Tower.DEFAULT, VlPlannerTrainer.Tower.of(text, null));
        Path vl = dir.resolve("vl");
        VlPlannerTrainer.writeConfig(text.resolve("config.json"), vl, 3136, new VlPlannerTrainer.Tower(4, 144));
        assertEquals(new VlPlannerTrainer.Tower(4, 144), VlPlannerTrainer.Tower.of(vl, null), "a continued planner keeps its tower");
        com.fasterxml.jackson.databind.JsonNode v = ai.unison.io.Json.readTree(vl.resolve("config.json")).path("vision_config");
        assertEquals(3, v.path("num_heads").asInt());
        assertEquals(288, v.path("intermediate_size").asInt());
        assertEquals("[1,3]", v.path("fullatt_block_indexes").toString());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> new VlPlannerTrainer.Tower(2, 100));
    }

    @Test
    void turnsATextPlannerIntoAVisionPlannerThatLoadsAndSeesImages(@TempDir Path dir) {
        Path text = dir.resolve("planner");
        RandomQwen2.write(Qwen2Config.of(PlannerTrainer.VOCAB, 32, 64, 1, 4, 2).withTiedEmbeddings(true)
                .withMaxPositions(512), text, DType.FLOAT32, 3, 0.1);
        PlannerTrainer.writeTokenizer(text);
        TrainConfig config = TrainConfig.builder(dir.resolve("run")).steps(2).batch(3).lr(1e-3).threads(1).build();
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        TrainResult r = VlPlannerTrainer.train(config, text, 1, dir.resolve("vl"), DType.FLOAT32, 2, 8, "test",
                new PrintStream(log));
        assertTrue(r.finished());
        assertTrue(log.toString().contains("understanding"), log.toString());
        assertTrue(Files.isRegularFile(dir.resolve("vl/preprocessor_config.json")));
        try (LmPlanner p = LmPlanner.open(dir.resolve("vl"), DType.FLOAT32, new Device("cpu"), 1)) {
            assertTrue(p.seesImages());
            assertEquals(32, p.hiddenSize());
        }
    }

    @Test
    void aDenseHeadTrainsBesideTheAnswersOnTheDecoderOrTheTowerAndIsNotExported(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("planner");
        RandomQwen2.write(Qwen2Config.of(PlannerTrainer.VOCAB, 32, 64, 2, 4, 2).withTiedEmbeddings(true)
                .withMaxPositions(512), text, DType.FLOAT32, 3, 0.1);
        PlannerTrainer.writeTokenizer(text);
        for (Integer layer : new Integer[]{null, VlPlannerTrainer.DenseHead.TOWER}) {
            Path run = dir.resolve("run" + layer);
            Path vl = dir.resolve("vl" + layer);
            TrainConfig config = TrainConfig.builder(run).steps(2).batch(3).lr(1e-3).threads(1).build();
            TrainResult r = VlPlannerTrainer.train(config, text, new VlPlannerTrainer.Mix(2, 1, 0), 0, null, 0.5, layer, null, vl, DType.FLOAT32, 2, 8,
                    "test", new PrintStream(new ByteArrayOutputStream()));
            assertTrue(r.finished());
            assertTrue(r.metrics().containsKey("dense_shape") && r.metrics().containsKey("dense_cell"), r.metrics().toString());
            String card = Files.readString(vl.resolve("MODEL_CARD.md"));
            assertTrue(card.contains(layer == null ? "entering layer 1" : "the vision tower's merged tokens"), card);
            try (ai.unison.io.Checkpoint saved = ai.unison.io.Checkpoint.open(vl.resolve("model.safetensors"))) {
                assertTrue(saved.names().stream().noneMatch(n -> n.startsWith(VlPlannerTrainer.DENSE_PREFIX)),
                        saved.names().toString());
                assertTrue(saved.names().stream().anyMatch(n -> n.startsWith("visual.")), saved.names().toString());
            }
        }
        TrainConfig config = TrainConfig.builder(dir.resolve("bad")).steps(1).batch(2).threads(1).build();
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> VlPlannerTrainer.train(config, text, new VlPlannerTrainer.Mix(2, 0, 0), 0, null, 0.5, 3, null, dir.resolve("x"), DType.FLOAT32, 2, 8,
                        "test", new PrintStream(new ByteArrayOutputStream())));
        assertTrue(e.getMessage().contains("got 3"), e.getMessage());
    }
}
