package ai.unison.diffusion.wan;

import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;

/** The diffusers {@code config.json} of {@code AutoencoderKLWan}; only the Wan2.1 layout is supported. */
public record AutoencoderKLWanConfig(
        Integer baseDim,
        Integer decoderBaseDim,
        Integer zDim,
        List<Integer> dimMult,
        Integer numResBlocks,
        List<Double> attnScales,
        List<Boolean> temperalDownsample,
        List<Double> latentsMean,
        List<Double> latentsStd,
        Boolean isResidual,
        Integer inChannels,
        Integer outChannels,
        Integer patchSize) {

    /** The Wan2.1 VAE (base_dim 96, z_dim 16, dim_mult [1, 2, 4, 4], two residual blocks per level). */
    public static AutoencoderKLWanConfig wan21() {
        return new AutoencoderKLWanConfig(96, null, 16, List.of(1, 2, 4, 4), 2, List.of(),
                List.of(false, true, true),
                List.of(-0.7571, -0.7089, -0.9113, 0.1075, -0.1745, 0.9653, -0.1517, 1.5508, 0.4134, -0.0715, 0.5517,
                        -0.3632, -0.1922, -0.9497, 0.2503, -0.2921),
                List.of(2.8184, 1.4541, 2.3275, 2.6558, 1.2196, 1.7708, 2.6052, 2.0743, 3.2687, 2.1526, 2.8652, 1.5579,
                        1.6382, 1.1253, 2.8251, 1.9160),
                false, 3, 3, null);
    }

    public static AutoencoderKLWanConfig read(Path file) {
        AutoencoderKLWanConfig c = Json.readConfig(file, AutoencoderKLWanConfig.class);
        c.validate(file);
        return c;
    }

    private void validate(Path file) {
        if (Boolean.TRUE.equals(isResidual) || (patchSize != null && patchSize > 1)) {
            throw new ConfigException(file, "is_residual / patch_size describe the Wan2.2 VAE, which is not supported");
        }
        if (!attnScales().isEmpty()) {
            throw new ConfigException(file, "attn_scales " + attnScales + " is not supported (Wan2.1 uses [])");
        }
        if (temperalDownsample().size() != dimMult().size() - 1) {
            throw new ConfigException(file, "temperal_downsample has " + temperalDownsample().size()
                    + " entries, dim_mult " + dimMult() + " implies " + (dimMult().size() - 1));
        }
        if (latentsMean().size() != zDim() || latentsStd().size() != zDim()) {
            throw new ConfigException(file, "latents_mean/latents_std must have z_dim = " + zDim() + " entries");
        }
    }

    @Override
    public Integer baseDim() {
        return baseDim == null ? 96 : baseDim;
    }

    @Override
    public Integer decoderBaseDim() {
        return decoderBaseDim == null ? baseDim() : decoderBaseDim;
    }

    @Override
    public Integer zDim() {
        return zDim == null ? 16 : zDim;
    }

    @Override
    public List<Integer> dimMult() {
        return dimMult == null ? List.of(1, 2, 4, 4) : dimMult;
    }

    @Override
    public Integer numResBlocks() {
        return numResBlocks == null ? 2 : numResBlocks;
    }

    @Override
    public List<Double> attnScales() {
        return attnScales == null ? List.of() : attnScales;
    }

    @Override
    public List<Boolean> temperalDownsample() {
        return temperalDownsample == null ? List.of(false, true, true) : temperalDownsample;
    }

    @Override
    public List<Double> latentsMean() {
        return latentsMean == null ? wan21().latentsMean : latentsMean;
    }

    @Override
    public List<Double> latentsStd() {
        return latentsStd == null ? wan21().latentsStd : latentsStd;
    }

    @Override
    public Integer inChannels() {
        return inChannels == null ? 3 : inChannels;
    }

    @Override
    public Integer outChannels() {
        return outChannels == null ? 3 : outChannels;
    }

    /** Spatial compression: 2 per down-sampling level (8 for Wan2.1). */
    public int spatialFactor() {
        return 1 << temperalDownsample().size();
    }

    /** Temporal compression: 2 per temporally down-sampling level (4 for Wan2.1). */
    public int temporalFactor() {
        return 1 << (int) temperalDownsample().stream().filter(b -> b).count();
    }

    String toJson() {
        ObjectNode n = Json.CONFIG.createObjectNode();
        n.put("_class_name", AutoencoderKLWan.CLASS_NAME);
        n.setAll((ObjectNode) Json.CONFIG.valueToTree(this));
        return n.toPrettyString();
    }
}
