package ai.unison.route;

import ai.unison.api.Input;
import ai.unison.api.Overrides;
import ai.unison.api.Plan;
import ai.unison.api.Size;
import ai.unison.api.Task;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The registry of generation experts by task, and the routing of a generation plan to one of them
 * with its requested and executed size and settings. Understanding plans are answered by the
 * planner and never routed. Immutable once built.
 */
public final class Router {
    private final List<Expert> experts;
    private final Map<Task, Expert> byTask = new EnumMap<>(Task.class);

    /** Registers each expert for its tasks; two experts claiming one task is an error. */
    public Router(Collection<? extends Expert> experts) {
        this.experts = List.copyOf(experts);
        for (Expert e : this.experts) {
            for (Task t : e.tasks()) {
                if (t.isUnderstanding()) {
                    throw new IllegalArgumentException("expert '" + e.name() + "' claims " + t
                            + ", an understanding task; the planner answers those");
                }
                Expert other = byTask.putIfAbsent(t, e);
                if (other != null) {
                    throw new IllegalArgumentException("task " + t + " is served by both '" + other.name() + "' and '"
                            + e.name() + "'; register one expert per task");
                }
            }
        }
    }

    public List<Expert> experts() {
        return experts;
    }

    public Optional<Expert> expertFor(Task task) {
        return Optional.ofNullable(byTask.get(task));
    }

    /**
     * The route of a generation plan: its expert, the size asked for ({@code overrides}' size and
     * frames where set, else the plan's; images ask for 1 frame), the size the expert will run at,
     * and the settings (overrides, else the expert's defaults).
     *
     * @throws RouteException naming the task and the installed experts when none serves it
     */
    public Route route(Plan plan, Overrides overrides) {
        return route(plan, overrides, List.of());
    }

    /** {@link #route(Plan, Overrides)} with the attachments' contents, which the expert may size its output after. */
    public Route route(Plan plan, Overrides overrides, List<Input> inputs) {
        Task task = plan.task();
        if (task.isUnderstanding()) {
            throw new IllegalArgumentException(task + " is answered by the planner, not routed to an expert");
        }
        Expert expert = byTask.get(task);
        if (expert == null) {
            throw new RouteException("no expert serves " + task + "; installed: " + installed());
        }
        boolean video = task.output() == Task.Modality.VIDEO;
        Size requested = new Size(
                overrides.width() != null ? overrides.width() : plan.width(),
                overrides.width() != null ? overrides.height() : plan.height(),
                video ? (overrides.frames() != null ? overrides.frames() : plan.frames()) : Integer.valueOf(1));
        Size executed = inputs.isEmpty() ? expert.snap(plan, requested) : expert.snap(plan, requested, inputs);
        if (executed == null || !executed.complete() || (!video && executed.frames() != 1)) {
            throw new IllegalStateException("expert '" + expert.name() + "' snapped " + requested + " for " + task
                    + " to " + executed + "; it must set width, height and frames (1 for images)");
        }
        return new Route(expert, requested, executed, overrides.settings(expert.defaults()));
    }

    /** The installed experts and their tasks, for error messages: {@code wan-vace (text_to_image, ...)}. */
    public String installed() {
        if (experts.isEmpty()) {
            return "none (no generation expert is loaded)";
        }
        List<String> parts = new ArrayList<>();
        for (Expert e : experts) {
            parts.add(e.name() + " (" + e.tasks().stream().sorted().map(Task::wireName).collect(Collectors.joining(", ")) + ")");
        }
        return String.join("; ", parts);
    }
}
