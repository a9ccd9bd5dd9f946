package ai.unison.route;

import java.util.Objects;

/**
 * What the planner wrote for one request: {@code text} is a signal in PLAN.md's grammar (a
 * generation plan) or plain text (the understanding answer; possibly partial when no answer was
 * asked for); {@code conditioning} is what the expert needs from the planner, or null.
 */
public record PlannerOutput(String text, Conditioning conditioning) {
    public PlannerOutput {
        Objects.requireNonNull(text, "text");
    }
}
