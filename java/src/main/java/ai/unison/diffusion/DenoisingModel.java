package ai.unison.diffusion;

import org.bytedeco.pytorch.Tensor;

/** The network the denoising loop calls once per step. */
@FunctionalInterface
public interface DenoisingModel {
    /**
     * The prediction for {@code latents} [B, ...] at {@code timestep} (float32 [B], on the latents'
     * device) under {@code conditioning} (batch B). With guidance B is twice the latent batch:
     * unconditional first, then conditional. The result has the latents' shape; it belongs to the
     * caller's scope.
     */
    Tensor predict(Tensor latents, Tensor timestep, DenoiserConditioning conditioning);
}
