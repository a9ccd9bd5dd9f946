package ai.unison.lm;

import org.bytedeco.pytorch.Tensor;

/**
 * What {@link BatchGenerator} needs from a decoder-only language model: a cache of the right shape
 * and one cached forward step over a batch of sequences.
 */
public interface CausalLM extends AutoCloseable {
    int vocabSize();

    /** The longest context the model supports ({@code max_position_embeddings}). */
    int maxPositions();

    /** A key/value cache for {@code slots} sequences of up to {@code maxLength} positions each. */
    KVCache newCache(int slots, int maxLength);

    /**
     * Runs {@code step} over {@code inputIds} [1, step.tokens()] (the rows' new tokens, packed one row after
     * the other) and returns float32 CPU logits [B, vocab] of each row's last new token.
     * Does not {@link KVCache.Step#commit} the step.
     */
    Tensor stepLogits(Tensor inputIds, KVCache.Step step);

    /**
     * {@link #stepLogits(Tensor, KVCache.Step)} where some rows carry images or videos ({@code rows[i]}
     * non-null for row i). Models without vision inputs accept only all-null rows.
     */
    default Tensor stepLogits(Tensor inputIds, KVCache.Step step, Multimodal.Row[] rows) {
        for (Multimodal.Row r : rows) {
            if (r != null) {
                throw new UnsupportedOperationException(getClass().getSimpleName() + " takes no image or video inputs");
            }
        }
        return stepLogits(inputIds, step);
    }

    /** The last hidden states [1, T, hidden] (after the final norm) of one sequence, without a cache. */
    default Tensor lastHiddenStates(long[] ids) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not expose hidden states");
    }

    /** The width of {@link #lastHiddenStates}, or 0 when the model does not expose them. */
    default int hiddenSize() {
        return 0;
    }

    @Override
    void close();
}
