package ai.unison.world;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Canonical short answers and the normalisation under which answers are compared. */
public final class Answers {
    private static final String[] NUMBER_WORDS = {"zero", "one", "two", "three", "four", "five", "six", "seven",
            "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
            "eighteen", "nineteen", "twenty"};
    private static final Pattern NUMBER_WORD = Pattern.compile("\\b(" + String.join("|", NUMBER_WORDS) + ")\\b");
    private static final Pattern CELL_WITH_SPACE = Pattern.compile("\\b(top|center|bottom) +(left|center|right)\\b");
    private static final Pattern TRAILING = Pattern.compile("[\\s.,;:!?]+$");

    private Answers() {}

    /** Lower-cases, trims whitespace and final punctuation, maps number words to digits and "top left" to "top-left". */
    public static String normalize(String answer) {
        String s = answer.toLowerCase(Locale.ROOT).strip().replaceAll("\\s+", " ");
        s = TRAILING.matcher(s).replaceAll("");
        Matcher m = NUMBER_WORD.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Integer.toString(indexOf(m.group(1))));
        }
        m.appendTail(out);
        return CELL_WITH_SPACE.matcher(out.toString()).replaceAll("$1-$2");
    }

    public static boolean matches(String answer, String expected) {
        return normalize(answer).equals(normalize(expected));
    }

    /** The number as a word, for phrasings; zero to twenty. */
    static String word(int n) {
        return NUMBER_WORDS[n];
    }

    private static int indexOf(String word) {
        for (int i = 0; i < NUMBER_WORDS.length; i++) {
            if (NUMBER_WORDS[i].equals(word)) {
                return i;
            }
        }
        throw new IllegalArgumentException(word);
    }
}
