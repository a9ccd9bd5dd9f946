package ai.unison.world;

import java.util.Objects;

/**
 * One example of a task: the query a user would send, the target a perfect model returns, the spec that scores any
 * output, and the generation plan's signal tokens (PLAN.md grammar; null for understanding, whose target is text).
 */
public record Example(WorldTask task, Query query, Media target, Spec spec, String signal) {
    public Example {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(query, "query");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(spec, "spec");
    }
}
