package ai.unison.nn;

import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Multi-head self-attention with grouped key/value heads (GQA), rotary positions and an optional
 * key/value cache, computed by libtorch's {@code scaled_dot_product_attention}. Upstream names:
 * {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code o_proj}.
 */
public final class Attention {
    /**
     * A key/value cache as one attention call sees it. The call's tokens arrive in the layout of its input
     * {@code x}, {@code [b, t, ...]}; the cache decides the layout attention runs in ({@code [B, heads, T, D]},
     * e.g. a packed batch of several sequences unpacked to one row each) and maps the output back.
     */
    public interface KeyValues {
        /**
         * Stores the rotated keys and values {@code [b, t, kvHeads, D]} and returns the keys and values to
         * attend to, {@code [B, kvHeads, L, D]} (L = cached plus new positions).
         */
        Tensor[] update(Tensor keys, Tensor values);

        /** Queries {@code [b, t, heads, D]} → {@code [B, heads, T, D]}. */
        default Tensor queries(Tensor q) {
            return q.transpose(1, 2);
        }

        /** Attention output {@code [B, heads, T, D]} → {@code [b, t, heads * D]}. */
        default Tensor output(Tensor out, long b, long t) {
            return out.transpose(1, 2).reshape(b, t, -1);
        }
    }

    /**
     * Which keys each query may see: {@link #CAUSAL} (query i sees keys 0..i; needs as many keys as
     * queries), {@link #ALL} (every key, e.g. one decode token over its own cache), or a boolean
     * tensor broadcastable to {@code [B, heads, T, L]} where true means "may attend".
     */
    public record Mask(Tensor allowed, boolean causal) {
        public static final Mask CAUSAL = new Mask(null, true);
        public static final Mask ALL = new Mask(null, false);

        public static Mask of(Tensor allowed) {
            return new Mask(allowed, false);
        }

        /**
         * Causal attention over a padded batch: {@code attentionMask} is {@code [B, T]} with 1 for real tokens
         * and 0 for padding (either side). Padded queries also see themselves, so that their (unused)
         * outputs stay finite instead of NaN.
         */
        public static Mask padded(Tensor attentionMask) {
            long t = attentionMask.size(1);
            Tensor idx = torch.arange(Torch.scalar(t), Torch.options(ScalarType.Long).device(
                    new org.bytedeco.pytorch.DeviceOptional(attentionMask.device())));
            Tensor causal = idx.unsqueeze(0).le(idx.unsqueeze(1));                 // [T, T]: key j <= query i
            Tensor keys = attentionMask.ne(Torch.scalar(0)).unsqueeze(1);          // [B, 1, T]
            Tensor self = idx.unsqueeze(0).eq(idx.unsqueeze(1));
            return of(causal.logical_and(keys).logical_or(self).unsqueeze(1));     // [B, 1, T, T]
        }
    }

    /** Attention within the call's own tokens. */
    private static final KeyValues NO_CACHE = (k, v) -> new Tensor[]{k.transpose(1, 2), v.transpose(1, 2)};

    public final Linear qProj;
    public final Linear kProj;
    public final Linear vProj;
    public final Linear oProj;
    private final int heads;
    private final int kvHeads;
    private final long headDim;

    public Attention(Linear qProj, Linear kProj, Linear vProj, Linear oProj, int heads, int kvHeads, long headDim) {
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(heads + " heads are not a multiple of " + kvHeads + " key/value heads");
        }
        this.qProj = qProj;
        this.kProj = kProj;
        this.vProj = vProj;
        this.oProj = oProj;
        this.heads = heads;
        this.kvHeads = kvHeads;
        this.headDim = headDim;
    }

    /** Loads {@code name.{q,k,v,o}_proj}; q/k/v carry biases when {@code qkvBias}, o when {@code oBias}. */
    public static Attention load(Weights w, String name, long hidden, int heads, int kvHeads, long headDim,
                                 boolean qkvBias, boolean oBias) {
        return new Attention(
                Linear.load(w, name + ".q_proj", hidden, heads * headDim, qkvBias),
                Linear.load(w, name + ".k_proj", hidden, kvHeads * headDim, qkvBias),
                Linear.load(w, name + ".v_proj", hidden, kvHeads * headDim, qkvBias),
                Linear.load(w, name + ".o_proj", heads * headDim, hidden, oBias),
                heads, kvHeads, headDim);
    }

    public int heads() {
        return heads;
    }

    public int kvHeads() {
        return kvHeads;
    }

    public long headDim() {
        return headDim;
    }

    /**
     * {@code x} [b, t, hidden] → [b, t, hidden]. {@code cache} null attends within this call's tokens only,
     * with {@code mask} over [b, heads, t, t]; with a cache the mask is over the cache's layout.
     */
    public Tensor forward(Tensor x, RotaryEmbedding.CosSin rope, Mask mask, KeyValues cache) {
        long b = x.size(0);
        long t = x.size(1);
        Tensor q = RotaryEmbedding.apply(qProj.forward(x).view(b, t, heads, headDim), rope);
        Tensor k = RotaryEmbedding.apply(kProj.forward(x).view(b, t, kvHeads, headDim), rope);
        Tensor v = vProj.forward(x).view(b, t, kvHeads, headDim);
        KeyValues kv = cache != null ? cache : NO_CACHE;
        Tensor[] keysValues = kv.update(k, v);
        Tensor queries = kv.queries(q);
        if (mask.causal() && keysValues[0].size(2) != queries.size(2)) {
            throw new IllegalArgumentException("a causal mask needs as many keys as queries; got " + queries.size(2)
                    + " queries and " + keysValues[0].size(2) + " keys (pass an explicit mask with a cache)");
        }
        TensorOptional allowed = mask.allowed() == null ? new TensorOptional() : new TensorOptional(mask.allowed());
        Tensor out;
        long rows = queries.size(0);
        if (queries.size(2) == 1 && heads != kvHeads && !mask.causal()) {
            // one query per row (decoding): the queries of a key/value group become that group's rows, so
            // keys and values are read once per group instead of being repeated per head
            Tensor grouped = queries.reshape(rows, kvHeads, heads / kvHeads, headDim);
            // reshape, not view: CUDA's attention kernels may return [rows, kvHeads, group, D] with the middle two
            // dimensions' strides swapped (their own memory layout), which no view can merge
            out = torch.scaled_dot_product_attention(grouped, keysValues[0], keysValues[1], allowed, 0.0, false,
                    new DoubleOptional(), false).reshape(rows, heads, 1, headDim);
        } else {
            out = torch.scaled_dot_product_attention(queries, keysValues[0], keysValues[1], allowed, 0.0,
                    mask.causal(), new DoubleOptional(), heads != kvHeads);
        }
        return oProj.forward(kv.output(out, b, t));
    }
}
