package ai.unison.engine;

import ai.unison.api.Options;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.Task;
import ai.unison.api.UnisonException.Reason;
import ai.unison.route.Job;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

import static ai.unison.engine.Harness.failure;
import static ai.unison.engine.Harness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineFailureTest {

    /** Submits while the expert is held, so that the requests form one batch once it is released. */
    private static List<CompletableFuture<Result>> oneBatch(Harness h, String... texts) {
        var held = h.holdExpert();
        List<CompletableFuture<Result>> fs = new ArrayList<>();
        for (int i = 0; i < texts.length; i++) {
            fs.add(h.engine.submit(Request.of(texts[i]).withId("j" + i)));
        }
        h.settle();
        h.release();
        get(held);
        return fs;
    }

    @Test
    void timeoutFailsTheRequestAndStopsTheExpertBetweenSteps() {
        try (Harness h = new Harness()) {
            h.expert.stepMillis = 10;
            var f = h.engine.submit(Request.builder("an image").steps(200).timeout(Duration.ofMillis(150)).build());
            var e = failure(f, Reason.TIMEOUT);
            assertTrue(e.getMessage().matches("request r-\\d+ timed out after 150 ms while denoising \\(step \\d+/200\\)"),
                    e.getMessage());
            Harness.poll(() -> h.expert.stoppedEarly.get() == 1, "the expert stops at the next step");
            Harness.poll(() -> h.planner.conditionings.get(0).closes.get() == 1, "the conditioning is closed once");
        }
    }

    @Test
    void timeoutWhileQueuedNeverReachesTheExpert() {
        try (Harness h = new Harness()) {
            h.planner.gate = new java.util.concurrent.CountDownLatch(1);
            var f = h.engine.submit(Request.builder("an image").timeout(Duration.ofMillis(50)).build());
            var e = failure(f, Reason.TIMEOUT);
            assertTrue(e.getMessage().contains("while planning") || e.getMessage().contains("waiting to be planned"),
                    e.getMessage());
            h.planner.gate.countDown();
            get(h.submit("an image"));
            assertEquals(1, h.expert.batches.size());
        }
    }

    @Test
    void cancellingOneJobLetsTheRestOfItsBatchFinish() {
        try (Harness h = new Harness()) {
            Map<String, CompletableFuture<Result>> byId = new ConcurrentHashMap<>();
            h.expert.onStep = (jobs, step) -> {
                if (step == 2 && jobs.size() == 2) {
                    byId.get("j0").cancel(true);
                }
            };
            var held = h.holdExpert();
            var x = h.engine.submit(Request.of("an image").withId("j0"));
            var y = h.engine.submit(Request.of("an image").withId("j1"));
            byId.put("j0", x);
            h.settle();
            h.release();
            get(held);
            assertThrows(CancellationException.class, () -> x.get(10, TimeUnit.SECONDS));
            assertEquals("j1", get(y).id());
            assertEquals(0, h.expert.stoppedEarly.get());
            Harness.poll(() -> h.planner.conditionings.stream().allMatch(c -> c.closes.get() == 1),
                    "every conditioning is closed exactly once");
        }
    }

    @Test
    void cancellingTheOnlyJobStopsTheBatchBetweenSteps() {
        try (Harness h = new Harness()) {
            CompletableFuture<CompletableFuture<Result>> self = new CompletableFuture<>();
            h.expert.onStep = (jobs, step) -> {
                if (step == 2) {
                    self.join().cancel(true);
                }
            };
            var f = h.engine.submit(Request.builder("an image").steps(50).build());
            self.complete(f);
            assertThrows(CancellationException.class, () -> f.get(10, TimeUnit.SECONDS));
            Harness.poll(() -> h.expert.stoppedEarly.get() == 1, "the expert stops at step 2");
        }
    }

    @Test
    void aJobThatFailsInsideABatchFailsAlone() {
        try (Harness h = new Harness()) {
            var fs = oneBatch(h, "an image", "an image that will explode", "an image");
            var e = failure(fs.get(1), Reason.FAILED);
            assertEquals("expert 'fake-wan' failed on request j1 (text_to_image 32×32×1): mask attachment has 4 channels",
                    e.getMessage());
            get(fs.get(0));
            get(fs.get(2));
            assertEquals(List.of(1, 3), h.expert.batchSizes());
        }
    }

    @Test
    void aBatchThatThrowsIsSplitUntilOnlyTheCulpritFails() {
        try (Harness h = new Harness()) {
            var fs = oneBatch(h, "an image", "an image", "an image", "a poison image");
            assertTrue(failure(fs.get(3), Reason.FAILED).getMessage().endsWith("the batch produced NaNs"));
            for (int i = 0; i < 3; i++) {
                assertEquals("j" + i, get(fs.get(i)).id());
            }
            assertEquals(List.of(1, 4, 2, 2, 1, 1), h.expert.batchSizes());
        }
    }

    @Test
    void outOfMemoryRetriesInHalvesAndRemembersTheSmallerSize() {
        try (Harness h = new Harness()) {
            h.expert.oomAbove = 2;
            var fs = oneBatch(h, "an image", "an image", "an image", "an image", "an image", "an image", "an image",
                    "an image");
            fs.forEach(Harness::get);
            assertEquals(List.of(1, 8, 4, 2, 2, 4, 2, 2), h.expert.batchSizes());
            var more = oneBatch(h, "an image", "an image", "an image", "an image");
            more.forEach(Harness::get);
            assertEquals(List.of(2, 2), h.expert.batchSizes().subList(9, 11), "the learned size caps later batches");
        }
    }

    @Test
    void aRequestThatDoesNotFitAloneFailsWithOutOfMemory() {
        try (Harness h = new Harness()) {
            var fs = oneBatch(h, "an image", "a huge image");
            var e = failure(fs.get(1), Reason.OUT_OF_MEMORY);
            assertTrue(e.getMessage().startsWith("request j1 (text_to_image 32×32×1) does not fit in memory on expert 'fake-wan' even alone: CUDA out of memory"),
                    e.getMessage());
            get(fs.get(0));
        }
    }

    @Test
    void theMemoryBudgetCapsBatchSizes() {
        // one 32×32 image job is estimated at 2·32·32 = 2048 bytes
        try (Harness h = new Harness(Options.builder().memoryBudget(3 * 2048 + 100).build())) {
            var fs = oneBatch(h, "an image", "an image", "an image", "an image", "an image", "an image", "an image");
            fs.forEach(Harness::get);
            assertEquals(List.of(1, 3, 3, 1), h.expert.batchSizes());
        }
    }

    @Test
    void aPlannerFailureFailsOnlyItsRequest() {
        try (Harness h = new Harness()) {
            h.planner.gate = new java.util.concurrent.CountDownLatch(1);
            var bad = h.submit("planner-fail: what is this?");
            var good = h.submit("an image");
            h.planner.gate.countDown();
            var e = failure(bad, Reason.FAILED);
            assertTrue(e.getMessage().startsWith("planner failed on request r-1: cannot read attachment 0"), e.getMessage());
            assertEquals(Task.TEXT_TO_IMAGE, get(good).plan().task());
        }
    }

    @Test
    void aThrowingPlannerStepFailsItsBatchButNotLaterRequests() {
        try (Harness h = new Harness()) {
            var e = failure(h.submit("planner-throw?"), Reason.FAILED);
            assertTrue(e.getMessage().contains("the planner's forward failed"), e.getMessage());
            assertEquals("answer: after?", get(h.submit("after?")).answer());
        }
    }

    @Test
    void everyConditioningIsClosedExactlyOnceWhateverHappens() {
        try (Harness h = new Harness()) {
            var fs = oneBatch(h, "an image", "an image that will explode", "a poison image");
            failure(fs.get(1));
            failure(fs.get(2));
            get(fs.get(0));
            get(h.engine.submitPlan(Request.of("a video")));
            CompletableFuture<CompletableFuture<Result>> holder = new CompletableFuture<>();
            h.expert.onStep = (jobs, step) -> holder.join().cancel(true);
            var cancelled = h.engine.submit(Request.builder("an image").steps(500).build());
            holder.complete(cancelled);
            assertThrows(CancellationException.class, () -> cancelled.get(10, TimeUnit.SECONDS));
            Harness.poll(() -> h.planner.conditionings.size() == 6
                    && h.planner.conditionings.stream().allMatch(c -> c.closes.get() == 1), "all six are closed once");
        }
    }

    @Test
    void jobsSeeTheirLivenessFlipWhenCancelled() {
        try (Harness h = new Harness()) {
            List<Boolean> liveness = new java.util.concurrent.CopyOnWriteArrayList<>();
            CompletableFuture<CompletableFuture<Result>> self = new CompletableFuture<>();
            h.expert.onStep = (jobs, step) -> {
                Job j = jobs.get(0);
                liveness.add(j.live());
                if (step == 1) {
                    self.join().cancel(false);
                }
            };
            var f = h.engine.submit(Request.builder("an image").steps(5).build());
            self.complete(f);
            Harness.poll(() -> h.expert.stoppedEarly.get() == 1, "the batch stops");
            assertEquals(List.of(true), liveness.subList(0, 1));
        }
    }
}
