package ai.unison.plan;

import ai.unison.api.Attachment;
import ai.unison.api.PlanException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a request's text and attachments into the planner's input, without opening any file.
 *
 * <p>Each inline reference {@code ###path###} (on one line; the path is trimmed) becomes
 * {@code <IMGPAD>} or {@code <VIDPAD>} in place. Attachments given separately come after the inline
 * ones, in the order given: their indices continue after the inline ones and their placeholders
 * are appended to the end of the text (trailing whitespace dropped), each preceded by one space,
 * none before the first when the text is empty: {@code "make it blue"} with {@code a.png} and
 * {@code b.mp4} becomes {@code "make it blue <IMGPAD> <VIDPAD>"}. The same path mentioned twice is
 * two attachments. Text that already contains a signal token is refused.
 */
public final class RequestText {

    private static final Pattern INLINE = Pattern.compile("###(.*?)###");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    private static final Pattern SPACE_BEFORE_PUNCTUATION = Pattern.compile(" +([,.;:!?])");

    /**
     * A request ready for planning.
     *
     * @param text        the planner's input: placeholders in place of attachments
     * @param prompt      the request's own words: inline references removed, whitespace collapsed
     * @param attachments every attachment, inline ones first in order of mention, then the separate ones
     */
    public record Prepared(String text, String prompt, List<Attachment> attachments) {
        public Prepared {
            attachments = List.copyOf(attachments);
        }
    }

    private RequestText() {}

    /** Prepares a request under the default {@link PlanLimits}. */
    public static Prepared prepare(String request, List<String> separate) {
        return prepare(request, separate, PlanLimits.DEFAULTS);
    }

    /** Prepares a request; fails when it has more attachments than {@code limits} allow. */
    public static Prepared prepare(String request, List<String> separate, PlanLimits limits) {
        for (String token : SignalGrammar.TOKENS) {
            if (request.contains(token)) {
                throw new PlanException("request text contains the reserved token " + token
                        + "; attach files as ###path### or separately");
            }
        }
        List<Attachment> attachments = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        StringBuilder prompt = new StringBuilder();
        Matcher m = INLINE.matcher(request);
        int last = 0;
        while (m.find()) {
            String path = m.group(1).strip();
            if (path.isEmpty()) {
                throw new PlanException("request text has an empty inline reference '" + m.group() + "' at offset " + m.start());
            }
            Attachment a = Attachment.of(attachments.size(), path);
            attachments.add(a);
            text.append(request, last, m.start()).append(placeholder(a));
            prompt.append(request, last, m.start()).append(' ');
            last = m.end();
        }
        text.append(request, last, request.length());
        prompt.append(request, last, request.length());
        for (String path : separate) {
            Attachment a = Attachment.of(attachments.size(), path);
            attachments.add(a);
            int end = text.length();
            while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
                end--;
            }
            text.setLength(end);
            text.append(end == 0 ? "" : " ").append(placeholder(a));
        }
        limits.checkAttachments(attachments.size());
        String cleanPrompt = SPACE_BEFORE_PUNCTUATION.matcher(SPACES.matcher(prompt).replaceAll(" ").strip()).replaceAll("$1");
        return new Prepared(text.toString(), cleanPrompt, attachments);
    }

    private static String placeholder(Attachment a) {
        return a.kind() == Attachment.Kind.IMAGE ? SignalGrammar.IMGPAD : SignalGrammar.VIDPAD;
    }
}
