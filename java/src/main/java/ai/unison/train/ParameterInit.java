package ai.unison.train;

import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * Initial values of a parameter, chosen by its upstream name and shape. Used by
 * {@link Parameters#weights(Rng, ParameterInit)}, which creates each parameter the first time a model
 * asks for it, so a trainer initialises a model by building it.
 */
@FunctionalInterface
public interface ParameterInit {
    /** New float32 CPU values of {@code shape} for parameter {@code name}, drawn from {@code rng}. */
    Tensor values(String name, long[] shape, Rng rng);

    /** A norm module's scale named as GPT-2 and Qwen2.5-VL's merger name them: {@code …ln_q.weight}, {@code ln_f.weight}. */
    java.util.regex.Pattern LAYER_NORM = java.util.regex.Pattern.compile("(.*\\.)?ln(_\\w+)?\\.weight");

    /** Normal(0, std). */
    static ParameterInit normal(double std) {
        return (name, shape, rng) -> Torch.empty(ScalarType.Float, shape).normal_(0, std, rng.optional());
    }

    /** Uniform(-bound, bound). */
    static ParameterInit uniform(double bound) {
        return (name, shape, rng) -> Torch.empty(ScalarType.Float, shape).uniform_(-bound, bound, rng.optional());
    }

    static ParameterInit zeros() {
        return (name, shape, rng) -> Torch.empty(ScalarType.Float, shape).zero_();
    }

    static ParameterInit ones() {
        return (name, shape, rng) -> Torch.empty(ScalarType.Float, shape).fill_(Torch.scalar(1));
    }

    /**
     * The usual transformer initialisation: biases zero; one-dimensional norm scales (names containing
     * {@code norm}, ending in {@code gamma}, or a weight of a module named {@code ln} or {@code ln_*}, as
     * Qwen2.5-VL's merger norm {@code ln_q}) one; everything else Normal(0, std).
     */
    static ParameterInit standard(double std) {
        ParameterInit normal = normal(std);
        ParameterInit zeros = zeros();
        ParameterInit ones = ones();
        return (name, shape, rng) -> {
            if (name.endsWith("bias")) {
                return zeros.values(name, shape, rng);
            }
            if (shape.length == 1 && (name.contains("norm") || name.endsWith("gamma") || LAYER_NORM.matcher(name).matches())) {
                return ones.values(name, shape, rng);
            }
            return normal.values(name, shape, rng);
        };
    }
}
