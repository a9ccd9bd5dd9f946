package ai.unison.vision;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/** {@code vision_config} of a Qwen2.5-VL {@code config.json}, with upstream names and defaults. */
public record Qwen2_5_VisionConfig(
        @JsonProperty(required = true) int depth,
        @JsonProperty(required = true) int hiddenSize,
        @JsonProperty(required = true) int intermediateSize,
        @JsonProperty(required = true) int numHeads,
        @JsonProperty(required = true) int outHiddenSize,
        Integer inChannels,
        Integer patchSize,
        Integer spatialMergeSize,
        Integer temporalPatchSize,
        Integer windowSize,
        List<Integer> fullattBlockIndexes,
        Double tokensPerSecond,
        String hiddenAct) {

    public int channels() {
        return inChannels == null ? 3 : inChannels;
    }

    public int patch() {
        return patchSize == null ? 14 : patchSize;
    }

    public int merge() {
        return spatialMergeSize == null ? 2 : spatialMergeSize;
    }

    public int temporalPatch() {
        return temporalPatchSize == null ? 2 : temporalPatchSize;
    }

    public int window() {
        return windowSize == null ? 112 : windowSize;
    }

    public List<Integer> fullAttentionBlocks() {
        return fullattBlockIndexes == null ? List.of(7, 15, 23, 31) : fullattBlockIndexes;
    }

    public double tokensPerSecondOrDefault() {
        return tokensPerSecond == null ? 2.0 : tokensPerSecond;
    }

    public int headDim() {
        return hiddenSize / numHeads;
    }

    /** Elements of one flattened patch: channels × temporal patch × patch × patch. */
    public int patchElements() {
        return channels() * temporalPatch() * patch() * patch();
    }
}
