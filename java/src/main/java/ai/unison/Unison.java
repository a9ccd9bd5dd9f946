package ai.unison;

import ai.unison.api.BatchOptions;
import ai.unison.api.BatchSummary;
import ai.unison.api.Listener;
import ai.unison.api.Options;
import ai.unison.api.Plan;
import ai.unison.api.Request;
import ai.unison.api.Result;
import ai.unison.api.UnisonException;
import ai.unison.engine.Batches;
import ai.unison.engine.Engine;
import ai.unison.engine.ModelDirectory;
import ai.unison.route.Expert;
import ai.unison.route.Planner;
import ai.unison.runtime.Torch;

import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Unified multimodal understanding and generation: a planner reads each {@link Request} and
 * decides its task; understanding is answered by the planner, generation runs on an expert.
 *
 * <pre>{@code
 * try (Unison unison = Unison.open(Path.of("models"), Options.defaults())) {
 *     Result r = unison.run(Request.of("a red circle sliding to the right, 2 seconds"));
 *     r.frames();                 // 49 frames at the executed size
 * }
 * }</pre>
 *
 * <p>Thread-safe: any number of threads may call {@link #run}, {@link #submit} and
 * {@link #runBatch} at once; the engine owns the models and batches their work. Failures are
 * {@link UnisonException}s with a {@link UnisonException.Reason}; a failing request fails alone.
 */
public final class Unison implements AutoCloseable {
    private final Engine engine;

    private Unison(Engine engine) {
        this.engine = engine;
    }

    /**
     * Loads the planner and the generation experts found in {@code modelsDir}.
     *
     * @throws UnisonException ({@code MISSING_MODEL}) naming what the folder lacks
     */
    public static Unison open(Path modelsDir, Options options) {
        Torch.load(); // before any other libtorch class: it settles the OpenMP wait policy first
        ModelDirectory.Loaded models = ModelDirectory.load(modelsDir, options);
        return new Unison(new Engine(models.planner(), models.experts(), options));
    }

    /** An engine over models already loaded (or stand-ins); it owns and closes them. */
    public static Unison open(Planner planner, Collection<? extends Expert> experts, Options options) {
        return new Unison(new Engine(planner, experts, options));
    }

    /** The plan for a request, without running it (understanding plans carry no answer). */
    public Plan plan(Request request) {
        return Engine.await(engine.submitPlan(request)).plan();
    }

    /** Plans and runs a request, waiting for its result. */
    public Result run(Request request) {
        return Engine.await(engine.submit(request));
    }

    /**
     * Queues a request and returns at once (or, with {@code Backpressure.BLOCK}, once there is room).
     * Cancelling the future stops the request at the next step of the model working on it.
     */
    public CompletableFuture<Result> submit(Request request) {
        return engine.submit(request);
    }

    /**
     * Runs many requests with at most {@code options.concurrency()} in flight, telling the listener
     * about each as it finishes, and returns the counts, failures and throughput.
     */
    public BatchSummary runBatch(Iterable<Request> requests, BatchOptions options, Listener listener) {
        return Batches.run(engine::submit, requests, options, listener);
    }

    /** Model versions by name: {@code planner} and each expert. */
    public Map<String, String> versions() {
        return engine.versions();
    }

    /** Fails requests still in flight ({@code CLOSED}) and closes the models. */
    @Override
    public void close() {
        engine.close();
    }
}
