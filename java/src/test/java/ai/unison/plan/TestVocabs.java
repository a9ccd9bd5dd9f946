package ai.unison.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Vocabularies for constraint tests: pieces, the signal token ids and the end-of-sequence ids. */
record TestVocabs(List<String> pieces, Map<String, Integer> signalIds, List<Integer> eosIds) {

    static final String EOS = "<|endoftext|>";

    int id(String piece) {
        int id = pieces.indexOf(piece);
        if (id < 0) {
            throw new IllegalArgumentException("no piece '" + piece + "'");
        }
        return id;
    }

    int signal(String token) {
        return signalIds.get(token);
    }

    int eos() {
        return eosIds.get(0);
    }

    SignalConstraint constraint(PlanLimits limits) {
        return new SignalConstraint(pieces, signalIds, eosIds, limits);
    }

    /** Ordinary pieces, then the signal tokens and EOS appended. */
    static TestVocabs of(List<String> ordinary) {
        List<String> pieces = new ArrayList<>(ordinary);
        Map<String, Integer> signals = new HashMap<>();
        for (String token : SignalGrammar.TOKENS) {
            signals.put(token, pieces.size());
            pieces.add(token);
        }
        int eos = pieces.size();
        pieces.add(EOS);
        return new TestVocabs(pieces, signals, List.of(eos));
    }

    /** A dozen pieces: digits, comma, and pieces that can spell a signal token. */
    static TestVocabs toy() {
        return of(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9", ",", "a", " b", "<", "CF", "I>", ">"));
    }

    /**
     * A few thousand pieces like a real BPE vocabulary: words with and without leading spaces,
     * every number below 1000 and some with leading zeros, digits with commas and spaces, pieces that
     * spell parts of signal tokens (and one that spells a whole one), an unusable (null) id.
     */
    static TestVocabs realistic() {
        List<String> pieces = new ArrayList<>();
        Random random = new Random(7);
        String letters = "abcdefghijklmnopqrstuvwxyz";
        while (pieces.size() < 3000) {
            StringBuilder w = new StringBuilder(random.nextBoolean() ? " " : "");
            int n = 1 + random.nextInt(7);
            for (int i = 0; i < n; i++) {
                w.append(letters.charAt(random.nextInt(letters.length())));
            }
            if (!pieces.contains(w.toString())) {
                pieces.add(w.toString());
            }
        }
        for (int i = 0; i < 1000; i++) {
            pieces.add(Integer.toString(i));
            pieces.add(" " + i);
        }
        pieces.addAll(List.of("00", "000", "05", "007", "0000", "2024", "1080", "7680", "10000", "123456789", "1234567890",
                ",", ", ", "768,", ",480", "1,", ",0", "12,34", "1,2,3", "0,", ",,", "7,", ",1",
                ".", "!", "?", "\n", " ", "<", "<B", "<BO", "RES", "ES>", "<CF", "I>", "CFV>", "<CFV", ">", "><", "<RE", "F>",
                "<REF>", "<IMG", "PAD>", "<EO", "EDIT>", "x", "×", "p", " seconds", " frames", "é", "\uFFFD"));
        pieces.add(null);
        pieces.add("");
        return of(pieces);
    }

    /** The Qwen tokenizer of the shared fixtures with the fourteen signal tokens appended, or null when absent. */
    static TestVocabs qwen() throws IOException {
        Path file = fixture(Path.of("qwen-tokenizer", "tokenizer.json"));
        if (file == null) {
            return null;
        }
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        Map<Character, Byte> bytes = byteLevelAlphabet();
        int size = 0;
        for (JsonNode added : root.get("added_tokens")) {
            size = Math.max(size, added.get("id").intValue() + 1);
        }
        String[] pieces = new String[Math.max(size, root.get("model").get("vocab").size())];
        for (Iterator<Map.Entry<String, JsonNode>> it = root.get("model").get("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            pieces[e.getValue().intValue()] = decodeByteLevel(e.getKey(), bytes);
        }
        List<Integer> eos = new ArrayList<>();
        for (JsonNode added : root.get("added_tokens")) {
            String content = added.get("content").textValue();
            if (content.equals("<|endoftext|>") || content.equals("<|im_end|>")) {
                eos.add(added.get("id").intValue());
                pieces[added.get("id").intValue()] = content;
            }
        }
        List<String> list = new ArrayList<>(java.util.Arrays.asList(pieces));
        Map<String, Integer> signals = new HashMap<>();
        for (String token : SignalGrammar.TOKENS) {
            signals.put(token, list.size());
            list.add(token);
        }
        return new TestVocabs(list, signals, eos);
    }

    /** A file under the shared fixtures: where the build says, else in a shared/fixtures above the working directory. */
    private static Path fixture(Path relative) {
        String configured = System.getProperty("unison.fixtures");
        if (configured != null && Files.exists(Path.of(configured).resolve(relative))) {
            return Path.of(configured).resolve(relative);
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("fixtures").resolve(relative);
            if (Files.exists(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /** GPT-2's byte-to-character table, inverted. */
    private static Map<Character, Byte> byteLevelAlphabet() {
        Map<Character, Byte> map = new HashMap<>();
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = b >= '!' && b <= '~' || b >= 0xA1 && b <= 0xAC || b >= 0xAE && b <= 0xFF;
            map.put((char) (printable ? b : 256 + n++), (byte) b);
        }
        return map;
    }

    private static String decodeByteLevel(String piece, Map<Character, Byte> alphabet) {
        byte[] out = new byte[piece.length()];
        for (int i = 0; i < piece.length(); i++) {
            out[i] = alphabet.get(piece.charAt(i));
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE).decode(ByteBuffer.wrap(out)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
