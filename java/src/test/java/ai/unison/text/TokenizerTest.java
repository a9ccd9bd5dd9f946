package ai.unison.text;

import ai.unison.TestFixtures;
import ai.unison.io.ConfigException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TokenizerTest {
    @Test
    void asksForTheBundledCpuBuildOfTheNativeLibrary() throws Exception {
        // DJL would pick a CUDA build on a GPU machine and try to download it; the jar carries CPU builds
        Class.forName(Tokenizer.class.getName());
        String expected = System.getenv("RUST_FLAVOR") != null ? System.getProperty("RUST_FLAVOR") : "cpu";
        assertEquals(expected, System.getProperty("RUST_FLAVOR"));
    }

    @Test
    void encodesChatTokensAsSpecialIds() {
        try (Tokenizer tok = Tokenizer.load(TestFixtures.dir("qwen-tokenizer"))) {
            long[] ids = tok.encode("<|im_start|>user\nhi<|im_end|>");
            assertArrayEquals(new long[]{151644, 872, 198, 6023, 151645}, ids);
            assertEquals("user\nhi", tok.decode(ids, true));
            assertEquals(151645, tok.requireTokenId("<|im_end|>"));
            assertEquals("<|im_end|>", tok.eosToken().orElseThrow());
        }
    }

    @Test
    void encodesLongTextWithoutTruncation() {
        try (Tokenizer tok = Tokenizer.load(TestFixtures.dir("qwen-tokenizer"))) {
            String text = "word" + " word".repeat(4999);
            assertEquals(5000, tok.encode(text).length);
        }
    }

    @Test
    void rendersQwenChatTemplate() {
        String s = ChatTemplate.render(List.of(ChatTemplate.Message.user("Hi")), true);
        assertEquals("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\n", s);
        String withSystem = ChatTemplate.render(List.of(ChatTemplate.Message.system("Plan."),
                ChatTemplate.Message.user("x")), false);
        assertTrue(withSystem.startsWith("<|im_start|>system\nPlan.<|im_end|>\n"));
        assertTrue(withSystem.endsWith("x<|im_end|>\n"));
    }

    @Test
    void namesMissingTokenizerFile() {
        String msg = assertThrows(ConfigException.class, () -> Tokenizer.load(Path.of("/nonexistent"))).getMessage();
        assertTrue(msg.contains("tokenizer") && msg.contains("/nonexistent"), msg);
    }
}
