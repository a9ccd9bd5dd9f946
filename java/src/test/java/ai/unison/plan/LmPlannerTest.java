package ai.unison.plan;

import ai.unison.api.Plan;
import ai.unison.lm.Qwen2;
import ai.unison.lm.Qwen2Config;
import ai.unison.lm.RandomQwen2;
import ai.unison.runtime.DType;
import ai.unison.text.Tokenizer;
import ai.unison.train.PlannerTrainer;
import org.bytedeco.pytorch.Device;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        for (PlanningData.Example e : PlanningData.generate(48, 7, null)) {
            list.add(RequestText.prepare(e.request(), e.attachments()));
        }
        return list;
    }

    @Test
    void constrainedDecodingOfRandomModelsYieldsOnlyValidPlansOrAnswerText() {
        int plans = 0;
        for (long seed = 1; seed <= 3; seed++) {
            List<RequestText.Prepared> requests = requests();
            List<LmPlanner.Planned> results = planner(seed, 40).plan(requests, true);
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
        assertTrue(plans > 0, "random models should produce some generation plans");
    }

    @Test
    void planModeAlwaysGivesAPlanAndNoAnswer() {
        List<RequestText.Prepared> requests = requests();
        List<LmPlanner.Planned> results = planner(11, 40).plan(requests, false);
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
        LmPlanner planner = planner(5, 40);
        List<RequestText.Prepared> requests = requests().subList(0, 6);
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
