package ai.unison.plan;

import ai.unison.api.Plan;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the meta-information of PLAN.md's "Normalising what people write" table from request
 * text by rules: the reference the planner is trained to imitate, and the labeller of generated
 * training data. It reads values only; which task a request is comes from elsewhere.
 *
 * <p>Size: an explicit size ({@code 1024x768}, {@code 1024 by 768}, {@code 1024 wide and 768 tall},
 * {@code width 1024 and height 768}, ...; sides of the {@code x}/{@code by} forms must be at least
 * 32 so that "a 3x3 grid" is no size) wins over a p-name ({@code 720p}, {@code 4K}), which wins over
 * an aspect ratio, which wins over a format word. A p-name with a portrait cue (portrait, vertical,
 * 9:16, 3:4) is turned upright: "1080p vertical" is 1080×1920. Durations: frame token 24·seconds
 * (rounded); a frame count {@code M frames} gives token M and wins over a duration. Inline
 * {@code ###path###} references are ignored.
 */
public final class MetaNormalizer {

    /** The values read; null where the text states nothing. */
    public record Meta(Integer width, Integer height, Integer frameToken, Plan.FrameRef frameRef) {}

    private static final String NUM = "(\\d{1,5})";
    private static final String PX = "(?:\\s*(?:px|pixels?))?";
    private static final int MIN_TERSE_SIDE = 32;

    private static final Pattern INLINE = Pattern.compile("###.*?###");
    private static final String END = "(?!\\w|\\.\\d)";
    private static final Pattern TIMES = Pattern.compile("(?<![\\w.])" + NUM + PX + "\\s*[x*]\\s*" + NUM + PX + END);
    private static final Pattern BY = Pattern.compile("(?<![\\w.])" + NUM + PX + "\\s+by\\s+" + NUM + PX + END);
    private static final Pattern WIDE_TALL = Pattern.compile(
            "(?<![\\w.])" + NUM + PX + "\\s*(?:wide|across)\\s*(?:,|and|&|by|x)?\\s*" + NUM + PX + "\\s*(?:tall|high)\\b");
    private static final Pattern TALL_WIDE = Pattern.compile(
            "(?<![\\w.])" + NUM + PX + "\\s*(?:tall|high)\\s*(?:,|and|&|by|x)?\\s*" + NUM + PX + "\\s*(?:wide|across)\\b");
    private static final String IS = "\\s*(?:of|=|:|is|at)?\\s*";
    private static final String JOIN = "\\s*(?:,|;|and|&)?\\s*(?:a\\s+|the\\s+)?";
    private static final Pattern WIDTH_HEIGHT = Pattern.compile(
            "\\b(?:width|w)" + IS + NUM + PX + JOIN + "(?:height|h)" + IS + NUM + PX + END);
    private static final Pattern HEIGHT_WIDTH = Pattern.compile(
            "\\b(?:height|h)" + IS + NUM + PX + JOIN + "(?:width|w)" + IS + NUM + PX + END);

    private static final Pattern P_NAME = Pattern.compile("(?<![\\w.])(?:(240|360|480|720|1080|2160)p|(4k))\\b");
    private static final Map<String, int[]> P_SIZES = Map.of(
            "240", new int[] {320, 240}, "360", new int[] {640, 360}, "480", new int[] {640, 480},
            "720", new int[] {1280, 720}, "1080", new int[] {1920, 1080}, "2160", new int[] {3840, 2160},
            "4k", new int[] {3840, 2160});

    private static final Pattern RATIO = Pattern.compile("(?<![\\d.])(?<!\\d:)(16|9|4|3|1|21)\\s*:\\s*(9|16|3|4|1)(?!\\d|:\\d)");
    private static final Map<String, int[]> RATIO_SIZES = Map.of(
            "16:9", new int[] {1280, 720}, "9:16", new int[] {720, 1280}, "4:3", new int[] {1024, 768},
            "3:4", new int[] {768, 1024}, "1:1", new int[] {1024, 1024}, "21:9", new int[] {1680, 720});

    private static final Pattern LANDSCAPE = Pattern.compile("\\b(?:landscape|horizontal|wide-?screen)\\b");
    private static final Pattern PORTRAIT = Pattern.compile("\\b(?:portrait|vertical)\\b");
    private static final List<Pattern> SQUARE = List.of(
            Pattern.compile("\\bsquare[- ](?:format(?:ted)?|aspect|canvas|crop|frame|output|resolution)\\b"),
            Pattern.compile("(?<!(?:red|orange|yellow|green|blue|purple|pink|brown|black|white|small|large|big|tiny|the)\\s)"
                    + "\\bsquare\\s+(?:image|picture|photo|pic|video|clip|shot|drawing|illustration|animation|movie)\\b"),
            Pattern.compile("\\b(?:make|keep|crop|render)\\s+(?:it|this|that|the\\s+(?:image|picture|video|clip|output))\\s+square\\b"),
            Pattern.compile("\\bin\\s+square\\b"));

    private static final List<String> NUMBER_WORDS = List.of("one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten");
    private static final String SECONDS = "(?:seconds?|secs?|s)\\b";
    private static final Pattern DURATION = Pattern.compile("(?<![\\w.])(\\d{1,3}(?:\\.\\d+)?)\\s*(?:-\\s*)?" + SECONDS);
    private static final Pattern WORD_DURATION = Pattern.compile(
            "\\b(" + String.join("|", NUMBER_WORDS) + ")(?:\\s+|\\s*-\\s*)" + SECONDS);
    private static final Pattern FRAMES = Pattern.compile(
            "(?<![\\w.])(\\d{1,5})\\s*(?:-\\s*)?frames?\\b(?!\\s*(?:per\\b|/|a\\s+sec|each\\s+sec|every\\s+sec))");

    private static final String FRAME_OBJECT = "(?:this|that|my|the\\s+(?:attached\\s+)?(?:image|picture|photo|pic))\\b";
    private static final Pattern FIRST_FRAME = Pattern.compile(
            "\\b(?:first|opening|starting|start|initial|beginning)[- ]frame\\b"
            + "|\\b(?:start|starts|starting|begin|begins|beginning)\\s+(?:from|with|on)\\s+" + FRAME_OBJECT);
    private static final Pattern LAST_FRAME = Pattern.compile(
            "\\b(?:last|final|ending|end|closing)[- ]frame\\b"
            + "|\\b(?:end|ends|ending|finish|finishes|finishing)\\s+(?:on|with|at)\\s+" + FRAME_OBJECT);

    private MetaNormalizer() {}

    /** The size, frame token and frame reference a request states. */
    public static Meta read(String request) {
        String text = INLINE.matcher(request).replaceAll(" ").toLowerCase(Locale.ROOT).replace('×', 'x');
        int[] size = size(text);
        Integer frameToken = frameToken(text);
        return new Meta(size == null ? null : size[0], size == null ? null : size[1], frameToken, frameRef(text));
    }

    private static int[] size(String text) {
        int[] explicit = explicitSize(text);
        if (explicit != null) {
            return explicit;
        }
        String ratio = null;
        Matcher r = RATIO.matcher(text);
        while (ratio == null && r.find()) {
            String key = r.group(1) + ":" + r.group(2);
            if (RATIO_SIZES.containsKey(key)) {
                ratio = key;
            }
        }
        boolean portrait = PORTRAIT.matcher(text).find();
        Matcher p = P_NAME.matcher(text);
        if (p.find()) {
            int[] wh = P_SIZES.get(p.group(1) != null ? p.group(1) : p.group(2)).clone();
            boolean upright = ratio != null ? ratio.equals("9:16") || ratio.equals("3:4") : portrait;
            return upright ? new int[] {wh[1], wh[0]} : wh;
        }
        if (ratio != null) {
            return RATIO_SIZES.get(ratio).clone();
        }
        int landscapeAt = indexOf(LANDSCAPE, text);
        int portraitAt = indexOf(PORTRAIT, text);
        int squareAt = Integer.MAX_VALUE;
        for (Pattern square : SQUARE) {
            squareAt = Math.min(squareAt, indexOf(square, text));
        }
        int first = Math.min(landscapeAt, Math.min(portraitAt, squareAt));
        if (first == Integer.MAX_VALUE) {
            return null;
        }
        return first == landscapeAt ? new int[] {1280, 720} : first == portraitAt ? new int[] {720, 1280} : new int[] {1024, 1024};
    }

    /** The earliest explicit size in the text, or null. */
    private static int[] explicitSize(String text) {
        int[] best = null;
        int bestAt = Integer.MAX_VALUE;
        for (Pattern pattern : List.of(TIMES, BY, WIDE_TALL, TALL_WIDE, WIDTH_HEIGHT, HEIGHT_WIDTH)) {
            Matcher m = pattern.matcher(text);
            while (m.find() && m.start() < bestAt) {
                int a = Integer.parseInt(m.group(1));
                int b = Integer.parseInt(m.group(2));
                boolean terse = pattern == TIMES || pattern == BY;
                if (terse && (a < MIN_TERSE_SIDE || b < MIN_TERSE_SIDE) || a == 0 || b == 0) {
                    continue;
                }
                boolean swapped = pattern == TALL_WIDE || pattern == HEIGHT_WIDTH;
                best = swapped ? new int[] {b, a} : new int[] {a, b};
                bestAt = m.start();
                break;
            }
        }
        return best;
    }

    private static Integer frameToken(String text) {
        Matcher f = FRAMES.matcher(text);
        if (f.find()) {
            return Integer.parseInt(f.group(1));
        }
        int at = Integer.MAX_VALUE;
        Integer token = null;
        Matcher d = DURATION.matcher(text);
        if (d.find()) {
            at = d.start();
            token = (int) Math.round(Double.parseDouble(d.group(1)) * SignalGrammar.FPS);
        }
        Matcher w = WORD_DURATION.matcher(text);
        if (w.find() && w.start() < at) {
            token = (NUMBER_WORDS.indexOf(w.group(1)) + 1) * SignalGrammar.FPS;
        }
        return token;
    }

    private static Plan.FrameRef frameRef(String text) {
        int first = indexOf(FIRST_FRAME, text);
        int last = indexOf(LAST_FRAME, text);
        if (first == last) {
            return null;
        }
        return first < last ? Plan.FrameRef.FIRST : Plan.FrameRef.LAST;
    }

    private static int indexOf(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? m.start() : Integer.MAX_VALUE;
    }
}
