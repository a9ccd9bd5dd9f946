package ai.unison.diffusion;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

/**
 * Classifier-free guidance (Ho and Salimans 2022): {@code uncond + scale * (cond - uncond)}, optionally
 * rescaled towards the conditional prediction's standard deviation (Lin et al. 2023, diffusers'
 * {@code rescale_noise_cfg} with {@code guidance_rescale = rescale}), and applied only inside an
 * interval of the schedule: step {@code i} of {@code n} is guided when {@code start <= i / n < end}.
 * Outside it, and whenever the scale is 1, only the conditional pass runs.
 *
 * @param scale   guidance scale; 1 turns guidance off
 * @param rescale the rescale factor phi in [0, 1]; 0 disables it
 * @param start   first guided fraction of the schedule, inclusive
 * @param end     end of the guided fraction, exclusive
 */
public record Guidance(double scale, double rescale, double start, double end) {
    public Guidance {
        if (!(scale >= 0) || Double.isInfinite(scale)) {
            throw new IllegalArgumentException("guidance scale must be a finite number >= 0, got " + scale);
        }
        if (!(rescale >= 0 && rescale <= 1)) {
            throw new IllegalArgumentException("guidance rescale must be in [0, 1], got " + rescale);
        }
        if (!(start >= 0 && start <= end && end <= 1)) {
            throw new IllegalArgumentException("guidance interval must satisfy 0 <= start <= end <= 1, got ["
                    + start + ", " + end + ")");
        }
    }

    /** No guidance: one conditional pass per step. */
    public static Guidance none() {
        return new Guidance(1, 0, 0, 1);
    }

    /** Guidance with {@code scale} over the whole schedule, without rescaling. */
    public static Guidance of(double scale) {
        return new Guidance(scale, 0, 0, 1);
    }

    public Guidance withRescale(double phi) {
        return new Guidance(scale, phi, start, end);
    }

    public Guidance withInterval(double from, double to) {
        return new Guidance(scale, rescale, from, to);
    }

    /** Whether any step could be guided (the scale is not 1 and the interval is not empty). */
    public boolean enabled() {
        return scale != 1 && start < end;
    }

    /** Whether step {@code step} of {@code numSteps} runs the unconditional pass. */
    public boolean activeAt(int step, int numSteps) {
        double f = (double) step / numSteps;
        return enabled() && f >= start && f < end;
    }

    /** The guided prediction from the unconditional and conditional ones (same shape, batch first). */
    public Tensor combine(Tensor uncond, Tensor cond) {
        try (NativeScope scope = NativeScope.open()) {
            // uncond + scale * (cond - uncond), one pass
            Tensor guided = torch.lerp(uncond, cond, Torch.scalar(scale));
            if (rescale > 0) {
                long[] dims = new long[(int) cond.dim() - 1];
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = i + 1;
                }
                Tensor stdCond = torch.std(cond, dims, true, true);
                Tensor stdGuided = torch.std(guided, dims, true, true);
                // phi * guided * stdCond / stdGuided + (1 - phi) * guided, as one factor per sample
                Tensor factor = stdCond.div(stdGuided).mul(Torch.scalar(rescale)).add(Torch.scalar(1 - rescale));
                guided.mul_(factor);
            }
            return scope.keep(guided);
        }
    }
}
