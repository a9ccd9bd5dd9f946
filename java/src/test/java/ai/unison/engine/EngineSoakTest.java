package ai.unison.engine;

import ai.unison.Unison;
import ai.unison.api.BatchOptions;
import ai.unison.api.BatchSummary;
import ai.unison.api.Frames;
import ai.unison.api.Listener;
import ai.unison.api.Options;
import ai.unison.api.Priority;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.Size;
import ai.unison.api.UnisonException;
import ai.unison.route.Conditioning;
import ai.unison.route.Job;
import ai.unison.route.PlanTask;
import ai.unison.runtime.NativeMemory;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pushes {@code -Dunison.soak.requests} (default 10,000) tiny mixed requests through the public API
 * with models that allocate libtorch tensors (planner conditionings, expert noise and frames), and
 * checks that every request got exactly one result and native memory stays flat. Not part of the
 * default run: {@code mvn -pl java test -Dtest=EngineSoakTest -Dunison.soak=true}.
 */
@EnabledIfSystemProperty(named = "unison.soak", matches = "true")
class EngineSoakTest {

    /** Hidden states of one request: a native tensor owned by this object. */
    private static final class TensorConditioning implements Conditioning {
        final Tensor hidden;
        final AtomicInteger closed;

        TensorConditioning(long seed, AtomicInteger closed) {
            try (Rng rng = new Rng(seed)) {
                this.hidden = NativeScope.own(rng.randn(1, 8, 32));
            }
            this.closed = closed;
        }

        @Override
        public void close() {
            hidden.close();
            closed.incrementAndGet();
        }
    }

    /**
     * Resident bytes after a full collection, which hands the Java heap's free regions back: what is
     * left to grow is native memory and live objects.
     */
    private static long settledResident() {
        System.gc();
        return NativeMemory.residentBytes();
    }

    private static long heapUsed() {
        return Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
    }

    @Test
    void tenThousandRequestsLoseNothingDuplicateNothingAndLeakNoNativeMemory() {
        int n = Integer.getInteger("unison.soak.requests", 10_000);
        Torch.load();
        AtomicInteger made = new AtomicInteger();
        AtomicInteger closes = new AtomicInteger();
        FakePlanner planner = new FakePlanner() {
            @Override
            protected Conditioning conditioning(PlanTask t) {
                made.incrementAndGet();
                return new TensorConditioning(t.seed(), closes);
            }
        };
        planner.record = false;
        planner.slots = 16;
        planner.stepsPerTask = 1;
        FakeExpert expert = new FakeExpert() {
            @Override
            protected Frames frames(Job j) {
                Size s = j.executed();
                try (NativeScope step = NativeScope.open(); Rng rng = new Rng(j.seed())) {
                    Tensor noise = rng.randn(s.frames(), s.height(), s.width(), 3);
                    Tensor pixels = noise.mul(Torch.scalar(0)).add(Torch.scalar(j.seed() & 0xff)).to(torch.ScalarType.Byte);
                    return Frames.of(s.frames(), s.height(), s.width(), 3, Torch.toBytes(pixels));
                }
            }
        };
        expert.record = false;
        expert.maxBatch = 8;
        String[] kinds = {"what is red?", "an image, 64x64", "a video, 9 frames", "an image"};
        List<Request> requests = new AbstractList<>() {
            @Override
            public Request get(int i) {
                return Request.builder(kinds[i % kinds.length]).id("s" + i).seed(i).build();
            }

            @Override
            public int size() {
                return n;
            }
        };
        int[] results = new int[n];
        List<String> samples = new ArrayList<>();
        long[] tracked = new long[2];
        long[] resident = new long[2];
        long[] heap = new long[2];
        Options options = Options.builder().queueCapacity(64).build();
        BatchSummary summary;
        try (Unison unison = Unison.open(planner, List.of(expert), options)) {
            summary = unison.runBatch(requests, new BatchOptions(32, Priority.BATCH), new Listener() {
                int done;

                @Override
                public void onResult(int index, Request request, Result result) {
                    results[Integer.parseInt(result.id().substring(1))]++;
                    assertEquals("s" + index, result.id());
                    if (result.frames() != null) {
                        assertEquals(index & 0xff, result.frames().get(0, 0, 0, 0));
                    }
                    sample();
                }

                @Override
                public void onFailure(int index, Request request, UnisonException error) {
                    throw error;
                }

                private void sample() {
                    done++;
                    if (done == n / 5) {
                        tracked[0] = NativeMemory.trackedBytes();
                        resident[0] = settledResident();
                        heap[0] = heapUsed();
                    }
                    if (done % (n / 10) == 0) {
                        samples.add(String.format(Locale.ROOT, 
                                "%6d done: after gc, resident %,d KiB, heap used %,d KiB; JavaCPP-tracked %,d B", done, settledResident() >> 10, heapUsed() >> 10, NativeMemory.trackedBytes()));
                    }
                }
            });
            tracked[1] = NativeMemory.trackedBytes();
            resident[1] = settledResident();
            heap[1] = heapUsed();
        }
        samples.forEach(System.out::println);
        System.out.printf(Locale.ROOT, "soak: %d requests in %.1f s (%.0f/s)%n", n, summary.elapsed().toMillis() / 1000.0,
                summary.itemsPerSecond());
        assertEquals(n, summary.succeeded());
        for (int i = 0; i < n; i++) {
            assertEquals(1, results[i], "result count of s" + i);
        }
        assertEquals(made.get(), closes.get(), "every conditioning was closed");
        assertTrue(tracked[1] - tracked[0] < 1 << 20, "tracked native bytes grew from " + tracked[0] + " to " + tracked[1]);
        assertTrue(resident[1] - resident[0] < 64L << 20, "resident memory after gc grew from " + resident[0] + " to " + resident[1]);
        assertTrue(heap[1] - heap[0] < 16L << 20, "live heap grew from " + heap[0] + " to " + heap[1]);
    }
}
