package ai.unison.route;

import ai.unison.api.Input;
import ai.unison.api.Plan;
import ai.unison.api.Settings;
import ai.unison.api.Size;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * One generation request as an {@link Expert} sees it: the plan, the attachments' contents (index i
 * is {@code plan.attachments().get(i)}; read them from here, never from the plan's paths, which may
 * be display names), the size asked for and the snapped size to run at, the settings, the seed,
 * the planner's conditioning (may be null), and whether it is still wanted.
 */
public final class Job {
    private final String id;
    private final Plan plan;
    private final List<Input> inputs;
    private final Size requested;
    private final Size executed;
    private final Settings settings;
    private final long seed;
    private final Conditioning conditioning;
    private final BooleanSupplier live;

    public Job(String id, Plan plan, List<Input> inputs, Size requested, Size executed, Settings settings, long seed,
               Conditioning conditioning, BooleanSupplier live) {
        this.id = Objects.requireNonNull(id, "id");
        this.plan = Objects.requireNonNull(plan, "plan");
        this.inputs = List.copyOf(inputs);
        this.requested = Objects.requireNonNull(requested, "requested");
        this.executed = Objects.requireNonNull(executed, "executed");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.seed = seed;
        this.conditioning = conditioning;
        this.live = Objects.requireNonNull(live, "live");
        if (!executed.complete()) {
            throw new IllegalArgumentException("job " + id + " has an incomplete executed size " + executed);
        }
    }

    public String id() {
        return id;
    }

    public Plan plan() {
        return plan;
    }

    public List<Input> inputs() {
        return inputs;
    }

    public Size requested() {
        return requested;
    }

    public Size executed() {
        return executed;
    }

    public Settings settings() {
        return settings;
    }

    public long seed() {
        return seed;
    }

    public Conditioning conditioning() {
        return conditioning;
    }

    /** False once the request was cancelled or timed out. */
    public boolean live() {
        return live.getAsBoolean();
    }

    @Override
    public String toString() {
        return "job " + id + " (" + plan.task() + " " + executed + ", " + settings.steps() + " steps, "
                + settings.scheduler() + ")";
    }
}
