package ai.unison.diffusion.schedulers;

import ai.unison.runtime.CpuKernels;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Generator;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code c0 * t0 + c1 * t1 + ...} over latents. With contiguous float32 CPU tensors and the project's
 * CPU kernels loaded ({@link CpuKernels}) it is one native pass that reads every term once and writes
 * the result once, however many terms there are. Otherwise it takes the fewest libtorch passes: a term
 * with coefficient 1 absorbs the next one ({@code torch.add(a, b, alpha)}, one pass), every further term
 * is one in-place {@code add_(t, c)}. Both compute in float32 from float32 coefficients, so they agree to
 * rounding. Coefficients are computed in Java from the schedule; the tensors are only read.
 *
 * <p>A stochastic step adds fresh noise with {@link #plusNoise}: when the source is a plain draw from seeded
 * CPU generators ({@link NoiseSource#generators(Tensor)}) and the kernels take the tensors, the noise is drawn inside
 * the same native pass and never materialised; otherwise it is drawn with {@link NoiseSource#next} and is one
 * more term.
 */
final class LinearCombination {
    /**
     * Whether combinations may use the CPU kernels at all; tests turn it off to compare with the libtorch
     * path ({@code -Dunison.cpukernels=off} does the same for the whole process).
     */
    static volatile boolean useCpuKernels = true;
    /** How many evaluations the CPU kernels did, for tests. */
    static final AtomicLong NATIVE_EVALS = new AtomicLong();
    /** How many of them drew their noise in the kernel, for tests. */
    static final AtomicLong NATIVE_NOISE_EVALS = new AtomicLong();

    private final List<Double> coefficients = new ArrayList<>();
    private final List<Tensor> tensors = new ArrayList<>();
    private NoiseSource noise;
    private double noiseCoefficient;

    private LinearCombination() {
    }

    static LinearCombination of(double c, Tensor t) {
        return new LinearCombination().plus(c, t);
    }

    /** A combination starting with {@code c} times another one. */
    static LinearCombination of(double c, LinearCombination other) {
        LinearCombination out = new LinearCombination();
        for (int i = 0; i < other.tensors.size(); i++) {
            out.plus(c * other.coefficients.get(i), other.tensors.get(i));
        }
        if (other.noise != null) {
            out.plusNoise(c * other.noiseCoefficient, other.noise);
        }
        return out;
    }

    /**
     * Adds {@code c} times fresh standard normal noise from {@code source}, shaped like the result, as the last
     * term (one noise term per combination).
     */
    LinearCombination plusNoise(double c, NoiseSource source) {
        if (noise != null) {
            throw new IllegalStateException("a combination takes one noise term");
        }
        noise = source;
        noiseCoefficient = c;
        return this;
    }

    LinearCombination plus(double c, Tensor t) {
        for (int i = 0; i < tensors.size(); i++) {
            if (tensors.get(i) == t) {
                coefficients.set(i, coefficients.get(i) + c);
                return this;
            }
        }
        coefficients.add(c);
        tensors.add(t);
        return this;
    }

    int size() {
        return tensors.size();
    }

    Tensor tensor(int i) {
        return tensors.get(i);
    }

    double coefficient(int i) {
        return coefficients.get(i);
    }

    /** A combination's value and, when it could be written in the same pass, that value times a scale. */
    record Scaled(Tensor value, Tensor scaled) {
    }

    /**
     * {@link #eval}, plus {@code scale * value} computed in the same native pass when the noise is drawn in
     * the kernel ({@link Scaled#scaled()} is {@code null} otherwise): bit for bit {@code torch.mul(value, scale)}.
     */
    Scaled evalAlsoScaled(Tensor like, float scale) {
        if (noise != null) {
            Tensor scaled = torch.empty_like(like);
            Tensor fused = evalWithNoise(like, scaled, scale);
            if (fused != null) {
                return new Scaled(fused, scaled);
            }
            scaled.close();
        }
        return new Scaled(eval(like), null);
    }

    /** The combination as a new tensor in the dtype of {@code like} (the sample's). */
    Tensor eval(Tensor like) {
        if (noise != null) {
            Tensor fused = evalWithNoise(like, null, 0f);
            if (fused != null) {
                return fused;
            }
            drawNoise(like);
        }
        Tensor fused = evalNative(null, null, like);
        return fused != null ? fused : evalPasses(like);
    }

    /** The entry points below {@link #eval} see only tensors: a pending noise term is {@link #eval}'s to draw. */
    private void requireNoNoise() {
        if (noise != null) {
            throw new IllegalStateException("a noise term is drawn by eval or evalAlsoScaled only");
        }
    }

    /** Replaces the pending noise term by a drawn tensor (so that the other paths see only tensors). */
    private void drawNoise(Tensor like) {
        NoiseSource source = noise;
        noise = null;
        plus(noiseCoefficient, source.next(like));
    }

    /**
     * The combination with its noise drawn in one native pass (and {@code scale} times it written into
     * {@code scaled} when that is not null), or {@code null} with nothing drawn.
     */
    private Tensor evalWithNoise(Tensor like, Tensor scaled, float scale) {
        if (!useCpuKernels || !CpuKernels.get().available()) {
            return null;
        }
        Generator[] generators = noise.generators(like);
        long n = like.numel();
        if (generators == null || !CpuKernels.fits(like, n)) {
            return null;
        }
        List<Tensor> inputs = new ArrayList<>(tensors.size());
        if (!collect(inputs, n)) {
            return null;
        }
        float[] coef = new float[inputs.size()];
        coefficientsInto(coef, inputs);
        Tensor out = torch.empty_like(like);
        if (!CpuKernels.get().combineWithNoise(out, scaled, scale, inputs.toArray(new Tensor[0]), coef,
                (float) noiseCoefficient, generators)) {
            out.close();
            return null;
        }
        NATIVE_EVALS.incrementAndGet();
        NATIVE_NOISE_EVALS.incrementAndGet();
        return out;
    }

    /**
     * The combination as a new tensor like {@code like} in one native pass, preceded (when {@code first} is
     * not null) by writing {@code first} into {@code firstOut}, which this combination may read as written;
     * {@code null}, with nothing written, when the CPU kernels cannot take the tensors (then the caller
     * evaluates with libtorch).
     */
    Tensor evalNative(LinearCombination first, Tensor firstOut, Tensor like) {
        requireNoNoise();
        if (first != null) {
            first.requireNoNoise();
        }
        if (!useCpuKernels || !CpuKernels.get().available()) {
            return null;
        }
        long n = like.numel();
        List<Tensor> inputs = new ArrayList<>(tensors.size() + 2);
        if (!CpuKernels.fits(like, n) || !collect(inputs, n)
                || first != null && (!CpuKernels.fits(firstOut, n) || !first.collect(inputs, n))) {
            return null;
        }
        int m = first == null ? 1 : 2;
        float[][] coef = new float[m][inputs.size()];
        if (first != null) {
            first.coefficientsInto(coef[0], inputs);
        }
        coefficientsInto(coef[m - 1], inputs);
        Tensor out = torch.empty_like(like);
        Tensor[] outputs = first == null ? new Tensor[] {out} : new Tensor[] {firstOut, out};
        if (!CpuKernels.lincomb(outputs, inputs.toArray(new Tensor[0]), coef)) {
            return null;
        }
        NATIVE_EVALS.incrementAndGet();
        return out;
    }

    /** Adds this combination's tensors to {@code inputs} (each Java object once); false if one does not fit the kernels. */
    private boolean collect(List<Tensor> inputs, long n) {
        for (Tensor t : tensors) {
            if (!inputs.contains(t)) {
                if (!CpuKernels.fits(t, n)) {
                    return false;
                }
                inputs.add(t);
            }
        }
        return true;
    }

    private void coefficientsInto(float[] row, List<Tensor> inputs) {
        for (int i = 0; i < tensors.size(); i++) {
            row[inputs.indexOf(tensors.get(i))] = (float) (double) coefficients.get(i);
        }
    }

    /** {@link #eval} with libtorch passes. */
    Tensor evalPasses(Tensor like) {
        requireNoNoise();
        int first = -1;
        for (int i = 0; i < tensors.size(); i++) {
            double c = coefficients.get(i);
            if (c == 1.0 || c != 0.0 && first < 0) {
                first = i;
                if (c == 1.0) {
                    break;
                }
            }
        }
        if (first < 0) {
            return torch.zeros_like(like);
        }
        int second = -1;
        if (coefficients.get(first) == 1.0) {
            for (int i = 0; i < tensors.size() && second < 0; i++) {
                if (i != first && coefficients.get(i) != 0.0) {
                    second = i;
                }
            }
        }
        Tensor out = second >= 0
                ? torch.add(tensors.get(first), tensors.get(second), Torch.scalar(coefficients.get(second)))
                : torch.mul(tensors.get(first), Torch.scalar(coefficients.get(first)));
        if (out.scalar_type().value != like.scalar_type().value) {
            out = out.to(like.scalar_type());
        }
        addRest(out, first, second);
        return out;
    }

    /** Writes the combination into {@code out}, a tensor the caller owns that is none of the terms. */
    void evalInto(Tensor out) {
        requireNoNoise();
        int first = 0;
        for (int i = 0; i < tensors.size(); i++) {
            if (coefficients.get(i) == 1.0) {
                first = i;
                break;
            }
        }
        int second = -1;
        if (coefficients.get(first) == 1.0 && tensors.size() > 1) {
            second = first == 0 ? 1 : 0;
            torch.add_out(out, tensors.get(first), tensors.get(second), Torch.scalar(coefficients.get(second)));
        } else {
            torch.mul_out(out, tensors.get(first), Torch.scalar(coefficients.get(first)));
        }
        addRest(out, first, second);
    }

    private void addRest(Tensor out, int skipA, int skipB) {
        for (int i = 0; i < tensors.size(); i++) {
            if (i != skipA && i != skipB && coefficients.get(i) != 0.0) {
                out.add_(tensors.get(i), Torch.scalar(coefficients.get(i)));
            }
        }
    }
}
