package ai.unison.train;

import java.util.Map;

/**
 * A periodic evaluation during training. The {@link Trainer} calls it every N completed steps and at
 * the end, inside a native scope with gradients off, and appends each metric to {@code metrics.csv}
 * as {@code step,metric,value}.
 */
@FunctionalInterface
public interface EvalHook {
    /** Metric name to value after {@code step} completed optimizer steps (in a stable order). */
    Map<String, Double> evaluate(long step);
}
