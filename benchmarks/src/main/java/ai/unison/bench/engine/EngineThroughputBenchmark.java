package ai.unison.bench.engine;

import ai.unison.Unison;
import ai.unison.api.BatchOptions;
import ai.unison.api.BatchSummary;
import ai.unison.api.Listener;
import ai.unison.api.Options;
import ai.unison.api.Priority;
import ai.unison.api.Request;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Requests per second for batches of 64 mixed requests (a third answered by the planner, a third
 * text-to-image, a third text-to-video) with 1, 4 and 16 in flight. Target: 16 in flight gives at
 * least 4× the throughput of 1.
 *
 * <p>{@code -p models=tiny} runs the tiny models in the checkout's {@code models/} (or
 * {@code -Dunison.models=DIR}); until they exist, the default {@code models=simulated} runs
 * stand-ins with GPU-like costs (a fixed latency per forward plus a little per row) that only wait,
 * which measures the engine's batching and overheads, not model speed.
 *
 * <pre>{@code java -jar benchmarks/target/unison-benchmarks-0.1.0-SNAPSHOT.jar 'engine.EngineThroughput' [-p models=tiny]}</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(EngineThroughputBenchmark.BATCH)
@Warmup(iterations = 2, time = 5)
@Measurement(iterations = 3, time = 10)
@Fork(1)
public class EngineThroughputBenchmark {
    static final int BATCH = 64;
    static final int TINY_STEPS = 10;

    @Param({"1", "4", "16"})
    public int concurrency;

    @Param({"simulated"})
    public String models;

    /** libtorch intra-op threads (1: on a shared machine a 2-thread OpenMP region waits for the busy core). */
    @Param({"1"})
    public int threads;

    private Unison unison;
    private List<Request> requests;

    @Setup(Level.Trial)
    public void open() {
        Torch.load(); // first, so that it sets the OpenMP wait policy before libtorch loads
        Threads.set(threads);
        Options options = Options.builder().seed(0L).build();
        unison = switch (models) {
            case "simulated" -> Unison.open(new SimulatedPlanner(16), List.of(new SimulatedExpert()), options);
            case "tiny" -> Unison.open(modelsDir(), options);
            default -> throw new IllegalArgumentException("models must be simulated or tiny, got " + models);
        };
        boolean simulated = models.equals("simulated");
        requests = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            requests.add(simulated ? simulatedRequest(i) : tinyRequest(i));
        }
    }

    /** The stand-ins read the task from a prefix and the size from the text. */
    private static Request simulatedRequest(int i) {
        String text = switch (i % 3) {
            case 0 -> "how many circles are in a picture with three circles and a square?";
            case 1 -> "image: a red circle on a gray background, 64x64";
            default -> "video: a blue square sliding to the right, 64x64, 17 frames";
        };
        return Request.builder(text).seed(i).build();
    }

    /**
     * Requests the shipped tiny planner routes right (a question, a text-to-image and a text-to-video
     * request), with size, frames and steps pinned by per-request overrides (64×64, 17 frames,
     * {@value #TINY_STEPS} steps): the tiny planner reads explicit sizes unreliably, and this benchmark
     * measures the engine's batching, not the planner's reading.
     */
    private static Request tinyRequest(int i) {
        return switch (i % 3) {
            case 0 -> Request.builder("what shape has three sides?").seed(i).build();
            case 1 -> Request.builder("a red circle on a gray background").seed(i).size(64, 64).steps(TINY_STEPS)
                    .build();
            default -> Request.builder("a video of a blue square moving right").seed(i).size(64, 64).frames(17)
                    .steps(TINY_STEPS).build();
        };
    }

    @TearDown(Level.Trial)
    public void close() {
        unison.close();
    }

    @Benchmark
    public int mixedBatch() {
        BatchSummary s = unison.runBatch(requests, new BatchOptions(concurrency, Priority.BATCH), Listener.NONE);
        if (s.failed() > 0) {
            throw new IllegalStateException(s.failed() + " requests failed, first: " + s.failures().get(0).message());
        }
        return s.succeeded();
    }

    private static Path modelsDir() {
        String p = System.getProperty("unison.models");
        if (p != null) {
            return Path.of(p);
        }
        for (Path c = Path.of("").toAbsolutePath(); c != null; c = c.getParent()) {
            if (Files.isDirectory(c.resolve("models")) && Files.isRegularFile(c.resolve("unison"))) {
                return c.resolve("models");
            }
        }
        throw new IllegalStateException("models/ of the checkout not found; pass -Dunison.models=DIR");
    }
}
