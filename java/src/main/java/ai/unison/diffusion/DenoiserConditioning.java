package ai.unison.diffusion;

import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What the denoiser is conditioned on in one model call, as named tensors batched on dim 0 (text
 * embeddings, VACE context, masks, ...); not to be confused with {@code route.Conditioning}, what the
 * planner hands an expert. The tensors belong to whoever made them; this only refers to them.
 */
public final class DenoiserConditioning {
    private final Map<String, Tensor> tensors;

    private DenoiserConditioning(Map<String, Tensor> tensors) {
        this.tensors = tensors;
    }

    /** Named tensors that all have the same batch size (dim 0). */
    public static DenoiserConditioning of(Map<String, Tensor> tensors) {
        Map<String, Tensor> copy = new LinkedHashMap<>(tensors);
        long batch = -1;
        for (Map.Entry<String, Tensor> e : copy.entrySet()) {
            long b = e.getValue().dim() == 0 ? -2 : e.getValue().size(0);
            if (b < 0 || batch >= 0 && b != batch) {
                throw new IllegalArgumentException("conditioning '" + e.getKey() + "' has batch " + b
                        + " (dim 0); expected every tensor to be batched like the first, " + batch);
            }
            batch = b;
        }
        return new DenoiserConditioning(copy);
    }

    /** A single tensor under {@code name}. */
    public static DenoiserConditioning of(String name, Tensor tensor) {
        return of(Map.of(name, tensor));
    }

    public Set<String> names() {
        return tensors.keySet();
    }

    public Tensor get(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no conditioning named '" + name + "'; have " + tensors.keySet());
        }
        return t;
    }

    /** The batch size (0 when empty). */
    public long batch() {
        return tensors.isEmpty() ? 0 : tensors.values().iterator().next().size(0);
    }

    /**
     * {@code first} then {@code second} along the batch, tensor by tensor (new tensors, in the
     * innermost open scope): the unconditional and conditional inputs of one guided model call.
     */
    public static DenoiserConditioning concat(DenoiserConditioning first, DenoiserConditioning second) {
        if (!first.names().equals(second.names())) {
            throw new IllegalArgumentException("cannot batch conditionings with different names: "
                    + first.names() + " and " + second.names());
        }
        Map<String, Tensor> out = new LinkedHashMap<>();
        for (String name : first.names()) {
            Tensor a = first.get(name);
            Tensor b = second.get(name);
            long[] sa = a.sizes().vec().get();
            long[] sb = b.sizes().vec().get();
            if (!Arrays.equals(Arrays.copyOfRange(sa, 1, sa.length), Arrays.copyOfRange(sb, 1, sb.length))) {
                throw new IllegalArgumentException("conditioning '" + name + "' differs in shape beyond the batch: "
                        + Arrays.toString(sa) + " and " + Arrays.toString(sb));
            }
            out.put(name, torch.cat(new TensorVector(a, b), 0));
        }
        return new DenoiserConditioning(out);
    }
}
