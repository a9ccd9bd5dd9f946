package ai.unison.text;

import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.nio.file.Path;

/** The transformers {@code config.json} of {@code UMT5EncoderModel} (the fields the encoder uses). */
public record UMT5Config(
        @JsonProperty(required = true) int vocabSize,
        @JsonProperty(required = true) int dModel,
        @JsonProperty(required = true) int dKv,
        @JsonProperty(required = true) int dFf,
        @JsonProperty(required = true) int numLayers,
        @JsonProperty(required = true) int numHeads,
        Integer relativeAttentionNumBuckets,
        Integer relativeAttentionMaxDistance,
        Double layerNormEpsilon,
        String feedForwardProj,
        String denseActFn) {

    public static UMT5Config read(Path file) {
        UMT5Config c = Json.readConfig(file, UMT5Config.class);
        if (!c.feedForwardProj().equals("gated-gelu")) {
            throw new ConfigException(file, "feed_forward_proj '" + c.feedForwardProj()
                    + "' is not supported (UMT5 as Wan uses it is gated-gelu)");
        }
        if (!c.denseActFn().equals("gelu_new") && !c.denseActFn().equals("gelu_pytorch_tanh")) {
            throw new ConfigException(file, "dense_act_fn '" + c.denseActFn()
                    + "' is not supported (gelu_new, the tanh approximation, is)");
        }
        return c;
    }

    @Override
    public Integer relativeAttentionNumBuckets() {
        return relativeAttentionNumBuckets == null ? 32 : relativeAttentionNumBuckets;
    }

    @Override
    public Integer relativeAttentionMaxDistance() {
        return relativeAttentionMaxDistance == null ? 128 : relativeAttentionMaxDistance;
    }

    @Override
    public Double layerNormEpsilon() {
        return layerNormEpsilon == null ? 1e-6 : layerNormEpsilon;
    }

    @Override
    public String feedForwardProj() {
        return feedForwardProj == null ? "gated-gelu" : feedForwardProj;
    }

    @Override
    public String denseActFn() {
        return denseActFn == null ? "gelu_new" : denseActFn;
    }
}
