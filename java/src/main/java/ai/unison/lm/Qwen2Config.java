package ai.unison.lm;

import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Qwen2 / Qwen2.5 {@code config.json} ({@code Qwen2ForCausalLM}). Optional fields are boxed and
 * get upstream's defaults from the accessor-like methods below ({@link #kvHeads()}, {@link #headSize()}, ...).
 *
 * <p>{@code head_dim} is optional (upstream derives {@code hidden_size / num_attention_heads});
 * {@code attention_bias} is optional and defaults to {@code true}, Qwen2's q/k/v biases.
 * {@code rope_scaling} may be absent, {@code default}, {@code linear} (with {@code factor}) or carry an
 * {@code mrope_section} (Qwen2.5-VL).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Qwen2Config(
        @JsonProperty(required = true) int vocabSize,
        @JsonProperty(required = true) int hiddenSize,
        @JsonProperty(required = true) int intermediateSize,
        @JsonProperty(required = true) int numHiddenLayers,
        @JsonProperty(required = true) int numAttentionHeads,
        Integer numKeyValueHeads,
        Integer headDim,
        Integer maxPositionEmbeddings,
        Double rmsNormEps,
        Double ropeTheta,
        Map<String, Object> ropeScaling,
        Boolean tieWordEmbeddings,
        Boolean attentionBias,
        String hiddenAct,
        Boolean useSlidingWindow,
        String torchDtype,
        Integer bosTokenId,
        JsonNode eosTokenId,
        List<String> architectures,
        String modelType) {

    /** Reads and validates {@code config.json} from a model folder (or the file itself). */
    public static Qwen2Config read(Path location) {
        Path file = Files.isDirectory(location) ? location.resolve("config.json") : location;
        Qwen2Config c = Json.readConfig(file, Qwen2Config.class);
        c.validate(file);
        return c;
    }

    /** A config with upstream defaults for everything not given (used for random models in tests and benchmarks). */
    public static Qwen2Config of(int vocabSize, int hiddenSize, int intermediateSize, int numHiddenLayers,
                                 int numAttentionHeads, int numKeyValueHeads) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, null, null, null, null, null, null, null, "silu", false, "float32", null, null,
                List.of("Qwen2ForCausalLM"), "qwen2");
    }

    /** The shape of Qwen2.5-0.5B (tied embeddings, rope theta 1e6). */
    public static Qwen2Config qwen25HalfB() {
        return of(151936, 896, 4864, 24, 14, 2).withRopeTheta(1_000_000.0).withTiedEmbeddings(true)
                .withMaxPositions(32768);
    }

    public Qwen2Config withTiedEmbeddings(boolean tied) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling, tied,
                attentionBias, hiddenAct, useSlidingWindow, torchDtype, bosTokenId, eosTokenId, architectures, modelType);
    }

    public Qwen2Config withHeadDim(int dim) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, dim, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings,
                attentionBias, hiddenAct, useSlidingWindow, torchDtype, bosTokenId, eosTokenId, architectures, modelType);
    }

    public Qwen2Config withRopeTheta(double theta) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, theta, ropeScaling, tieWordEmbeddings,
                attentionBias, hiddenAct, useSlidingWindow, torchDtype, bosTokenId, eosTokenId, architectures, modelType);
    }

    public Qwen2Config withLinearRopeScaling(double factor) {
        Map<String, Object> scaling = new LinkedHashMap<>();
        scaling.put("rope_type", "linear");
        scaling.put("factor", factor);
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, ropeTheta, scaling, tieWordEmbeddings,
                attentionBias, hiddenAct, useSlidingWindow, torchDtype, bosTokenId, eosTokenId, architectures, modelType);
    }

    public Qwen2Config withAttentionBias(boolean bias) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, maxPositionEmbeddings, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings,
                bias, hiddenAct, useSlidingWindow, torchDtype, bosTokenId, eosTokenId, architectures, modelType);
    }

    public Qwen2Config withMaxPositions(int positions) {
        return new Qwen2Config(vocabSize, hiddenSize, intermediateSize, numHiddenLayers, numAttentionHeads,
                numKeyValueHeads, headDim, positions, rmsNormEps, ropeTheta, ropeScaling, tieWordEmbeddings,
                attentionBias, hiddenAct, useSlidingWindow, torchDtype, bosTokenId, eosTokenId, architectures, modelType);
    }

    public int kvHeads() {
        return numKeyValueHeads != null ? numKeyValueHeads : numAttentionHeads;
    }

    /** {@code head_dim}, else {@code hidden_size / num_attention_heads}. */
    public int headSize() {
        return headDim != null ? headDim : hiddenSize / numAttentionHeads;
    }

    public int maxPositions() {
        return maxPositionEmbeddings != null ? maxPositionEmbeddings : 32768;
    }

    public double normEps() {
        return rmsNormEps != null ? rmsNormEps : 1e-6;
    }

    public double theta() {
        return ropeTheta != null ? ropeTheta : 10000.0;
    }

    public boolean tied() {
        return tieWordEmbeddings != null && tieWordEmbeddings;
    }

    public boolean qkvBias() {
        return attentionBias == null || attentionBias;
    }

    /** {@code default}, {@code linear} or {@code mrope}. */
    public String ropeType() {
        if (ropeScaling == null) {
            return "default";
        }
        Object t = ropeScaling.containsKey("rope_type") ? ropeScaling.get("rope_type") : ropeScaling.get("type");
        return t == null ? "default" : t.toString();
    }

    /** The linear scaling factor (1 when the rope is not linearly scaled). */
    public double ropeFactor() {
        if (!ropeType().equals("linear")) {
            return 1.0;
        }
        Object f = ropeScaling.get("factor");
        return f instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    /** Qwen2.5-VL's {@code mrope_section}, or null. */
    public long[] mropeSection() {
        if (ropeScaling == null || !(ropeScaling.get("mrope_section") instanceof List<?> list)) {
            return null;
        }
        long[] out = new long[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).longValue();
        }
        return out;
    }

    /** The end-of-sequence ids the config names ({@code eos_token_id} may be a number or a list). */
    public List<Long> eosTokenIds() {
        List<Long> out = new ArrayList<>();
        if (eosTokenId != null && eosTokenId.isNumber()) {
            out.add(eosTokenId.asLong());
        } else if (eosTokenId != null && eosTokenId.isArray()) {
            eosTokenId.forEach(n -> out.add(n.asLong()));
        }
        return out;
    }

    /** Fails with the field and the value when the config asks for something this implementation cannot run. */
    public void validate(Path file) {
        positive(file, "vocab_size", vocabSize);
        positive(file, "hidden_size", hiddenSize);
        positive(file, "intermediate_size", intermediateSize);
        positive(file, "num_hidden_layers", numHiddenLayers);
        positive(file, "num_attention_heads", numAttentionHeads);
        positive(file, "num_key_value_heads", kvHeads());
        positive(file, "max_position_embeddings", maxPositions());
        if (headDim == null && hiddenSize % numAttentionHeads != 0) {
            throw new ConfigException(file, "hidden_size " + hiddenSize + " is not divisible by num_attention_heads "
                    + numAttentionHeads + " (and no head_dim is given)");
        }
        if (headSize() <= 0 || headSize() % 2 != 0) {
            throw new ConfigException(file, "head_dim " + headSize() + " must be a positive even number for rotary embeddings");
        }
        if (numAttentionHeads % kvHeads() != 0) {
            throw new ConfigException(file, "num_attention_heads " + numAttentionHeads
                    + " is not a multiple of num_key_value_heads " + kvHeads());
        }
        if (hiddenAct != null && !hiddenAct.equals("silu")) {
            throw new ConfigException(file, "hidden_act '" + hiddenAct + "' is not supported; Qwen2 uses 'silu'");
        }
        if (useSlidingWindow != null && useSlidingWindow) {
            throw new ConfigException(file, "use_sliding_window true is not supported");
        }
        if (theta() <= 0) {
            throw new ConfigException(file, "rope_theta must be positive, got " + theta());
        }
        String type = ropeType();
        if (!type.equals("default") && !type.equals("linear") && !type.equals("mrope")) {
            throw new ConfigException(file, "rope_scaling type '" + type + "' is not supported; expected default, linear or mrope");
        }
        if (type.equals("linear") && !(ropeFactor() > 0)) {
            throw new ConfigException(file, "rope_scaling linear needs a positive 'factor', got " + ropeScaling.get("factor"));
        }
        long[] section = mropeSection();
        if (section != null) {
            long sum = 0;
            for (long s : section) {
                sum += s;
            }
            if (sum * 2 != headSize()) {
                throw new ConfigException(file, "rope_scaling mrope_section " + java.util.Arrays.toString(section)
                        + " sums to " + sum + ", expected head_dim / 2 = " + headSize() / 2);
            }
        }
    }

    /** This config as upstream {@code config.json} text. */
    public String toJson() {
        try {
            return Json.CONFIG.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write config: " + e.getOriginalMessage(), e);
        }
    }

    private static void positive(Path file, String field, int value) {
        if (value <= 0) {
            throw new ConfigException(file, field + " must be positive, got " + value);
        }
    }
}
