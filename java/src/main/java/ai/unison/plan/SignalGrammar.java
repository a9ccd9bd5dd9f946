package ai.unison.plan;

import ai.unison.api.Attachment;
import ai.unison.api.Plan;
import ai.unison.api.PlanException;
import ai.unison.api.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * The signal-token grammar of PLAN.md:
 * {@code [<BORES>W,H<EORES>] [<BONF>N<EONF>] [<BOFIDX>K<EOFIDX>] [<BOEDIT>M,S<EOEDIT>] [<REF>] [<CTRL>] (<CFI>|<CFV>)}.
 *
 * <p>Numbers are plain decimals without sign or leading zeros; W and H are positive and K is 0 or 1.
 * Because the table "From signal to task" names one task per marker, a plan carries at most one of
 * {@code <BOFIDX>}, {@code <BOEDIT>}, {@code <REF>}, {@code <CTRL>}, and an image plan ({@code <CFI>})
 * carries neither {@code <BONF>} nor {@code <BOFIDX>}. Output without any signal token is an
 * understanding answer. Surrounding whitespace is ignored; nothing else is.
 */
public final class SignalGrammar {

    public static final String CFI = "<CFI>";
    public static final String CFV = "<CFV>";
    public static final String BORES = "<BORES>";
    public static final String EORES = "<EORES>";
    public static final String BONF = "<BONF>";
    public static final String EONF = "<EONF>";
    public static final String BOFIDX = "<BOFIDX>";
    public static final String EOFIDX = "<EOFIDX>";
    public static final String REF = "<REF>";
    public static final String CTRL = "<CTRL>";
    public static final String BOEDIT = "<BOEDIT>";
    public static final String EOEDIT = "<EOEDIT>";
    public static final String IMGPAD = "<IMGPAD>";
    public static final String VIDPAD = "<VIDPAD>";

    /** The fourteen signal tokens, in PLAN.md's order. */
    public static final List<String> TOKENS = List.of(CFI, CFV, BORES, EORES, BONF, EONF, BOFIDX, EOFIDX,
            REF, CTRL, BOEDIT, EOEDIT, IMGPAD, VIDPAD);

    /** Frames per second of every video plan. */
    public static final int FPS = 24;

    /** The tokens that may open the optional parts of a plan, in grammar order. */
    static final List<String> OPENERS = List.of(BORES, BONF, BOFIDX, BOEDIT, REF, CTRL);
    /** Longest number accepted in a span; longer values are junk, not sizes. */
    static final int MAX_DIGITS = 9;

    private SignalGrammar() {}

