package ai.unison.train;

import ai.unison.runtime.Rng;
import org.bytedeco.pytorch.Tensor;

/**
 * One training step's loss. The {@link Trainer} calls it inside a native scope with the 0-based step
 * index and a generator seeded from (seed, step) alone, so a resumed run draws the same data and noise;
 * it then back-propagates the returned scalar, clips, and updates. Temporaries need no care: the scope
 * frees them after the update.
 */
@FunctionalInterface
public interface TrainStep {
    /** A scalar float loss that depends on the trainable parameters. */
    Tensor loss(long step, Rng rng);
}
