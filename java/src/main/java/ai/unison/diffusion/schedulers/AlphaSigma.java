package ai.unison.diffusion.schedulers;

/**
 * The signal and noise scales ({@code alpha_t}, {@code sigma_t}) of a noise level, and the half
 * log-SNR {@code lambda = log(alpha_t) - log(sigma_t)}, in float32 as upstream computes them on 0-d
 * tensors.
 */
final class AlphaSigma {
    private AlphaSigma() {
    }

    /** Variance-preserving: {@code alpha = 1 / sqrt(sigma^2 + 1)}, {@code sigma_t = sigma * alpha}. */
    static float[] vp(float sigma) {
        float alpha = 1f / (float) Math.sqrt(sigma * sigma + 1f);
        return new float[] {alpha, sigma * alpha};
    }

    /** Rectified flow: {@code alpha = 1 - sigma}, {@code sigma_t = sigma}. */
    static float[] flow(float sigma) {
        return new float[] {1f - sigma, sigma};
    }

    static float lambda(float[] alphaSigma) {
        return (float) Math.log(alphaSigma[0]) - (float) Math.log(alphaSigma[1]);
    }
}
