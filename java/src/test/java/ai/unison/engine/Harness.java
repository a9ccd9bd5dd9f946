package ai.unison.engine;

import ai.unison.api.Options;
import ai.unison.api.Priority;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** An engine over fakes, and the waiting that tests of it need. */
final class Harness implements AutoCloseable {
    final FakePlanner planner;
    final FakeExpert expert;
    final Engine engine;

    Harness(FakePlanner planner, FakeExpert expert, Options options) {
        this.planner = planner;
        this.expert = expert;
        this.engine = new Engine(planner, expert == null ? List.of() : List.of(expert), options);
    }

    Harness() {
        this(new FakePlanner(), new FakeExpert(), Options.defaults());
    }

    Harness(Options options) {
        this(new FakePlanner(), new FakeExpert(), options);
    }

    CompletableFuture<Result> submit(String text) {
        return engine.submit(Request.of(text));
    }

    static Result get(CompletableFuture<Result> f) {
        try {
            return f.get(10, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new AssertionError("no result within 10 s", e);
        }
    }

    static UnisonException failure(CompletableFuture<Result> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof UnisonException, "expected a UnisonException, got " + e.getCause());
        return (UnisonException) e.getCause();
    }

    static UnisonException failure(CompletableFuture<Result> f, UnisonException.Reason reason) {
        UnisonException e = failure(f);
        assertEquals(reason, e.reason(), e.getMessage());
        return e;
    }

    /** Starts a one-job batch and holds the expert inside it until {@link #release()}. */
    CompletableFuture<Result> holdExpert() {
        expert.gate = new CountDownLatch(1);
        expert.started = new CountDownLatch(1);
        CompletableFuture<Result> f = submit("a picture to hold the expert");
        try {
            assertTrue(expert.started.await(10, TimeUnit.SECONDS), "the expert never started");
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        return f;
    }

    void release() {
        expert.gate.countDown();
    }

    /**
     * Waits until everything submitted so far has left the planner: a later, lowest-priority
     * request is handed on after them by the one planner thread.
     */
    void settle() {
        get(engine.submit(Request.of("settle?").withPriority(Priority.BATCH)));
    }

    static void poll(BooleanSupplier condition, String what) {
        long end = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                fail("timed out waiting until " + what);
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        engine.close();
    }
}
