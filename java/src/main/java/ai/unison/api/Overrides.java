package ai.unison.api;

import java.time.Duration;

/**
 * Per-request settings that win over what the planner decided and over the engine's defaults;
 * null fields override nothing. Size and frames replace the plan's; steps, guidance and scheduler
 * replace the expert's defaults; the seed fixes the request's noise (a random one is drawn and
 * reported otherwise); the timeout bounds the request from submission to result.
 */
public record Overrides(Long seed, Integer steps, Double guidance, String scheduler, Integer width, Integer height,
                        Integer frames, Duration timeout) {

    public static final Overrides NONE = new Overrides(null, null, null, null, null, null, null, null);

    public Overrides {
        if (steps != null && steps < 1) {
            throw new IllegalArgumentException("steps must be at least 1, got " + steps);
        }
        if (guidance != null && (!(guidance >= 0) || guidance.isInfinite())) {
            throw new IllegalArgumentException("guidance must be a finite number ≥ 0, got " + guidance);
        }
        if (scheduler != null && scheduler.isBlank()) {
            throw new IllegalArgumentException("scheduler must be a name, got '" + scheduler + "'");
        }
        if ((width == null) != (height == null)) {
            throw new IllegalArgumentException("size override has width " + width + " but height " + height
                    + "; give both or neither");
        }
        if (width != null && (width < 1 || height < 1)) {
            throw new IllegalArgumentException("size override " + width + "×" + height + " must be positive");
        }
        if (frames != null && frames < 1) {
            throw new IllegalArgumentException("frames override must be at least 1, got " + frames);
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
    }

    /** Field by field: this value where set, else {@code fallback}'s. */
    public Overrides orElse(Overrides fallback) {
        return new Overrides(
                seed != null ? seed : fallback.seed,
                steps != null ? steps : fallback.steps,
                guidance != null ? guidance : fallback.guidance,
                scheduler != null ? scheduler : fallback.scheduler,
                width != null ? width : fallback.width,
                width != null ? height : fallback.height,
                frames != null ? frames : fallback.frames,
                timeout != null ? timeout : fallback.timeout);
    }

    /** These overrides for steps, guidance and scheduler, the rest from {@code defaults}. */
    public Settings settings(Settings defaults) {
        return new Settings(steps != null ? steps : defaults.steps(),
                guidance != null ? guidance : defaults.guidance(),
                scheduler != null ? scheduler : defaults.scheduler());
    }
}
