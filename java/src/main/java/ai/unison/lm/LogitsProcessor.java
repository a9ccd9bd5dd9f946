package ai.unison.lm;

import org.bytedeco.pytorch.Tensor;

/**
 * Rewrites one request's next-token logits before sampling, e.g. to allow only the tokens a grammar
 * permits. Runs inside the generator's step scope on the stepping thread.
 */
@FunctionalInterface
public interface LogitsProcessor {
    /**
     * @param tokens the request's prompt followed by the tokens generated so far
     * @param logits float32 CPU logits {@code [vocab]}; return a new tensor (or this one) of the same shape
     */
    Tensor process(long[] tokens, Tensor logits);
}
