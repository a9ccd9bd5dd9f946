package ai.unison.train;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How a {@link Trainer#run} ended.
 *
 * @param step          completed optimizer steps (over all runs of this training)
 * @param finished      whether all configured steps are done
 * @param stoppedByBudget whether this run stopped because its wall-clock budget ran out
 * @param recentLosses  the losses of the last steps, oldest first
 * @param elapsed       training time over all runs (resumed runs add up)
 * @param checkpoint    the newest checkpoint folder
 * @param metrics       the last evaluation's metrics (empty without an {@link EvalHook})
 */
public record TrainResult(long step, boolean finished, boolean stoppedByBudget, List<Double> recentLosses,
                          Duration elapsed, Path checkpoint, Map<String, Double> metrics) {
    /** The loss of the last step ({@code NaN} if no step ran). */
    public double lastLoss() {
        return recentLosses.isEmpty() ? Double.NaN : recentLosses.get(recentLosses.size() - 1);
    }

    /** The mean of {@link #recentLosses}: a steadier figure for a model card. */
    public double meanRecentLoss() {
        return recentLosses.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }
}
