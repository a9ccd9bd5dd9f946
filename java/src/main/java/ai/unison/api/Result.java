package ai.unison.api;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a request produced. Understanding requests carry the answer in {@code plan.answer()} and no
 * frames; generation requests carry {@code frames} (one for an image, {@code executed.frames()}
 * for a video at {@code plan.fps()}), the size they asked for ({@code requested}: override, else
 * plan; null fields were not stated) and the size the expert ran at ({@code executed}: snapped to
 * what it accepts), its {@link Settings}, and the seed. A plan-only result ({@code Unison.plan})
 * has only the plan. {@code versions} maps each model used ({@code planner}, the expert's name) to
 * its version.
 */
public record Result(String id, Plan plan, Frames frames, Size requested, Size executed, Settings settings,
                     long seed, Timings timings, Map<String, String> versions, List<String> notes) {

    public Result {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(plan, "plan");
        Objects.requireNonNull(timings, "timings");
        versions = Map.copyOf(versions);
        notes = List.copyOf(notes);
    }

    /** A result without notes. */
    public Result(String id, Plan plan, Frames frames, Size requested, Size executed, Settings settings,
                  long seed, Timings timings, Map<String, String> versions) {
        this(id, plan, frames, requested, executed, settings, seed, timings, versions, List.of());
    }

    /** The understanding answer, or null for generation. */
    public String answer() {
        return plan.answer();
    }

    public boolean isImage() {
        return frames != null && plan.task().output() == Task.Modality.IMAGE;
    }

    public boolean isVideo() {
        return frames != null && plan.task().output() == Task.Modality.VIDEO;
    }
}
