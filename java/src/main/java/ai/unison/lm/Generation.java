package ai.unison.lm;

/**
 * The outcome of one request.
 *
 * @param tokens   the generated ids (a stop token that ended it included), without the prompt
 * @param text     the decoded text up to (not including) a stop string; null without a detokenizer
 * @param reason   why it ended
 * @param logprobs per token, when asked for; else null
 * @param logits   per step raw logits [vocab], when asked for; else null
 * @param seed     the seed the request's sampler used
 */
public record Generation(long[] tokens, String text, FinishReason reason, float[] logprobs, float[][] logits,
                         long seed) {
    public enum FinishReason {
        /** a stop token id was generated */
        STOP_TOKEN,
        /** the text contains a stop string */
        STOP_STRING,
        /** max new tokens reached */
        MAX_TOKENS,
        /** the sequence filled its context */
        CONTEXT
    }
}
