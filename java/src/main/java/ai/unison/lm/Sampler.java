package ai.unison.lm;

import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.T_TensorTensor_T;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Next-token choice for one request from its float32 CPU logits {@code [vocab]}, with upstream's
 * logits processors: repetition penalty → temperature → top-k → top-p → min-p. Filters set removed
 * tokens to -inf.
 */
public final class Sampler {
    private static final double NEG_INF = Double.NEGATIVE_INFINITY;

    private Sampler() {
    }

    /** The next token of a request whose prompt and output so far are {@code history}. */
    public static long next(Tensor logits, long[] history, GenerationOptions o, Rng rng) {
        Tensor scores = logits;
        if (o.logitsProcessor() != null) {
            scores = o.logitsProcessor().process(history, scores);
        }
        scores = repetitionPenalty(scores, history, o.repetitionPenalty());
        if (o.isGreedy()) {
            return scores.argmax().item_long();
        }
        scores = scores.div(Torch.scalar(o.temperature()));
        scores = topK(scores, o.topK());
        scores = topP(scores, o.topP());
        scores = minP(scores, o.minP());
        return torch.multinomial(scores.softmax(-1), 1, false, rng.optional()).item_long();
    }

    /** Seen tokens' logits: positive ones divided by {@code penalty}, negative ones multiplied. */
    public static Tensor repetitionPenalty(Tensor logits, long[] seen, double penalty) {
        if (penalty == 1.0 || seen.length == 0) {
            return logits;
        }
        Tensor idx = Torch.fromLongs(seen, seen.length);
        Tensor score = logits.gather(0, idx);
        score = torch.where(score.lt(Torch.scalar(0)), score.mul(Torch.scalar(penalty)), score.div(Torch.scalar(penalty)));
        return logits.scatter(0, idx, score);
    }

    /** Keeps the {@code k} largest logits (and ties with the k-th); 0 keeps all. */
    public static Tensor topK(Tensor logits, int k) {
        long vocab = logits.size(-1);
        if (k <= 0 || k >= vocab) {
            return logits;
        }
        T_TensorTensor_T top = logits.topk(k, -1, true, true);
        Tensor kth = top.get0().narrow(-1, k - 1, 1);
        return logits.masked_fill(logits.lt(kth), Torch.scalar(NEG_INF));
    }

    /** Keeps the smallest set of most likely tokens whose probabilities sum to more than {@code p} (at least one). */
    public static Tensor topP(Tensor logits, double p) {
        if (p >= 1.0) {
            return logits;
        }
        T_TensorTensor_T sorted = logits.sort(-1, false);                   // ascending
        Tensor cumulative = sorted.get0().softmax(-1).cumsum(-1);
        Tensor remove = cumulative.le(Torch.scalar(1 - p));
        remove.narrow(-1, logits.size(-1) - 1, 1).fill_(Torch.scalar(0));   // the most likely token stays
        Tensor removeByToken = remove.scatter(-1, sorted.get1(), remove);
        return logits.masked_fill(removeByToken, Torch.scalar(NEG_INF));
    }

    /** Removes tokens whose probability is below {@code minP} times the most likely token's. */
    public static Tensor minP(Tensor logits, double minP) {
        if (minP <= 0) {
            return logits;
        }
        Tensor probs = logits.softmax(-1);
        Tensor threshold = probs.amax(new long[]{-1}, true).mul(Torch.scalar(minP));
        return logits.masked_fill(probs.lt(threshold), Torch.scalar(NEG_INF));
    }
}
