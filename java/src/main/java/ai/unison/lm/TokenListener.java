package ai.unison.lm;

/** Receives a request's tokens as they are generated, on the stepping thread. */
@FunctionalInterface
public interface TokenListener {
    /**
     * @param index   0 for the first new token
     * @param token   its id
     * @param logprob its log-probability when the request asked for them, else NaN
     * @param text    the text it adds (may be empty while a character is incomplete); null without a detokenizer
     */
    void onToken(int index, long token, float logprob, String text);
}
