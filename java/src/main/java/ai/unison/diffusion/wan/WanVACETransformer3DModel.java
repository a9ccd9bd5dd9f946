package ai.unison.diffusion.wan;

import ai.unison.io.ConfigException;
import ai.unison.nn.Linear;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Wan2.1 with VACE, diffusers' {@code WanVACETransformer3DModel}: the {@link WanTransformer3DModel}
 * plus a VACE branch. The control video (VACE latents: masked-video latents and the mask, 96 channels
 * for Wan2.1) is patch-embedded by {@code vace_patch_embedding}; VACE block 0 adds the main patch
 * tokens through {@code proj_in}; each VACE block is a Wan block over the control tokens whose
 * {@code proj_out} gives a hint. After main block {@code vace_layers[j]} the j-th hint, times its context
 * scale, is added to the hidden states.
 */
public final class WanVACETransformer3DModel implements AutoCloseable {
    static final String CLASS_NAME = "WanVACETransformer3DModel";

    private final WanTransformer3DModel base;
    private final long[] patch;
    private final Tensor vacePatchWeight;
    private final Tensor vacePatchBias;
    private final List<VaceBlock> vaceBlocks;
    private final List<Integer> vaceLayers;

    /** A model over {@code weights} with diffusers names (a checkpoint's or trainable parameters); it owns them. */
    public WanVACETransformer3DModel(Weights weights, WanTransformerConfig config) {
        this(config, Params.of(weights, UnaryOperator.identity()));
    }

    WanVACETransformer3DModel(WanTransformerConfig config, Params params) {
        if (!config.isVace()) {
            throw new IllegalArgumentException("config has no vace_layers: it describes a plain "
                    + WanTransformer3DModel.CLASS_NAME);
        }
        this.base = new WanTransformer3DModel(config, params);
        int dim = config.innerDim();
        this.patch = config.patchSize().stream().mapToLong(Integer::longValue).toArray();
        this.vacePatchWeight = params.get("vace_patch_embedding.weight", dim, config.vaceInChannels(), patch[0],
                patch[1], patch[2]);
        this.vacePatchBias = params.get("vace_patch_embedding.bias", dim);
        this.vaceLayers = List.copyOf(config.vaceLayers());
        this.vaceBlocks = new ArrayList<>();
        for (int j = 0; j < vaceLayers.size(); j++) {
            vaceBlocks.add(new VaceBlock(params.prefix("vace_blocks." + j + "."), config, j == 0));
        }
    }

    /** Loads a diffusers component folder ({@code config.json} + single or sharded safetensors). */
    public static WanVACETransformer3DModel load(Path dir, DType dtype, Device device) {
        return load(dir.resolve("config.json"), dir, dtype, device);
    }

    /** Loads the config and the weights, with diffusers or original Wan names (see {@link WanKeyMap}). */
    public static WanVACETransformer3DModel load(Path configFile, Path weights, DType dtype, Device device) {
        WanTransformerConfig config = WanTransformerConfig.read(configFile);
        if (!config.isVace()) {
            throw new ConfigException(configFile, "no vace_layers: this config describes a plain "
                    + WanTransformer3DModel.CLASS_NAME);
        }
        return WanTransformer3DModel.build(weights, dtype, device, p -> new WanVACETransformer3DModel(config, p));
    }

    /** Every parameter (diffusers name → shape) a model of this config loads, in loading order. */
    public static Map<String, long[]> parameterShapes(WanTransformerConfig config) {
        try (Params recorder = Params.recorder()) {
            new WanVACETransformer3DModel(config, recorder).base.close();
            return recorder.recorded();
        }
    }

    /** Writes a randomly initialised model of this config as a diffusers component folder. */
    public static void writeRandom(WanTransformerConfig config, Path dir, long seed) {
        RandomWeights.write(parameterShapes(config), dir, seed, config.toJson(CLASS_NAME));
    }

    public WanTransformerConfig config() {
        return base.config();
    }

    public DType dtype() {
        return base.dtype();
    }

    public Device device() {
        return base.device();
    }

    /** {@link #forward(Tensor, Tensor, Tensor, Tensor, double[], Probe)} with one context scale for every hint. */
    public Tensor forward(Tensor hiddenStates, Tensor timestep, Tensor encoderHiddenStates, Tensor control,
                          double contextScale) {
        double[] scales = new double[vaceLayers.size()];
        Arrays.fill(scales, contextScale);
        return forward(hiddenStates, timestep, encoderHiddenStates, control, scales, null);
    }

