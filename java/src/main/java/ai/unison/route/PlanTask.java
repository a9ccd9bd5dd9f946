package ai.unison.route;

import ai.unison.api.Input;
import ai.unison.plan.RequestText;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * One request handed to the {@link Planner}: the prepared text (placeholders in place of
 * attachments), the attachments' contents in the same order ({@link Input.File} or
 * {@link Input.Pixels}; bytes are spilled to files first), whether an understanding answer is
 * wanted (false for plan-only requests: the planner may stop once it knows the output is no
 * signal), the request's seed, and whether it is still wanted.
 *
 * <p>The planner finishes it with {@link #complete} or {@link #fail}; the first call wins and a
 * later one is ignored (a conditioning passed to an ignored {@code complete} is closed).
 */
public final class PlanTask {
    private final String id;
    private final RequestText.Prepared prepared;
    private final List<Input> inputs;
    private final boolean answer;
    private final long seed;
    private final BooleanSupplier live;
    private final CompletableFuture<PlannerOutput> outcome = new CompletableFuture<>();

    public PlanTask(String id, RequestText.Prepared prepared, List<Input> inputs, boolean answer, long seed,
                    BooleanSupplier live) {
        this.id = Objects.requireNonNull(id, "id");
        this.prepared = Objects.requireNonNull(prepared, "prepared");
        this.inputs = List.copyOf(inputs);
        this.answer = answer;
        this.seed = seed;
        this.live = Objects.requireNonNull(live, "live");
        if (this.inputs.size() != prepared.attachments().size()) {
            throw new IllegalArgumentException("request " + id + " has " + prepared.attachments().size()
                    + " attachments but " + this.inputs.size() + " inputs");
        }
    }

    public String id() {
        return id;
    }

    public RequestText.Prepared prepared() {
        return prepared;
    }

    /** Attachment contents, index-aligned with {@code prepared().attachments()}. */
    public List<Input> inputs() {
        return inputs;
    }

    /** Whether an understanding request wants its full answer. */
    public boolean answer() {
        return answer;
    }

    public long seed() {
        return seed;
    }

    /** False once the request was cancelled or timed out: finish it ({@link #fail}) at the next step. */
    public boolean live() {
        return live.getAsBoolean();
    }

    /** Finishes the task with the planner's text and, for generation, the expert's conditioning. */
    public void complete(String text, Conditioning conditioning) {
        if (!outcome.complete(new PlannerOutput(text, conditioning)) && conditioning != null) {
            conditioning.close();
        }
    }

    public void fail(Throwable error) {
        outcome.completeExceptionally(Objects.requireNonNull(error, "error"));
    }

    public boolean isDone() {
        return outcome.isDone();
    }

    /** The planner's output once finished. */
    public CompletableFuture<PlannerOutput> outcome() {
        return outcome;
    }
}
