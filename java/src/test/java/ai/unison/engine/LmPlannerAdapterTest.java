package ai.unison.engine;

import ai.unison.Unison;
import ai.unison.api.Options;
import ai.unison.api.Plan;
import ai.unison.api.Request;
import ai.unison.api.UnisonException;
import ai.unison.lm.Qwen2Config;
import ai.unison.lm.RandomQwen2;
import ai.unison.runtime.DType;
import ai.unison.train.PlannerTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine opened on a models folder whose only model is a (random) tiny language-model planner. */
class LmPlannerAdapterTest {
    @TempDir
    Path models;

    private void writePlanner() {
        Path dir = models.resolve("planner-tiny");
        PlannerTrainer.writeTokenizer(dir);
        Qwen2Config config = Qwen2Config.of(PlannerTrainer.VOCAB, 32, 64, 1, 4, 2).withTiedEmbeddings(true)
                .withMaxPositions(512);
        RandomQwen2.write(config, dir, DType.FLOAT32, 3, 0.5);
    }

    @Test
    void plansConcurrentRequestsWithTheLanguageModelPlanner() throws Exception {
        writePlanner();
        try (Unison unison = Unison.open(models, Options.defaults())) {
            List<CompletableFuture<Plan>> plans = List.of(
                    CompletableFuture.supplyAsync(() -> unison.plan(Request.of("make a 2 second video of a red circle"))),
                    CompletableFuture.supplyAsync(() -> unison.plan(Request.of("a blue square, 640x480"))),
                    CompletableFuture.supplyAsync(() -> unison.plan(Request.of("what colour is the sky?"))));
            for (CompletableFuture<Plan> f : plans) {
                Plan p;
                try {
                    p = f.join();
                } catch (CompletionException e) {
                    // a random model may produce a plan that does not fit (e.g. an edit without attachments):
                    // that fails the request alone, with the planner's reason
                    assertTrue(e.getCause() instanceof UnisonException || e.getCause() instanceof ai.unison.api.PlanException,
                            String.valueOf(e.getCause()));
                    continue;
                }
                assertNotNull(p.task());
                assertEquals(p.answer(), null, "plan mode carries no answer");
            }
            assertTrue(unison.versions().toString().contains("planner-tiny"), unison.versions().toString());
        }
    }

    @Test
    void aProjectorMustReadThePlannersHiddenWidth() {
        writePlanner();
        ai.unison.diffusion.wan.TinyVaceFolder.write(models.resolve("wan-vace-tiny"), 24);
        UnisonException e = assertThrows(UnisonException.class, () -> Unison.open(models, Options.defaults()).close());
        assertTrue(e.getMessage().contains("reads 24-wide planner states, but the planner"), e.getMessage());
    }

    @Test
    void thePlannerGivesItsLastHiddenStatesOverPromptAndPlan() {
        writePlanner();
        try (ai.unison.plan.LmPlanner p = ai.unison.plan.LmPlanner.open(models.resolve("planner-tiny"), DType.FLOAT32,
                new org.bytedeco.pytorch.Device("cpu"), 1);
             ai.unison.runtime.NativeScope s = ai.unison.runtime.NativeScope.open()) {
            var prepared = ai.unison.plan.RequestText.prepare("a red circle", List.of());
            var h = p.hiddenStates(prepared, "<CFI>");
            long prompt = p.tokenizer().encode(ai.unison.plan.LmPlanner.prompt(prepared.text())).length;
            assertEquals(List.of(1L, prompt + 1, 32L), java.util.Arrays.stream(ai.unison.runtime.Torch.shape(h)).boxed().toList());
            assertEquals(32, p.hiddenSize());
        }
    }

    @Test
    void theEngineRunsGenerationWithThePlannerAndAProjectorExpert() {
        writePlanner();
        ai.unison.diffusion.wan.TinyVaceFolder.write(models.resolve("wan-vace-tiny"), 32);
        try (Unison unison = Unison.open(models, Options.defaults())) {
            assertTrue(unison.versions().toString().contains("projector"), unison.versions().toString());
        }
    }

    @Test
    void missingExpertIsAClearErrorThatListsWhatIsInstalled() {
        writePlanner();
        try (Unison unison = Unison.open(models, Options.defaults())) {
            Request r = Request.of("make a picture of a red circle");
            UnisonException e = assertThrows(UnisonException.class, () -> {
                Plan p = unison.plan(r);
                if (p.task().isUnderstanding()) {
                    throw new UnisonException(UnisonException.Reason.UNROUTABLE, "no expert needed: " + p.task());
                }
                unison.run(r);
            });
            assertTrue(e.getMessage().toLowerCase().contains("expert") || e.reason() == UnisonException.Reason.INVALID,
                    e.getMessage());
        }
    }
}
