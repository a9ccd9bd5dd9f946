/**
 * Diffusion samplers in the shape of diffusers' schedulers, interchangeable behind {@link
 * ai.unison.diffusion.schedulers.Scheduler} and built from a {@code scheduler_config.json} by {@link
 * ai.unison.diffusion.schedulers.Schedulers}: UniPC (including Wan's flow-matching mode), flow-matching
 * Euler, DDIM, Euler, Euler-ancestral and DPM-Solver(++) multistep.
 *
 * <p>Schedule math (betas, alphas_cumprod, sigmas, timesteps) is small 1-D data computed in Java,
 * reproducing upstream's numpy float64 and torch float32 arithmetic; each step touches the latents only
 * through a few fused libtorch passes ({@code torch.add(a, b, alpha)} and in-place {@code add_}).
 */
package ai.unison.diffusion.schedulers;
