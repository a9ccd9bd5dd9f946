package ai.unison.lm;

import java.util.Objects;
import org.bytedeco.pytorch.Tensor;

/**
 * What a request with images or videos brings to continuous batching: its prompt's input embeddings
 * {@code [T, hidden]} (vision features already written over the pad tokens) and M-RoPE positions
 * {@code [3, T]} for the prefill, and the rope {@code delta} that every later token adds to its cache
 * position on all three axes. The submitter owns the tensors and keeps them alive until the
 * generation ends.
 */
public record Multimodal(Tensor embeds, Tensor positions, long delta) {
    public Multimodal {
        Objects.requireNonNull(embeds, "embeds");
        Objects.requireNonNull(positions, "positions");
    }

    /** Prompt length these inputs cover. */
    public long length() {
        return embeds.size(0);
    }

    /**
     * One row of a step: its first packed token {@code offset}, {@code count} tokens, and its inputs;
     * {@code prefill} says whether this step feeds the prompt (embeddings and positions replace the
     * row's) or later tokens (positions shifted by the delta).
     */
    public record Row(int offset, int count, Multimodal inputs, boolean prefill) {}
}
