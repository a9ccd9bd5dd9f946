package ai.unison.plan;

import ai.unison.api.Plan;
import ai.unison.lm.CausalLM;
import ai.unison.lm.KVCache;
import ai.unison.lm.Qwen2;
import ai.unison.lm.Qwen2Config;
import ai.unison.lm.RandomQwen2;
import ai.unison.runtime.DType;
import ai.unison.runtime.Torch;
import ai.unison.text.Tokenizer;
import ai.unison.train.PlannerTrainer;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LmPlannerTest {
    @TempDir
    static Path dir;

    private static Tokenizer tokenizer;
    private static final List<Qwen2> MODELS = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        PlannerTrainer.writeTokenizer(dir);
        tokenizer = Tokenizer.load(dir);
    }

    @AfterAll
    static void tearDown() {
        MODELS.forEach(Qwen2::close);
        tokenizer.close();
    }

    private static LmPlanner planner(long seed, int maxNewTokens) {
        Qwen2Config config = Qwen2Config.of(PlannerTrainer.VOCAB, 32, 64, 1, 4, 2).withTiedEmbeddings(true)
                .withMaxPositions(512);
        Qwen2 model = RandomQwen2.create(config, DType.FLOAT32, new Device("cpu"), seed, 0.5);
        MODELS.add(model);
        return new LmPlanner(model, tokenizer, PlanLimits.DEFAULTS, 16, 512, maxNewTokens, false);
    }

    private static List<RequestText.Prepared> requests() {
        List<RequestText.Prepared> list = new ArrayList<>();
        for (PlanningData.Example e : PlanningData.generate(32, 7, null)) {
            list.add(RequestText.prepare(e.request(), e.attachments()));
        }
        return list;
    }

    /** Random logits that favour signal tokens, digits and commas, so that most outputs try to be plans. */
    private static final class NoisyLM implements CausalLM {
        private final Random random;

        NoisyLM(long seed) {
            random = new Random(seed);
        }

        @Override
        public int vocabSize() {
            return PlannerTrainer.VOCAB;
        }

        @Override
        public int maxPositions() {
            return 512;
        }

        @Override
        public KVCache newCache(int slots, int maxLength) {
            return new KVCache(1, slots, maxLength, 1, 1, ScalarType.Float, new Device("cpu"));
        }

        @Override
        public Tensor stepLogits(Tensor inputIds, KVCache.Step step) {
            float[] logits = new float[step.batch() * PlannerTrainer.VOCAB];
            for (int i = 0; i < logits.length; i++) {
                int id = i % PlannerTrainer.VOCAB;
                boolean favoured = id >= 256 + PlannerTrainer.SPECIAL.size() || id >= '0' && id <= '9' || id == ',';
                logits[i] = (float) random.nextGaussian() + (favoured ? 3f : 0f);
            }
            return Torch.fromFloats(logits, step.batch(), PlannerTrainer.VOCAB);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void constrainedDecodingNeverLetsAnInvalidPlanThrough() {
        int plans = 0;
        for (long seed = 1; seed <= 4; seed++) {
            List<RequestText.Prepared> requests = requests();
            LmPlanner planner = seed <= 2 ? new LmPlanner(new NoisyLM(seed), tokenizer, PlanLimits.DEFAULTS, 16, 512, 40, false)
                    : planner(seed, 32);
            List<LmPlanner.Planned> results = planner.plan(requests, true);
            assertEquals(requests.size(), results.size());
            for (int i = 0; i < results.size(); i++) {
                LmPlanner.Planned r = results.get(i);
                if (r.ok()) {
                    Plan again = SignalGrammar.toPlan(r.output(), requests.get(i).attachments(), requests.get(i).prompt());
                    assertEquals(r.plan(), again);
                    plans += r.plan().task().isUnderstanding() ? 0 : 1;
                } else {
                    // only an answer can run past the token limit; a plan always ends in time
                    assertTrue(r.error().contains("cut off"), r.error());
                    assertTrue(SignalGrammar.TOKENS.stream().noneMatch(r.output()::contains), r.output());
                }
            }
        }
        assertTrue(plans > 10, "the noisy models should produce generation plans, got " + plans);
    }

    @Test
    void planModeAlwaysGivesAPlanAndNoAnswer() {
        List<RequestText.Prepared> requests = requests();
        List<LmPlanner.Planned> results = planner(11, 32).plan(requests, false);
        for (LmPlanner.Planned r : results) {
            assertTrue(r.ok(), r.error());
            assertNull(r.plan().answer());
            if (r.plan().task().isUnderstanding()) {
                assertEquals("", r.plan().signal());
            }
        }
    }

    @Test
    void batchedResultsEqualOneAtATime() {
        LmPlanner planner = planner(5, 32);
        List<RequestText.Prepared> requests = requests().subList(0, 3);
        List<LmPlanner.Planned> together = planner.plan(requests, true);
        for (int i = 0; i < requests.size(); i++) {
            assertEquals(together.get(i).output(), planner.plan(List.of(requests.get(i)), true).get(0).output());
        }
    }

    @Test
    void promptIsChatMlWithThePlannerSystemPrompt() {
        assertEquals("<|im_start|>system\nPlan.<|im_end|>\n<|im_start|>user\ndraw <IMGPAD><|im_end|>\n"
                + "<|im_start|>assistant\n", LmPlanner.prompt("draw <IMGPAD>"));
        assertFalse(LmPlanner.prompt("x").contains("helpful"));
    }
}
