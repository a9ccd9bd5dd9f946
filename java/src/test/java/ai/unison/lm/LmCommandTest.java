package ai.unison.lm;

import ai.unison.cli.MainRun;
import ai.unison.io.SafetensorsFile;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code unison lm generate} and {@code unison lm logits} on the qwen2-tiny fixture. */
class LmCommandTest {
    @TempDir
    Path tmp;

    private static MainRun run(String... args) {
        return MainRun.of(args);
    }

    private static Path fixture() {
        Path dir = TestModels.qwen2Tiny().orElse(null);
        assumeTrue(dir != null, "shared fixtures not found");
        return dir;
    }

    @Test
    void generatePrintsTheGreedyContinuationOfIds() {
        MainRun r = run("lm", "generate", "--model", fixture().toString(), "--ids", "170,213,133,291,247,358,341,418",
                "--max-new-tokens", "16", "--threads", "1");
        assertEquals(0, r.code(), r.err());
        assertEquals("7,25,405,389,376,187,387,389,341,226,226,226,226,261,3,25", r.out().trim());
        assertTrue(r.err().contains("16 new, finish max_tokens"), r.err());
    }

    @Test
    void generateWithTheSameSeedPrintsTheSameSample() {
        String[] args = {"lm", "generate", "--model", fixture().toString(), "--ids", "5,6,7", "--temperature", "1.1",
            "--top-k", "50", "--seed", "3", "--max-new-tokens", "6"};
        MainRun a = run(args);
        MainRun b = run(args);
        assertEquals(0, a.code(), a.err());
        assertEquals(a.out(), b.out());
        assertTrue(a.err().contains("seed 3"), a.err());
    }

    @Test
    void generateRejectsBadInputWithTheValue() {
        MainRun ids = run("lm", "generate", "--model", fixture().toString(), "--ids", "1,512");
        assertEquals(1, ids.code());
        assertTrue(ids.err().contains("token id 512 at prompt position 1 is outside the vocabulary [0, 512)"), ids.err());
        MainRun zero = run("lm", "generate", "--model", fixture().toString(), "--ids", "1", "--max-new-tokens", "0");
        assertEquals(1, zero.code());
        assertTrue(zero.err().contains("max new tokens must be at least 1, got 0"), zero.err());
        MainRun text = run("lm", "generate", "--model", fixture().toString(), "--prompt", "hello");
        assertEquals(1, text.code());
        assertTrue(text.err().contains("tokenizer.json"), text.err());
    }

    @Test
    void logitsWritesAPaddedBatchWhoseRowsMatchUnpaddedRuns() {
        Path out = tmp.resolve("logits.safetensors");
        MainRun r = run("lm", "logits", "--model", fixture().toString(), "--ids", "240,153,493,438", "--ids", "256,490",
                "--out", out.toString());
        assertEquals(0, r.code(), r.err());
        try (SafetensorsFile f = SafetensorsFile.open(out); NativeScope scope = NativeScope.open();
             Qwen2 model = Qwen2.load(fixture(), ai.unison.runtime.DType.FLOAT32, TestModels.CPU)) {
            Tensor logits = f.tensor("logits");
            assertEquals("[2, 4, 512]", Torch.shapeString(logits));
            assertEquals("[0, 0, 1, 1]", java.util.Arrays.toString(Torch.toLongs(f.tensor("attention_mask").select(0, 1))));
            Tensor alone = model.forwardLogits(Torch.fromLongs(new long[]{256, 490}, 1, 2), null, null).select(0, 0);
            float[] expected = Torch.toFloats(alone);
            float[] actual = Torch.toFloats(logits.select(0, 1).narrow(0, 2, 2));
            for (int i = 0; i < expected.length; i++) {
                assertEquals(expected[i], actual[i], 1e-4);
            }
        }
    }

    @Test
    void generateEncodesAChatPromptAndStreamsDecodedText() throws Exception {
        Path tokenizer = fixture().resolveSibling("qwen-tokenizer");
        assumeTrue(java.nio.file.Files.isRegularFile(tokenizer.resolve("tokenizer.json")));
        Path model = tmp.resolve("model");
        RandomQwen2.write(Qwen2Config.of(151680, 16, 32, 1, 2, 1).withTiedEmbeddings(true).withMaxPositions(256),
                model, ai.unison.runtime.DType.FLOAT32, 1, 0.5);
        for (String f : new String[]{"tokenizer.json", "tokenizer_config.json"}) {
            java.nio.file.Files.copy(tokenizer.resolve(f), model.resolve(f));
        }
        MainRun r = run("lm", "generate", "--model", model.toString(), "--prompt", "Hello", "--chat",
                "--max-new-tokens", "4", "--temperature", "0.7", "--seed", "1");
        assertEquals(0, r.code(), r.err());
        long promptTokens;
        try (ai.unison.text.Tokenizer tok = ai.unison.text.Tokenizer.load(model)) {
            promptTokens = tok.encode(ai.unison.text.ChatTemplate.user("Hello")).length;
        }
        assertTrue(r.err().startsWith("[" + promptTokens + " prompt tokens, "), r.err());
        assertTrue(r.out().endsWith("\n"), r.out());
    }
}