    /** Reads planner output into its spans; throws {@link PlanException} naming the bad span or value. */
    public static Signal parse(String output) {
        String text = output.strip();
        List<String> items = split(text);
        if (items.stream().noneMatch(SignalGrammar::isToken)) {
            return Signal.answer(text);
        }
        Cursor c = new Cursor(text, items);
        Integer width = null, height = null, frameToken = null, frameIndex = null;
        Plan.Edit edit = null;
        boolean reference = false, control = false;
        int stage = 0;
        while (c.hasNext() && OPENERS.contains(c.peek())) {
            String opener = c.peek();
            int order = OPENERS.indexOf(opener);
            if (order == stage - 1) {
                throw c.error("span " + opener + " appears twice");
            }
            if (order < stage) {
                throw c.error("span " + opener + " is out of order: it must come before " + OPENERS.get(stage - 1));
            }
            stage = order + 1;
            c.next();
            switch (opener) {
                case BORES -> {
                    int[] wh = pair(c, BORES, EORES, "W,H");
                    width = positive(c, wh[0], "width");
                    height = positive(c, wh[1], "height");
                }
                case BONF -> frameToken = number(c, c.body(BONF, EONF, "N"), BONF, "frame token N");
                case BOFIDX -> {
                    String body = c.body(BOFIDX, EOFIDX, "K");
                    frameIndex = number(c, body, BOFIDX, "frame index K");
                    if (frameIndex > 1) {
                        throw c.error("frame index K in " + BOFIDX + body + EOFIDX + " must be 0 (first) or 1 (last), got " + body);
                    }
                }
                case BOEDIT -> {
                    int[] ms = pair(c, BOEDIT, EOEDIT, "M,S");
                    edit = new Plan.Edit(ms[0], ms[1]);
                }
                case REF -> reference = true;
                case CTRL -> control = true;
                default -> throw new IllegalStateException(opener);
            }
        }
        if (!c.hasNext()) {
            throw c.error("it does not end with " + CFI + " or " + CFV);
        }
        String last = c.next();
        if (!last.equals(CFI) && !last.equals(CFV)) {
            throw c.error("expected " + (stage < OPENERS.size() ? "a span opener, " : "") + CFI + " or " + CFV
                    + " at this point, got '" + last + "'");
        }
        if (c.hasNext()) {
            throw c.error("'" + c.peek() + "' follows " + last + "; nothing may follow the final token");
        }
        Signal.End end = last.equals(CFI) ? Signal.End.IMAGE : Signal.End.VIDEO;
        int markers = (frameIndex != null ? 1 : 0) + (edit != null ? 1 : 0) + (reference ? 1 : 0) + (control ? 1 : 0);
        if (markers > 1) {
            throw c.error("it combines several of " + BOFIDX + ", " + BOEDIT + ", " + REF + ", " + CTRL
                    + "; a plan names at most one");
        }
        if (end == Signal.End.IMAGE && frameToken != null) {
            throw c.error("an image plan (" + CFI + ") carries the frame span " + BONF + frameToken + EONF);
        }
        if (end == Signal.End.IMAGE && frameIndex != null) {
            throw c.error("an image plan (" + CFI + ") carries the frame-index span " + BOFIDX + frameIndex + EOFIDX);
        }
        return new Signal(width, height, frameToken, frameIndex, edit, reference, control, end, null);
    }

    /** The canonical string of a signal: spans in grammar order, or the answer text. */
    public static String print(Signal s) {
        if (s.end() == Signal.End.NONE) {
            return s.answer();
        }
        StringBuilder b = new StringBuilder();
        if (s.width() != null) {
            b.append(BORES).append(s.width()).append(',').append(s.height()).append(EORES);
        }
        if (s.frameToken() != null) {
            b.append(BONF).append(s.frameToken()).append(EONF);
        }
        if (s.frameIndex() != null) {
            b.append(BOFIDX).append(s.frameIndex()).append(EOFIDX);
        }
        if (s.edit() != null) {
            b.append(BOEDIT).append(s.edit().mask()).append(',').append(s.edit().source()).append(EOEDIT);
        }
        if (s.reference()) {
            b.append(REF);
        }
        if (s.control()) {
            b.append(CTRL);
        }
        return b.append(s.end() == Signal.End.IMAGE ? CFI : CFV).toString();
    }

    /**
     * The task a signal names, per PLAN.md's table; understanding answers take their task from the
     * kind of the first attachment (none: text).
     */
    public static Task task(Signal s, List<Attachment> attachments) {
        return switch (s.end()) {
            case NONE -> attachments.isEmpty() ? Task.TEXT_UNDERSTANDING
                    : attachments.get(0).kind() == Attachment.Kind.IMAGE ? Task.IMAGE_UNDERSTANDING
                    : Task.VIDEO_UNDERSTANDING;
            case IMAGE -> s.edit() != null ? Task.IMAGE_EDIT
                    : s.control() ? Task.IMAGE_CONTROL
                    : s.reference() ? Task.IMAGE_REFERENCE
                    : Task.TEXT_TO_IMAGE;
            case VIDEO -> s.frameIndex() != null ? Task.IMAGE_TO_VIDEO
                    : s.reference() ? Task.VIDEO_REFERENCE
                    : s.edit() != null ? Task.VIDEO_EDIT
                    : s.control() ? Task.VIDEO_CONTROL
                    : Task.TEXT_TO_VIDEO;
        };
    }

