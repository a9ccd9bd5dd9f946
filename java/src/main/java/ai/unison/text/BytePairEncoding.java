package ai.unison.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns byte-level BPE merges from a corpus, for the tokenizers of the tiny models this project trains
 * ({@link ByteLevelTokenizer#write(java.nio.file.Path, List, List, String, String, List)} writes them in
 * Hugging Face {@code tokenizer.json} format).
 *
 * <p>Text is split like HF's {@code ByteLevel} pre-tokenizer with {@code use_regex}: added tokens first,
 * then GPT-2's pattern ({@link #PRE_TOKENS}); each piece's UTF-8 bytes are spelt with GPT-2's byte alphabet
 * and merged inside the piece only. Merges are learnt greedily: the most frequent adjacent pair over the
 * corpus (ties broken by the pair's text, so the result is deterministic), merged everywhere, repeated.
 * Pairs with a digit are never merged, so numbers stay one token per digit — what a small planner needs
 * to copy sizes and frame counts digit by digit.
 */
public final class BytePairEncoding {
    /** GPT-2's pre-tokenization pattern, as HF's ByteLevel pre-tokenizer applies it. */
    public static final Pattern PRE_TOKENS =
            Pattern.compile("'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+");

    private static final int[] BYTE_TO_CODE_POINT = ByteLevelTokenizer.byteToCodePoint();

    private BytePairEncoding() {
    }

    /** A learnt merge: {@code left} followed by {@code right} becomes {@code left + right}. */
    public record Merge(String left, String right) {
        public String merged() {
            return left + right;
        }
    }

    /**
     * Learns up to {@code merges} merges from {@code texts}; {@code addedTokens} (special and signal tokens) are
     * cut out of the texts first, as the tokenizer does. Fewer merges come back when no pair occurs twice.
     */
    public static List<Merge> learn(Iterable<String> texts, int merges, List<String> addedTokens) {
        if (merges < 0) {
            throw new IllegalArgumentException("merges must be >= 0, got " + merges);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (String text : texts) {
            for (String piece : preTokenize(text, addedTokens)) {
                counts.merge(piece, 1, Integer::sum);
            }
        }
        List<List<String>> words = new ArrayList<>();
        List<Integer> freq = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            words.add(symbols(e.getKey()));
            freq.add(e.getValue());
        });
        List<Merge> out = new ArrayList<>();
        while (out.size() < merges) {
            Map<Merge, Integer> pairs = new LinkedHashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<String> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (hasDigit(s.get(i)) || hasDigit(s.get(i + 1))) {
                        continue;
                    }
                    pairs.merge(new Merge(s.get(i), s.get(i + 1)), freq.get(w), Integer::sum);
                }
            }
            Merge best = null;
            int bestCount = 1;
            for (Map.Entry<Merge, Integer> e : pairs.entrySet()) {
                int c = e.getValue();
                if (c > bestCount || (c == bestCount && best != null && order(e.getKey(), best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null) {
                break;
            }
            out.add(best);
            for (List<String> s : words) {
                apply(s, best);
            }
        }
        return out;
    }

    /**
     * Encodes one text to token strings with {@code merges} applied by rank, as HF's BPE model does (added
     * tokens are kept whole); a reference for tests.
     */
    public static List<String> encode(String text, List<Merge> merges, List<String> addedTokens) {
        Map<Merge, Integer> rank = new HashMap<>();
        for (int i = 0; i < merges.size(); i++) {
            rank.putIfAbsent(merges.get(i), i);
        }
        List<String> tokens = new ArrayList<>();
        for (String piece : split(text, addedTokens, true)) {
            if (addedTokens.contains(piece)) {
                tokens.add(piece);
                continue;
            }
            for (String word : preTokenize(piece, List.of())) {
                List<String> s = symbols(word);
                while (s.size() > 1) {
                    int at = -1;
                    int best = Integer.MAX_VALUE;
                    for (int i = 0; i + 1 < s.size(); i++) {
                        Integer r = rank.get(new Merge(s.get(i), s.get(i + 1)));
                        if (r != null && r < best) {
                            best = r;
                            at = i;
                        }
                    }
                    if (at < 0) {
                        break;
                    }
                    s.set(at, s.get(at) + s.remove(at + 1));
                }
                tokens.addAll(s);
            }
        }
        return tokens;
    }

    /** The pre-tokens of {@code text} outside the added tokens (which are dropped). */
    static List<String> preTokenize(String text, List<String> addedTokens) {
        List<String> out = new ArrayList<>();
        for (String part : split(text, addedTokens, false)) {
            Matcher m = PRE_TOKENS.matcher(part);
            while (m.find()) {
                out.add(m.group());
            }
        }
        return out;
    }

    /** {@code text} cut at the added tokens (longest first); with {@code keep}, the added tokens stay as parts. */
    private static List<String> split(String text, List<String> addedTokens, boolean keep) {
        List<String> parts = new ArrayList<>();
        int start = 0;
        int i = 0;
        outer:
        while (i < text.length()) {
            String found = null;
            for (String t : addedTokens) {
                if (text.startsWith(t, i) && (found == null || t.length() > found.length())) {
                    found = t;
                }
            }
            if (found == null) {
                i++;
                continue outer;
            }
            if (i > start) {
                parts.add(text.substring(start, i));
            }
            if (keep) {
                parts.add(found);
            }
            i += found.length();
            start = i;
        }
        if (start < text.length()) {
            parts.add(text.substring(start));
        }
        return parts;
    }

    /** A pre-token's bytes in GPT-2's printable alphabet, one symbol per byte. */
    static List<String> symbols(String word) {
        List<String> s = new ArrayList<>();
        for (byte b : word.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            s.add(new String(Character.toChars(BYTE_TO_CODE_POINT[b & 0xFF])));
        }
        return s;
    }

    private static void apply(List<String> s, Merge m) {
        for (int i = 0; i + 1 < s.size(); i++) {
            if (s.get(i).equals(m.left()) && s.get(i + 1).equals(m.right())) {
                s.set(i, m.merged());
                s.remove(i + 1);
            }
        }
    }

    private static boolean hasDigit(String symbol) {
        for (int i = 0; i < symbol.length(); i++) {
            char c = symbol.charAt(i);
            if (c >= '0' && c <= '9') {
                return true;
            }
        }
        return false;
    }

    private static int order(Merge a, Merge b) {
        int c = a.left().compareTo(b.left());
        return c != 0 ? c : a.right().compareTo(b.right());
    }
}
