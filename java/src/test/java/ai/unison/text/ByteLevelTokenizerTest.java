package ai.unison.text;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ByteLevelTokenizerTest {
    @TempDir
    Path dir;

    @Test
    void encodesEveryByteAndAddedTokensLosslessly() {
        ByteLevelTokenizer.write(dir, List.of("<|endoftext|>", "<|im_start|>", "<|im_end|>"), List.of("<CFI>", "<CFV>"),
                "<|im_end|>", "<|endoftext|>");
        try (Tokenizer tok = Tokenizer.load(dir)) {
            String text = "make a 2 s vidéo ✨ of a red circle\n";
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            long[] ids = tok.encode(text);
            long[] bytes = new long[utf8.length];
            for (int i = 0; i < utf8.length; i++) {
                bytes[i] = utf8[i] & 0xff;
            }
            assertArrayEquals(bytes, ids);
            assertEquals(text, tok.decode(ids, false));
            long[] chat = tok.encode("<|im_start|>hi<CFV><|im_end|>");
            assertArrayEquals(new long[]{257, 'h', 'i', 260, 258}, chat);
            assertEquals("hi<CFV>", tok.decode(chat, true));
            assertEquals(261, tok.size());
            assertEquals("<|im_end|>", tok.eosToken().orElseThrow());
        }
    }
}