    /**
     * The plan for a planner output: parses it, names the task, and checks it against the
     * request's attachments (tasks that read an attachment need one; edit indices must exist).
     * Understanding plans get an empty signal and the output as their answer.
     */
    public static Plan toPlan(String output, List<Attachment> attachments, String prompt) {
        Signal s = parse(output);
        Task task = task(s, attachments);
        if (task.input() != Task.Modality.TEXT && attachments.isEmpty()) {
            throw new PlanException("signal '" + print(s) + "' names " + task + ", which needs an attachment, but the request has none");
        }
        if (s.edit() != null) {
            for (int index : new int[] {s.edit().mask(), s.edit().source()}) {
                if (index >= attachments.size()) {
                    throw new PlanException("edit span " + BOEDIT + s.edit().mask() + "," + s.edit().source() + EOEDIT
                            + " names attachment " + index + " but the request has " + attachments.size());
                }
            }
        }
        if (s.end() == Signal.End.NONE) {
            return new Plan(task, "", null, null, null, null, null, null, false, false, attachments, prompt, s.answer());
        }
        boolean video = s.end() == Signal.End.VIDEO;
        return new Plan(task, print(s), s.width(), s.height(),
                s.frameToken() == null ? null : s.frameToken() + 1,
                video ? FPS : null,
                s.frameIndex() == null ? null : s.frameIndex() == 0 ? Plan.FrameRef.FIRST : Plan.FrameRef.LAST,
                s.edit(), s.reference(), s.control(), attachments, prompt, null);
    }

    static boolean isToken(String item) {
        return TOKENS.contains(item);
    }

    /** Splits text into signal tokens and the text runs between them. */
    private static List<String> split(String text) {
        List<String> items = new ArrayList<>();
        int runStart = 0;
        int i = 0;
        while (i < text.length()) {
            String token = text.charAt(i) == '<' ? tokenAt(text, i) : null;
            if (token == null) {
                i++;
                continue;
            }
            if (i > runStart) {
                items.add(text.substring(runStart, i));
            }
            items.add(token);
            i += token.length();
            runStart = i;
        }
        if (runStart < text.length()) {
            items.add(text.substring(runStart));
        }
        return items;
    }

    private static String tokenAt(String text, int i) {
        for (String token : TOKENS) {
            if (text.startsWith(token, i)) {
                return token;
            }
        }
        return null;
    }

    private static int[] pair(Cursor c, String open, String close, String what) {
        String body = c.body(open, close, what);
        int comma = body.indexOf(',');
        if (comma < 0 || comma != body.lastIndexOf(',')) {
            throw c.error("span " + open + body + close + " is not " + what);
        }
        return new int[] {number(c, body.substring(0, comma), open, what.substring(0, 1)),
                number(c, body.substring(comma + 1), open, what.substring(2))};
    }

    private static int number(Cursor c, String digits, String span, String what) {
        boolean ok = !digits.isEmpty() && digits.length() <= MAX_DIGITS && digits.chars().allMatch(ch -> ch >= '0' && ch <= '9')
                && (digits.length() == 1 || digits.charAt(0) != '0');
        if (!ok) {
            throw c.error(what + " in " + span + " must be a decimal number without sign or leading zeros, got '" + digits + "'");
        }
        return Integer.parseInt(digits);
    }

    private static int positive(Cursor c, int value, String what) {
        if (value == 0) {
            throw c.error(what + " in " + BORES + " must be positive, got 0");
        }
        return value;
    }

    /** Walks the items of one signal and makes errors that quote it. */
    private static final class Cursor {
        private final String text;
        private final List<String> items;
        private int pos;

        Cursor(String text, List<String> items) {
            this.text = text;
            this.items = items;
        }

        boolean hasNext() {
            return pos < items.size();
        }

        String peek() {
            return items.get(pos);
        }

        String next() {
            return items.get(pos++);
        }

        /** The text between {@code open} (just consumed) and {@code close}, consuming both. */
        String body(String open, String close, String what) {
            if (!hasNext() || isToken(peek())) {
                throw error("span " + open + " lacks its value " + what + " before " + (hasNext() ? peek() : "the end"));
            }
            String body = next();
            if (!hasNext() || !peek().equals(close)) {
                throw error("span " + open + body + " is not closed by " + close + (hasNext() ? "; got " + peek() : ""));
            }
            next();
            return body;
        }

        PlanException error(String problem) {
            return new PlanException("malformed signal '" + text + "': " + problem);
        }
    }
}
