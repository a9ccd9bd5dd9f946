package ai.unison.diffusion.wan;

import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.List;

/**
 * The diffusers {@code config.json} of {@code WanTransformer3DModel} and {@code WanVACETransformer3DModel}
 * (the VACE fields are null for the plain transformer). {@link #read} also accepts the original Wan
 * {@code config.json} ({@code dim}, {@code num_heads}, {@code in_dim}, ...), which it translates.
 */
public record WanTransformerConfig(
        List<Integer> patchSize,
        @JsonProperty(required = true) int numAttentionHeads,
        @JsonProperty(required = true) int attentionHeadDim,
        @JsonProperty(required = true) int inChannels,
        Integer outChannels,
        @JsonProperty(required = true) int textDim,
        @JsonProperty(required = true) int freqDim,
        @JsonProperty(required = true) int ffnDim,
        @JsonProperty(required = true) int numLayers,
        Boolean crossAttnNorm,
        String qkNorm,
        Double eps,
        Integer imageDim,
        Integer addedKvProjDim,
        Integer ropeMaxSeqLen,
        Integer posEmbedSeqLen,
        List<Integer> vaceLayers,
        Integer vaceInChannels) {

    /** The Wan2.1-1.3B transformer (T2V; with VACE layers every second block for Wan2.1-VACE-1.3B). */
    public static WanTransformerConfig wan21_1_3B(boolean vace) {
        return new WanTransformerConfig(List.of(1, 2, 2), 12, 128, 16, 16, 4096, 256, 8960, 30, true,
                "rms_norm_across_heads", 1e-6, null, null, 1024, null,
                vace ? List.of(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28) : null, vace ? 96 : null);
    }

    public static WanTransformerConfig read(Path file) {
        JsonNode tree = Json.readTree(file);
        WanTransformerConfig c = tree.has("dim") && !tree.has("num_attention_heads") ? fromOriginal(file, tree)
                : Json.readConfig(file, WanTransformerConfig.class);
        c.validate(file);
        return c;
    }

    /** The original Wan config: dim, ffn_dim, freq_dim, in_dim, out_dim, num_heads, num_layers, eps, vace_*. */
    private static WanTransformerConfig fromOriginal(Path file, JsonNode t) {
        for (String k : List.of("dim", "ffn_dim", "freq_dim", "in_dim", "num_heads", "num_layers")) {
            if (!t.hasNonNull(k)) {
                throw new ConfigException(file, "missing required field '" + k + "' for the original Wan config");
            }
        }
        int dim = t.get("dim").asInt();
        int heads = t.get("num_heads").asInt();
        if (heads <= 0 || dim % heads != 0) {
            throw new ConfigException(file, "dim " + dim + " is not a multiple of num_heads " + heads);
        }
        List<Integer> vace = null;
        if (t.has("vace_layers")) {
            vace = new java.util.ArrayList<>();
            for (JsonNode n : t.get("vace_layers")) {
                vace.add(n.asInt());
            }
        }
        return new WanTransformerConfig(List.of(1, 2, 2), heads, dim / heads, t.get("in_dim").asInt(),
                t.path("out_dim").asInt(t.get("in_dim").asInt()), t.path("text_dim").asInt(4096),
                t.get("freq_dim").asInt(), t.get("ffn_dim").asInt(), t.get("num_layers").asInt(), true,
                "rms_norm_across_heads", t.path("eps").asDouble(1e-6), null, null, 1024, null, vace,
                vace == null ? null : t.path("vace_in_dim").asInt(96));
    }

    private void validate(Path file) {
        if (patchSize().size() != 3) {
            throw new ConfigException(file, "patch_size must have 3 entries (t, h, w), got " + patchSize());
        }
        if (imageDim != null || addedKvProjDim != null || posEmbedSeqLen != null) {
            throw new ConfigException(file, "image conditioning (image_dim / added_kv_proj_dim / pos_embed_seq_len,"
                    + " the I2V/FLF2V models) is not supported");
        }
        if (!"rms_norm_across_heads".equals(qkNorm())) {
            throw new ConfigException(file, "qk_norm '" + qkNorm + "' is not supported (only rms_norm_across_heads)");
        }
        if (vaceLayers != null) {
            if (!vaceLayers.contains(0)) {
                throw new ConfigException(file, "vace_layers " + vaceLayers + " must include layer 0");
            }
            for (int l : vaceLayers) {
                if (l < 0 || l >= numLayers) {
                    throw new ConfigException(file, "vace_layers entry " + l + " is outside 0.." + (numLayers - 1));
                }
            }
        }
    }

    @Override
    public List<Integer> patchSize() {
        return patchSize == null ? List.of(1, 2, 2) : patchSize;
    }

    @Override
    public Integer outChannels() {
        return outChannels == null ? inChannels : outChannels;
    }

    @Override
    public Boolean crossAttnNorm() {
        return crossAttnNorm == null || crossAttnNorm;
    }

    @Override
    public String qkNorm() {
        return qkNorm == null ? "rms_norm_across_heads" : qkNorm;
    }

    @Override
    public Double eps() {
        return eps == null ? 1e-6 : eps;
    }

    @Override
    public Integer ropeMaxSeqLen() {
        return ropeMaxSeqLen == null ? 1024 : ropeMaxSeqLen;
    }

    @Override
    public Integer vaceInChannels() {
        return vaceInChannels == null ? 96 : vaceInChannels;
    }

    /** heads × head dim: the width of the residual stream. */
    public int innerDim() {
        return numAttentionHeads * attentionHeadDim;
    }

    public boolean isVace() {
        return vaceLayers != null;
    }

    /** This config as a diffusers {@code config.json} for {@code className}. */
    String toJson(String className) {
        ObjectNode n = Json.CONFIG.createObjectNode();
        n.put("_class_name", className);
        n.setAll((ObjectNode) Json.CONFIG.valueToTree(this));
        if (!isVace()) {
            n.remove("vace_layers");
            n.remove("vace_in_channels");
        }
        return n.toPrettyString();
    }
}
