package ai.unison.engine;

import ai.unison.api.BatchOptions;
import ai.unison.api.BatchSummary;
import ai.unison.api.Listener;
import ai.unison.api.Priority;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchesTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** Completes each request on a pool thread; "fail" in its text fails it. */
    private Function<Request, CompletableFuture<Result>> submitter(AtomicInteger inFlight, AtomicInteger peak,
                                                                   List<Request> seen) {
        return r -> {
            seen.add(r);
            peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            return CompletableFuture.supplyAsync(() -> {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                inFlight.decrementAndGet();
                if (r.text().contains("fail")) {
                    throw new UnisonException(UnisonException.Reason.INVALID, r.id() + " is bad");
                }
                return OutputsTest.answer(r.id());
            }, pool);
        };
    }

    private static List<Request> requests(int n) {
        List<Request> rs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rs.add(Request.of(i % 10 == 3 ? "fail" : "ok").withId("r" + i));
        }
        return rs;
    }

    @Test
    void keepsAtMostConcurrencyInFlightAndReportsEachOnce() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        List<Request> seen = new CopyOnWriteArrayList<>();
        List<Integer> heard = Collections.synchronizedList(new ArrayList<>());
        List<Thread> threads = new CopyOnWriteArrayList<>();
        BatchSummary s = Batches.run(submitter(inFlight, peak, seen), requests(50), new BatchOptions(3, Priority.BATCH),
                new Listener() {
                    @Override
                    public void onResult(int index, Request request, Result result) {
                        heard.add(index);
                        threads.add(Thread.currentThread());
                        assertEquals(request.id(), result.id());
                    }

                    @Override
                    public void onFailure(int index, Request request, UnisonException error) {
                        heard.add(index);
                        threads.add(Thread.currentThread());
                        assertEquals(request.id() + " is bad", error.getMessage());
                    }
                });
        assertTrue(peak.get() <= 3, "peak in flight " + peak.get());
        assertEquals(50, heard.size());
        assertEquals(50, heard.stream().distinct().count());
        assertTrue(threads.stream().allMatch(t -> t == Thread.currentThread()), "listener runs on the caller's thread");
        assertEquals(50, s.submitted());
        assertEquals(45, s.succeeded());
        assertEquals(5, s.failed());
        assertEquals(List.of("r3", "r13", "r23", "r33", "r43"),
                s.failures().stream().sorted((a, b) -> Integer.compare(a.index(), b.index())).map(BatchSummary.Failure::id).toList());
        assertTrue(s.failures().stream().allMatch(f -> f.reason() == UnisonException.Reason.INVALID));
    }

    @Test
    void givesRequestsTheBatchPriorityUnlessTheyHaveTheirOwn() {
        List<Request> seen = new CopyOnWriteArrayList<>();
        List<Request> rs = List.of(Request.of("ok"), Request.of("ok").withPriority(Priority.INTERACTIVE));
        Batches.run(submitter(new AtomicInteger(), new AtomicInteger(), seen), rs, BatchOptions.defaults(), Listener.NONE);
        assertEquals(List.of(Priority.BATCH, Priority.INTERACTIVE), seen.stream().map(Request::priority).toList());
    }

    @Test
    void aThrowingListenerCancelsWhatIsInFlightAndPropagates() throws Exception {
        List<CompletableFuture<Result>> issued = new CopyOnWriteArrayList<>();
        Function<Request, CompletableFuture<Result>> never = r -> {
            CompletableFuture<Result> f = new CompletableFuture<>();
            if (r.id().equals("r0")) {
                f.complete(OutputsTest.answer("r0"));
            }
            issued.add(f);
            return f;
        };
        var e = assertThrows(IllegalStateException.class, () -> Batches.run(never, requests(10),
                new BatchOptions(4, Priority.BATCH), new Listener() {
                    @Override
                    public void onResult(int index, Request request, Result result) {
                        throw new IllegalStateException("disk full");
                    }
                }));
        assertEquals("disk full", e.getMessage());
        assertEquals(4, issued.size());
        assertTrue(issued.subList(1, 4).stream().allMatch(CompletableFuture::isCancelled));
        pool.awaitTermination(0, TimeUnit.MILLISECONDS);
    }
}
