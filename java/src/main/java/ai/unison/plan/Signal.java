package ai.unison.plan;

import ai.unison.api.Plan;
import java.util.Objects;

/**
 * The parsed spans of one planner output. For a generation plan, {@code end} is IMAGE or VIDEO and
 * the optional spans are null/false when absent; for an understanding answer, {@code end} is NONE
 * and only {@code answer} is set.
 *
 * @param width       W of {@code <BORES>W,H<EORES>}
 * @param height      H of {@code <BORES>W,H<EORES>}
 * @param frameToken  N of {@code <BONF>N<EONF>}; the video has N+1 frames
 * @param frameIndex  K of {@code <BOFIDX>K<EOFIDX>}: 0 first frame, 1 last frame
 * @param edit        M,S of {@code <BOEDIT>M,S<EOEDIT>}
 * @param reference   {@code <REF>} present
 * @param control     {@code <CTRL>} present
 * @param end         {@code <CFI>}, {@code <CFV>} or neither
 * @param answer      the answer text of an understanding output
 */
public record Signal(
        Integer width,
        Integer height,
        Integer frameToken,
        Integer frameIndex,
        Plan.Edit edit,
        boolean reference,
        boolean control,
        End end,
        String answer) {

    /** How the output ends: {@code <CFI>}, {@code <CFV>}, or as plain answer text. */
    public enum End { IMAGE, VIDEO, NONE }

    public Signal {
        Objects.requireNonNull(end, "end");
        if ((end == End.NONE) != (answer != null)) {
            throw new IllegalArgumentException("an answer goes with End.NONE and only with it");
        }
    }

    /** An understanding output: plain text without signal tokens. */
    static Signal answer(String text) {
        return new Signal(null, null, null, null, null, false, false, End.NONE, text);
    }

    /** The canonical signal string, as {@link SignalGrammar#print(Signal)}. */
    @Override
    public String toString() {
        return SignalGrammar.print(this);
    }
}
