package ai.unison.lm;

import java.util.List;
import java.util.Set;

/**
 * How one request is decoded. {@code temperature} 0 is greedy (the repetition penalty still applies;
 * top-k, top-p and min-p only shape sampling); otherwise the logits go through, in upstream's order,
 * repetition penalty → temperature → top-k → top-p → min-p, and a token is drawn with the request's own
 * generator seeded by {@code seed} (null: a random seed), so equal seeds give equal tokens wherever the
 * request sits in a batch.
 *
 * @param maxNewTokens      at least 1
 * @param topK              0 = off
 * @param topP              in (0, 1]; 1 = off
 * @param minP              in [0, 1]; 0 = off
 * @param repetitionPenalty &gt; 0; 1 = off (upstream's rule: positive logits of seen tokens are divided, negative multiplied)
 * @param stopTokenIds      generation ends after one of these (it is part of the output)
 * @param stopStrings       generation ends once the decoded text contains one (needs a detokenizer)
 * @param logprobs          report each chosen token's log-probability under the model's raw distribution
 * @param outputLogits      keep each step's raw logits (as upstream's {@code output_logits})
 * @param logitsProcessor   applied to the raw logits before everything else (e.g. constrained decoding); may be null
 */
public record GenerationOptions(int maxNewTokens, double temperature, int topK, double topP, double minP,
                                double repetitionPenalty, Long seed, Set<Long> stopTokenIds, List<String> stopStrings,
                                boolean logprobs, boolean outputLogits, LogitsProcessor logitsProcessor) {

    public GenerationOptions {
        if (maxNewTokens < 1) {
            throw new IllegalArgumentException("max new tokens must be at least 1, got " + maxNewTokens);
        }
        if (!(temperature >= 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be finite and >= 0 (0 = greedy), got " + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("top-k must be >= 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("top-p must be in (0, 1], got " + topP);
        }
        if (!(minP >= 0 && minP <= 1)) {
            throw new IllegalArgumentException("min-p must be in [0, 1], got " + minP);
        }
        if (!(repetitionPenalty > 0) || Double.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("repetition penalty must be finite and > 0 (1 = off), got "
                    + repetitionPenalty);
        }
        stopTokenIds = Set.copyOf(stopTokenIds);
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) {
                throw new IllegalArgumentException("stop strings must not be empty");
            }
        }
    }

    /** Greedy decoding of up to {@code maxNewTokens} tokens. */
    public static GenerationOptions greedy(int maxNewTokens) {
        return builder().maxNewTokens(maxNewTokens).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.maxNewTokens = maxNewTokens;
        b.temperature = temperature;
        b.topK = topK;
        b.topP = topP;
        b.minP = minP;
        b.repetitionPenalty = repetitionPenalty;
        b.seed = seed;
        b.stopTokenIds = stopTokenIds;
        b.stopStrings = stopStrings;
        b.logprobs = logprobs;
        b.outputLogits = outputLogits;
        b.logitsProcessor = logitsProcessor;
        return b;
    }

    /** Defaults: 128 new tokens, greedy, no filters, no penalty, no stops. */
    public static final class Builder {
        private int maxNewTokens = 128;
        private double temperature;
        private int topK;
        private double topP = 1.0;
        private double minP;
        private double repetitionPenalty = 1.0;
        private Long seed;
        private Set<Long> stopTokenIds = Set.of();
        private List<String> stopStrings = List.of();
        private boolean logprobs;
        private boolean outputLogits;
        private LogitsProcessor logitsProcessor;

        private Builder() {
        }

        public Builder maxNewTokens(int n) {
            maxNewTokens = n;
            return this;
        }

        public Builder temperature(double t) {
            temperature = t;
            return this;
        }

        public Builder topK(int k) {
            topK = k;
            return this;
        }

        public Builder topP(double p) {
            topP = p;
            return this;
        }

        public Builder minP(double p) {
            minP = p;
            return this;
        }

        public Builder repetitionPenalty(double p) {
            repetitionPenalty = p;
            return this;
        }

        public Builder seed(long s) {
            seed = s;
            return this;
        }

        public Builder stopTokenIds(Set<Long> ids) {
            stopTokenIds = ids;
            return this;
        }

        public Builder stopStrings(List<String> strings) {
            stopStrings = strings;
            return this;
        }

        public Builder logprobs(boolean on) {
            logprobs = on;
            return this;
        }

        public Builder outputLogits(boolean on) {
            outputLogits = on;
            return this;
        }

        public Builder logitsProcessor(LogitsProcessor p) {
            logitsProcessor = p;
            return this;
        }

        public GenerationOptions build() {
            return new GenerationOptions(maxNewTokens, temperature, topK, topP, minP, repetitionPenalty, seed,
                    stopTokenIds, stopStrings, logprobs, outputLogits, logitsProcessor);
        }
    }
}
