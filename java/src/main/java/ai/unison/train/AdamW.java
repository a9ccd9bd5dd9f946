package ai.unison.train;

import ai.unison.io.Checkpoint;
import ai.unison.io.SafetensorsWriter;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter), step for step what PyTorch's
 * {@code torch.optim.AdamW} does for one tensor:
 *
 * <pre>
 *   p  ← p · (1 − lr·λ)                      (only parameters that decay)
 *   m  ← m + (1 − β1)(g − m)
 *   v  ← β2·v + (1 − β2)·g²
 *   p  ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + ε)
 * </pre>
 *
 * with a step count t per parameter; a parameter without a gradient in a step is left alone.
 *
 * <p>Written here with libtorch in-place ops under no-grad rather than wrapping
 * {@code org.bytedeco.pytorch.AdamW}: the presets expose no fused or multi-tensor kernels, so libtorch's
 * optimizer would run the same per-tensor ops, while its state lives in a map keyed by tensor-impl
 * addresses that only serialises through {@code torch::save} archives. Owning the update keeps the state
 * as named tensors that round-trip exactly through safetensors, which bit-identical resume needs.
 */
public final class AdamW implements AutoCloseable {
    /** β1, β2, ε and the decoupled weight decay λ. */
    public record Options(double beta1, double beta2, double eps, double weightDecay) {
        public Options {
            if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
                throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
            }
            if (eps <= 0 || weightDecay < 0) {
                throw new IllegalArgumentException("eps must be > 0 and weight decay >= 0, got " + eps + ", "
                        + weightDecay);
            }
        }

        /** PyTorch's defaults: β = (0.9, 0.999), ε = 1e-8, λ = 0.01. */
        public static Options defaults() {
            return new Options(0.9, 0.999, 1e-8, 0.01);
        }

        public Options withWeightDecay(double lambda) {
            return new Options(beta1, beta2, eps, lambda);
        }
    }

    /**
     * Parameters that take no weight decay: biases (and relative-attention bias tables), norm scales and
     * embeddings, recognised by their upstream names.
     */
    public static final Predicate<String> NORMS_BIASES_EMBEDDINGS = name -> name.contains("bias")
            || name.contains("norm") || name.endsWith("gamma") || name.contains("embed")
            || name.equals("shared.weight");

    private final Options options;
    private final List<String> names = new ArrayList<>();
    private final List<Tensor> params = new ArrayList<>();
    private final List<Tensor> expAvg = new ArrayList<>();
    private final List<Tensor> expAvgSq = new ArrayList<>();
    private final long[] steps;
    private final boolean[] decays;

    /**
     * An optimizer over the parameters that are trainable now; {@code noDecay} names those without
     * weight decay (e.g. {@link #NORMS_BIASES_EMBEDDINGS}).
     */
    public AdamW(Parameters parameters, Options options, Predicate<String> noDecay) {
        this.options = options;
        Map<String, Tensor> trainable = parameters.trainable();
        this.steps = new long[trainable.size()];
        this.decays = new boolean[trainable.size()];
        try (NativeScope scope = NativeScope.open()) {
            trainable.forEach((name, p) -> {
                decays[names.size()] = !noDecay.test(name);
                names.add(name);
                params.add(p);
                expAvg.add(NativeScope.own(torch.zeros_like(p)));
                expAvgSq.add(NativeScope.own(torch.zeros_like(p)));
            });
        }
    }

    public Options options() {
        return options;
    }

    /** Whether the named parameter takes weight decay. */
    public boolean decays(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("'" + name + "' is not optimised by this AdamW");
        }
        return decays[i];
    }

    /** Updates every parameter that has a gradient, at learning rate {@code lr}. */
    public void step(double lr) {
        double b1 = options.beta1();
        double b2 = options.beta2();
        try (NativeScope scope = NativeScope.open(); NoGradGuard noGrad = new NoGradGuard()) {
            Scalar oneMinusB1 = new Scalar(1 - b1);
            Scalar b2s = new Scalar(b2);
            Scalar oneMinusB2 = new Scalar(1 - b2);
            Scalar eps = new Scalar(options.eps());
            Scalar decay = new Scalar(1 - lr * options.weightDecay());
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                Tensor g = p.grad();
                if (!g.defined()) {
                    continue;
                }
                long t = ++steps[i];
                double bc1 = 1 - Math.pow(b1, t);
                double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
                if (decays[i] && options.weightDecay() != 0) {
                    p.mul_(decay);
                }
                Tensor m = expAvg.get(i);
                Tensor v = expAvgSq.get(i);
                m.lerp_(g, oneMinusB1);
                v.mul_(b2s).addcmul_(g, g, oneMinusB2);
                Tensor denom = v.sqrt().div_(new Scalar(bc2Sqrt)).add_(eps);
                p.addcdiv_(m, denom, new Scalar(-lr / bc1));
            }
        }
    }

    /** The step count of the named parameter (how many updates it has had). */
    public long steps(String name) {
        int i = names.indexOf(name);
        if (i < 0) {
            throw new IllegalArgumentException("'" + name + "' is not optimised by this AdamW");
        }
        return steps[i];
    }

    /**
     * Writes the state as float32 safetensors: {@code exp_avg.NAME}, {@code exp_avg_sq.NAME} and
     * {@code step.NAME} (int64, one value) for every parameter.
     */
    public void save(Path file) {
        try (NativeScope scope = NativeScope.open()) {
            Map<String, Tensor> out = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                out.put("exp_avg." + names.get(i), expAvg.get(i));
                out.put("exp_avg_sq." + names.get(i), expAvgSq.get(i));
                out.put("step." + names.get(i), Torch.fromLongs(new long[]{steps[i]}, 1));
            }
            SafetensorsWriter.write(file, out, Map.of("optimizer", "adamw",
                    "betas", options.beta1() + "," + options.beta2(), "eps", Double.toString(options.eps()),
                    "weight_decay", Double.toString(options.weightDecay())));
        }
    }

    /** Restores the state written by {@link #save} for the same parameter names and shapes. */
    public void load(Path file) {
        try (Checkpoint c = Checkpoint.open(file); NativeScope scope = NativeScope.open()) {
            if (c.names().size() != 3 * names.size()) {
                throw new IllegalArgumentException(file + " holds " + c.names().size() + " state tensors; this "
                        + "optimizer over " + names.size() + " parameters needs " + 3 * names.size());
            }
            for (int i = 0; i < names.size(); i++) {
                String n = names.get(i);
                long[] shape = Torch.shape(params.get(i));
                if (!c.contains("exp_avg." + n)) {
                    throw new IllegalArgumentException(file + " holds no optimizer state for parameter '" + n + "'");
                }
                expAvg.get(i).copy_(c.tensor("exp_avg." + n, shape));
                expAvgSq.get(i).copy_(c.tensor("exp_avg_sq." + n, shape));
                steps[i] = Torch.toLongs(c.tensor("step." + n, 1))[0];
            }
        }
    }

    @Override
    public void close() {
        expAvg.forEach(Tensor::close);
        expAvgSq.forEach(Tensor::close);
        expAvg.clear();
        expAvgSq.clear();
        params.clear();
    }
}