    /**
     * One denoising prediction with VACE control.
     *
     * @param hiddenStates latents [B, in_channels, F, H, W]
     * @param timestep     [B] (or [1]) diffusion timesteps
     * @param encoderHiddenStates text embeddings [B, L, text_dim]
     * @param control      VACE control latents [B, vace_in_channels, F, H, W] (fewer frames are zero-padded)
     * @param scales       one context scale per VACE layer (upstream {@code control_hidden_states_scale})
     * @param probe        receives intermediates, may be null
     */
    public Tensor forward(Tensor hiddenStates, Tensor timestep, Tensor encoderHiddenStates, Tensor control,
                          double[] scales, Probe probe) {
        if (scales.length != vaceLayers.size()) {
            throw new IllegalArgumentException(scales.length + " context scales given, the model has "
                    + vaceLayers.size() + " VACE layers " + vaceLayers);
        }
        long[] cs = Torch.shape(control);
        long[] hs = Torch.shape(hiddenStates);
        if (cs.length != 5 || cs[1] != base.config().vaceInChannels() || cs[0] != hs[0]) {
            throw new IllegalArgumentException("control must be [" + hs[0] + ", " + base.config().vaceInChannels()
                    + ", F, H, W], got " + Arrays.toString(cs));
        }
        try (NativeScope step = NativeScope.open()) {
            WanTransformer3DModel.Prepared p = base.prepare(hiddenStates, timestep, encoderHiddenStates, probe);
            Tensor c = WanOps.conv3d(control.to(device(), dtype().scalarType()), vacePatchWeight, vacePatchBias, patch);
            WanTransformer3DModel.report(probe, "vace_patch_embedding", c);
            c = c.flatten(2, -1).transpose(1, 2);
            long missing = Torch.shape(p.tokens())[1] - Torch.shape(c)[1];
            if (missing < 0) {
                throw new IllegalArgumentException("control " + Arrays.toString(cs) + " has more patches than"
                        + " hidden_states " + Arrays.toString(hs));
            }
            if (missing > 0) {
                c = WanOps.cat(1, c, c.new_zeros(Torch.shape(c)[0], missing, Torch.shape(c)[2]));
            }
            List<Tensor> hints = new ArrayList<>();
            for (int j = 0; j < vaceBlocks.size(); j++) {
                VaceBlock vb = vaceBlocks.get(j);
                int index = j;
                Tensor in = c;
                Tensor out = WanOps.scoped(() -> vb.control(p.tokens(), in, p));
                hints.add(WanOps.scoped(() -> {
                    Tensor hint = vb.projOut.forward(out);
                    WanTransformer3DModel.report(probe, "vace_blocks." + index + ".conditioning_states", hint);
                    return hint;
                }));
                WanTransformer3DModel.report(probe, "vace_blocks." + j + ".control_hidden_states", out);
                in.close();
                c = out;
            }
            c.close();
            // upstream pops the hints in order as it meets the VACE layers going up the main blocks
            int[] next = {0};
            Tensor h = base.runBlocks(p, probe, (i, out) -> {
                if (!vaceLayers.contains(i)) {
                    return out;
                }
                int j = next[0]++;
                return out.add(hints.get(j).mul(Torch.scalar(scales[j])));
            });
            return step.keep(base.finish(h, p));
        }
    }

    @Override
    public void close() {
        base.close();
    }

    /** WanVACETransformerBlock: [proj_in(control) + tokens for block 0], a Wan block, proj_out → hint. */
    private static final class VaceBlock {
        private final Linear projIn;
        private final WanTransformer3DModel.Block block;
        private final Linear projOut;

        VaceBlock(Params p, WanTransformerConfig c, boolean first) {
            int dim = c.innerDim();
            this.projIn = first ? WanTransformer3DModel.linear(p, "proj_in", dim, dim) : null;
            this.block = new WanTransformer3DModel.Block(p, c);
            this.projOut = WanTransformer3DModel.linear(p, "proj_out", dim, dim);
        }

        Tensor control(Tensor tokens, Tensor c, WanTransformer3DModel.Prepared p) {
            if (projIn != null) {
                c = projIn.forward(c).add(tokens);
            }
            return block.forward(c, p.text(), p.timestepProj(), p.rope());
        }
    }
}
