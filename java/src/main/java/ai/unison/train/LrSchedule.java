package ai.unison.train;

/**
 * Linear warm-up from {@code peak/warmup} to {@code peak} over the first {@code warmup} steps, then
 * cosine decay to {@code floor} at step {@code total}. Steps count from 0; the value is constant
 * ({@code floor}) past the end.
 */
public record LrSchedule(double peak, long warmup, long total, double floor) {
    public LrSchedule {
        if (peak <= 0 || floor < 0 || floor > peak) {
            throw new IllegalArgumentException("need 0 <= floor <= peak and peak > 0, got peak " + peak
                    + ", floor " + floor);
        }
        if (warmup < 0 || total < 1 || warmup > total) {
            throw new IllegalArgumentException("need 0 <= warmup <= total and total >= 1, got warmup " + warmup
                    + ", total " + total);
        }
    }

    /** The learning rate for the update at 0-based {@code step}. */
    public double at(long step) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        if (total == warmup) {
            return peak;
        }
        double progress = Math.min(1.0, (double) (step - warmup) / (total - warmup));
        return floor + (peak - floor) * 0.5 * (1 + Math.cos(Math.PI * progress));
    }
}
