package ai.unison.engine;

import ai.unison.api.Options;
import ai.unison.api.Priority;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException.Reason;
import ai.unison.route.Job;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

import static ai.unison.engine.Harness.failure;
import static ai.unison.engine.Harness.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EngineConcurrencyTest {

    private static final String[] KINDS = {"an image", "an image, 64x64", "a video, 9 frames", "what is red?"};

    @Test
    void manyThreadsSubmittingGetTheirOwnResultsExactlyOnce() throws Exception {
        int threads = 8;
        int each = 25;
        Map<String, CompletableFuture<Result>> futures = new ConcurrentHashMap<>();
        try (Harness h = new Harness()) {
            h.holdExpert();
            List<Thread> workers = new ArrayList<>();
            CountDownLatch go = new CountDownLatch(1);
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(new Thread(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        return;
                    }
                    for (int i = 0; i < each; i++) {
                        int n = thread * each + i;
                        String id = "t" + thread + "-" + i;
                        futures.put(id, h.engine.submit(Request.builder(KINDS[n % KINDS.length]).id(id).seed(n).build()));
                    }
                }));
            }
            workers.forEach(Thread::start);
            go.countDown();
            for (Thread w : workers) {
                w.join();
            }
            h.release();
            int generated = 0;
            for (Map.Entry<String, CompletableFuture<Result>> e : futures.entrySet()) {
                Result r = get(e.getValue());
                assertEquals(e.getKey(), r.id());
                if (r.frames() != null) {
                    generated++;
                    assertEquals(r.seed() & 0xff, r.frames().get(0, 0, 0, 0), "frames of another request in " + r.id());
                }
            }
            assertEquals(threads * each, futures.size());
            List<String> ran = new ArrayList<>();
            for (List<Job> batch : h.expert.batches.subList(1, h.expert.batches.size())) {
                Set<Object> keys = new HashSet<>();
                for (Job j : batch) {
                    ran.add(j.id());
                    keys.add(h.expert.batchKey(j));
                }
                assertEquals(1, keys.size(), "a batch mixes keys: " + keys);
            }
            assertEquals(generated, ran.size(), "every generation ran once");
            assertEquals(generated, new HashSet<>(ran).size(), "no generation ran twice");
            assertTrue(h.expert.batchSizes().stream().anyMatch(s -> s > 1), "waiting jobs were batched");
            assertTrue(h.planner.maxActive.get() <= h.planner.slots);
        }
    }

    @Test
    void plannerAdmitsNewcomersWhileLongerRequestsAreStillDecoding() {
        FakePlanner p = new FakePlanner();
        p.slots = 2;
        try (Harness h = new Harness(p, new FakeExpert(), Options.defaults())) {
            p.gate = new CountDownLatch(1);
            var slow = h.submit("long answer steps=8?");
            var a = h.submit("short one?");
            var b = h.submit("short two?");
            List<String> finished = new java.util.concurrent.CopyOnWriteArrayList<>();
            slow.thenRun(() -> finished.add("slow"));
            a.thenRun(() -> finished.add("a"));
            b.thenRun(() -> finished.add("b"));
            p.gate.countDown();
            get(slow);
            get(a);
            get(b);
            assertEquals(List.of("a", "b", "slow"), finished, "b took a's slot while slow was still decoding");
            assertEquals(2, p.maxActive.get());
        }
    }

    @Test
    void interactiveRequestsArePlannedBeforeBatchWork() {
        FakePlanner p = new FakePlanner();
        p.slots = 1;
        try (Harness h = new Harness(p, new FakeExpert(), Options.defaults())) {
            p.gate = new CountDownLatch(1);
            var first = h.engine.submit(Request.of("first?").withId("first").withPriority(Priority.BATCH));
            Harness.poll(() -> p.admitted.size() == 1, "the first request is admitted");
            var b1 = h.engine.submit(Request.of("b1?").withId("b1").withPriority(Priority.BATCH));
            var b2 = h.engine.submit(Request.of("b2?").withId("b2").withPriority(Priority.BATCH));
            var i1 = h.engine.submit(Request.of("i1?").withId("i1"));
            p.gate.countDown();
            for (var f : List.of(first, b1, b2, i1)) {
                get(f);
            }
            assertEquals(List.of("first", "i1", "b1", "b2"), p.admitted);
        }
    }

    @Test
    void interactiveJobsAreBatchedBeforeBatchWorkOnTheExpert() {
        FakeExpert e = new FakeExpert();
        e.maxBatch = 2;
        try (Harness h = new Harness(new FakePlanner(), e, Options.defaults())) {
            var held = h.holdExpert();
            List<CompletableFuture<Result>> all = new ArrayList<>();
            for (String id : List.of("b1", "b2", "b3")) {
                all.add(h.engine.submit(Request.of("an image").withId(id).withPriority(Priority.BATCH)));
            }
            for (String id : List.of("i1", "i2")) {
                all.add(h.engine.submit(Request.of("an image").withId(id)));
            }
            h.settle();
            h.release();
            get(held);
            all.forEach(Harness::get);
            List<List<String>> order = e.batches.subList(1, e.batches.size()).stream()
                    .map(b -> b.stream().map(Job::id).toList()).toList();
            assertEquals(List.of(List.of("i1", "i2"), List.of("b1", "b2"), List.of("b3")), order);
        }
    }

    @Test
    void failFastRejectsBeyondTheQueueCapacityPerPriority() {
        Options o = Options.builder().queueCapacity(2).backpressure(Options.Backpressure.FAIL_FAST).build();
        try (Harness h = new Harness(o)) {
            h.planner.gate = new CountDownLatch(1);
            var a = h.submit("one?");
            var b = h.submit("two?");
            var rejected = h.submit("three?");
            var batch = h.engine.submit(Request.of("batch work?").withPriority(Priority.BATCH));
            assertTrue(rejected.isDone(), "fails at once");
            var e = failure(rejected, Reason.REJECTED);
            assertTrue(e.getMessage().contains("2 interactive requests are in flight (Options.queueCapacity)"), e.getMessage());
            h.planner.gate.countDown();
            get(a);
            get(b);
            get(batch);
            assertEquals("answer: four?", get(h.submit("four?")).answer(), "room again once requests finish");
        }
    }

    @Test
    void blockingSubmitWaitsForRoom() throws Exception {
        Options o = Options.builder().queueCapacity(1).build();
        try (Harness h = new Harness(o)) {
            h.planner.gate = new CountDownLatch(1);
            var first = h.submit("first?");
            AtomicBoolean firstDoneBeforeSecondAccepted = new AtomicBoolean();
            CompletableFuture<CompletableFuture<Result>> second = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                var f = h.submit("second?");
                firstDoneBeforeSecondAccepted.set(first.isDone());
                second.complete(f);
            });
            t.start();
            Harness.poll(() -> t.getState() == Thread.State.WAITING, "the second submit blocks");
            assertFalse(second.isDone());
            h.planner.gate.countDown();
            assertEquals("answer: second?", get(second.get()).answer());
            assertTrue(firstDoneBeforeSecondAccepted.get());
        }
    }

    @Test
    void callbacksChainedOnResultsNeverRunOnAModelThread() throws Exception {
        try (Harness h = new Harness()) {
            CountDownLatch release = new CountDownLatch(1);
            List<Thread> callbackThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
            h.planner.gate = new CountDownLatch(1);
            var first = h.submit("an image");
            var blocked = first.thenRun(() -> {
                callbackThreads.add(Thread.currentThread());
                try {
                    release.await(10, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            h.planner.gate.countDown();
            Harness.poll(() -> !callbackThreads.isEmpty(), "the callback runs");
            h.submit("an image, 64x64");
            Harness.poll(() -> h.expert.batches.size() == 2, "the expert goes on while a callback blocks");
            release.countDown();
            blocked.get();
            assertFalse(h.expert.threads.contains(callbackThreads.get(0)));
            assertFalse(h.planner.threads.contains(callbackThreads.get(0)));
        }
    }
}
