/**
 * The Wan2.1 generation models, with upstream (diffusers) parameter names:
 * {@link ai.unison.diffusion.wan.WanTransformer3DModel} (the diffusion transformer),
 * {@link ai.unison.diffusion.wan.WanVACETransformer3DModel} (with the VACE control branch),
 * {@link ai.unison.diffusion.wan.AutoencoderKLWan} (the causal video VAE) and
 * {@link ai.unison.diffusion.wan.ProjMLP} (the Unison projector from planner hidden states to extra
 * text tokens). The UMT5 text encoder lives in {@code ai.unison.text}.
 *
 * <p>Loading: {@link ai.unison.diffusion.wan.WanModelFolder} opens a diffusers pipeline folder
 * ({@code transformer/}, {@code vae/}, {@code text_encoder/}, {@code scheduler/}); every model also
 * loads from a component folder or from a config plus a safetensors file or sharded folder. Transformer
 * checkpoints with the original Wan names are recognised and read through {@link
 * ai.unison.diffusion.wan.WanKeyMap}. Each model can write a randomly initialised copy of itself for a
 * config ({@code writeRandom}), for benchmarks and for training tiny versions.
 *
 * <p>Conformance with the shared fixtures ({@code wan-tiny}, {@code wan-vace-tiny}, {@code wan-vae-tiny})
 * is checked by {@code ./unison check fixture}, which also compares every intermediate the fixtures
 * captured (reported through {@link ai.unison.diffusion.wan.Probe}).
 */
package ai.unison.diffusion.wan;
