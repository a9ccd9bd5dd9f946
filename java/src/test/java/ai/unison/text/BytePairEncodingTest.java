package ai.unison.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BytePairEncodingTest {
    static final List<String> SPECIAL = List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>");
    static final List<String> SIGNALS = List.of("<BORES>", "<EORES>", "<CFI>");

    @TempDir
    Path dir;

    static List<String> corpus() {
        List<String> texts = new ArrayList<>();
        String[] colours = {"red", "blue", "green", "yellow"};
        String[] shapes = {"circle", "square", "triangle"};
        for (int i = 0; i < 60; i++) {
            texts.add("<|im_start|>user\nmake a picture of a " + colours[i % 4] + " " + shapes[i % 3] + ", "
                    + (64 + 16 * i) + "x" + (48 + 8 * i) + " please<|im_end|><BORES>" + (64 + 16 * i) + ","
                    + (48 + 8 * i) + "<EORES><CFI>");
        }
        return texts;
    }

    @Test
    void learntMergesKeepDigitsApartAndAreDeterministic() {
        List<String> added = new ArrayList<>(SPECIAL);
        added.addAll(SIGNALS);
        List<BytePairEncoding.Merge> merges = BytePairEncoding.learn(corpus(), 40, added);
        assertEquals(40, merges.size());
        assertEquals(merges, BytePairEncoding.learn(corpus(), 40, added));
        for (BytePairEncoding.Merge m : merges) {
            assertFalse(m.merged().matches(".*[0-9].*"), m.toString());
            assertFalse(m.merged().contains("<"), "added tokens are cut out first: " + m);
        }
        List<String> tokens = BytePairEncoding.encode("a red circle, 640x480<CFI>", merges, added);
        assertTrue(tokens.contains("Ġcircle"), tokens.toString());
        assertTrue(tokens.containsAll(List.of("6", "4", "0", "x", "8")), tokens.toString());
        assertEquals("<CFI>", tokens.get(tokens.size() - 1));
    }

    @Test
    void huggingFaceTokenizersEncodeAsTheReference() {
        List<String> added = new ArrayList<>(SPECIAL);
        added.addAll(SIGNALS);
        List<BytePairEncoding.Merge> merges = BytePairEncoding.learn(corpus(), 50, added);
        ByteLevelTokenizer.write(dir, SPECIAL, SIGNALS, "<|im_end|>", "<|endoftext|>", merges);
        try (Tokenizer tok = Tokenizer.load(dir)) {
            for (String text : List.of("make a picture of a green triangle, 1280x720 please",
                    "<|im_start|>user\nUn vidéo ✨ of a purple square moving   left<|im_end|><BORES>96,96<EORES><CFI>",
                    "what's 2+2?  it's four\n\n")) {
                assertEquals(BytePairEncoding.encode(text, merges, added), tok.tokens(text), text);
                assertEquals(text, tok.decode(tok.encode(text), false), text);
            }
            assertEquals(256 + SPECIAL.size() + SIGNALS.size() + 50, tok.size());
            assertEquals(256 + SPECIAL.size(), tok.requireTokenId("<BORES>"));
            assertTrue(tok.encode("a green circle").length < "a green circle".length() / 2);
        }
    }
}
