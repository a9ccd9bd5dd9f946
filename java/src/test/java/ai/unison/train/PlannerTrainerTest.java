package ai.unison.train;

import ai.unison.lm.Qwen2;
import ai.unison.lm.Qwen2Config;
import ai.unison.plan.PlanningData;
import ai.unison.plan.RequestText;
import ai.unison.plan.LmPlanner;
import ai.unison.plan.SignalGrammar;
import ai.unison.runtime.DType;
import ai.unison.runtime.Torch;
import ai.unison.text.Tokenizer;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlannerTrainerTest {
    @TempDir
    Path dir;

    @Test
    void tokenizerHasBytesSpecialAndSignalTokens() {
        PlannerTrainer.writeTokenizer(dir);
        try (Tokenizer t = Tokenizer.load(dir)) {
            assertEquals(PlannerTrainer.VOCAB, t.size());
            assertEquals(256, t.requireTokenId("<|endoftext|>"));
            assertEquals(256 + PlannerTrainer.SPECIAL.size(), t.requireTokenId(SignalGrammar.TOKENS.get(0)));
            assertArrayEquals(new long[] {'h', 'i', t.requireTokenId("<CFI>")}, t.encode("hi<CFI>"));
        }
    }

    @Test
    void bpeTokenizerKeepsTheAddedIdsAndShortensPrompts() {
        Path bytes = dir.resolve("bytes");
        Path bpe = dir.resolve("bpe");
        assertEquals(PlannerTrainer.VOCAB, PlannerTrainer.writeTokenizer(bytes, 0));
        long t0 = System.nanoTime();
        assertEquals(PlannerTrainer.VOCAB + 746, PlannerTrainer.writeTokenizer(bpe, 746));
        System.out.printf("746 merges learnt and written in %.1f s%n", (System.nanoTime() - t0) / 1e9);
        PlanningData.Example e = PlanningData.generate(1, 5, PlanningData.Split.HELDOUT).get(0);
        String prompt = LmPlanner.prompt(RequestText.prepare(e.request(), e.attachments()).text()) + e.signal();
        try (Tokenizer a = Tokenizer.load(bytes); Tokenizer b = Tokenizer.load(bpe)) {
            for (String token : a.addedTokens().keySet()) {
                assertEquals(a.requireTokenId(token), b.requireTokenId(token), token);
            }
            long[] short_ = b.encode(prompt);
            assertTrue(short_.length * 2 < a.encode(prompt).length, prompt + " -> " + b.tokens(prompt));
            assertEquals(prompt, b.decode(short_, false));
            assertEquals(List.of("<BORES>", "1", "2", "8", "0", ",", "7", "2", "0", "<EORES>"),
                    b.tokens("<BORES>1280,720<EORES>"));
        }
    }

    @Test
    void labelsCoverOnlyTheAssistantTokens() {
        PlannerTrainer.writeTokenizer(dir);
        PlanningData.Example e = PlanningData.generate(1, 3, PlanningData.Split.TRAIN).get(0);
        try (Tokenizer t = Tokenizer.load(dir)) {
            PlannerTrainer.Batch b = PlannerTrainer.batch(t, List.of(e), 512);
            long[] labels = Torch.toLongs(b.labels());
            long[] ids = Torch.toLongs(b.ids());
            int expected = t.encode(PlannerTrainer.target(e) + "<|im_end|>").length;
            assertEquals(expected, b.tokens());
            for (int i = 0; i < ids.length; i++) {
                assertTrue(labels[i] == -100 || labels[i] == ids[i]);
            }
            assertEquals(t.requireTokenId("<|im_end|>"), labels[labels.length - 1]);
        }
    }

    @Test
    void aFewStepsReduceTheLossAndTheExportLoadsBack() throws Exception {
        Qwen2Config config = Qwen2Config.of(PlannerTrainer.VOCAB, 32, 64, 1, 4, 2).withTiedEmbeddings(true)
                .withMaxPositions(512);
        TrainConfig train = TrainConfig.builder(dir.resolve("run")).steps(16).batch(4).lr(1e-2).warmup(1)
                .logEvery(1).threads(1).build();
        Path export = dir.resolve("model");
        TrainResult r = PlannerTrainer.train(train, config, export, DType.BFLOAT16, 16, 8, "test",
                new PrintStream(OutputStream.nullOutputStream()));
        assertTrue(r.finished());
        List<Double> losses = r.recentLosses();
        assertTrue(losses.get(losses.size() - 1) < losses.get(0) - 0.5, losses.toString());
        assertTrue(r.metrics().containsKey("task_accuracy"), r.metrics().toString());
        assertTrue(Files.isRegularFile(export.resolve("MODEL_CARD.md")));
        try (Qwen2 model = Qwen2.load(export, DType.FLOAT32, new Device("cpu")); Tokenizer t = Tokenizer.load(export)) {
            assertEquals(PlannerTrainer.VOCAB, model.vocabSize());
            assertEquals(PlannerTrainer.VOCAB, t.size());
        }
    }
}
