package ai.unison.api;

import java.util.Objects;

/** How a generation ran: denoising steps, classifier-free guidance scale and scheduler name. */
public record Settings(int steps, double guidance, String scheduler) {
    public Settings {
        Objects.requireNonNull(scheduler, "scheduler");
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (!(guidance >= 0) || Double.isInfinite(guidance)) {
            throw new IllegalArgumentException("guidance must be a finite number ≥ 0, got " + guidance);
        }
    }
}
