package ai.unison.lm;

import ai.unison.check.CheckReport;
import ai.unison.check.Comparison;
import ai.unison.check.FixtureRunner;
import ai.unison.io.Json;
import ai.unison.runtime.DType;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Conformance with the upstream {@code qwen2-tiny} fixture (logits, hidden states, greedy continuations). */
class Qwen2FixtureTest {
    private static Path dir;
    private static Qwen2 model;
    private static JsonNode expected;

    @BeforeAll
    static void load() {
        dir = TestModels.qwen2Tiny().orElse(null);
        assumeTrue(dir != null, "shared fixtures not found (set -Dunison.fixtures)");
        model = Qwen2.load(dir, DType.FLOAT32, TestModels.CPU);
        expected = Json.readTree(dir.resolve("expected.json"));
    }

    @AfterAll
    static void close() {
        if (model != null) {
            model.close();
        }
    }

    @Test
    void fixtureCheckPassesEveryOutput() throws Exception {
        CheckReport report = FixtureRunner.run(dir);
        assertEquals("Qwen2ForCausalLM", report.kind());
        assertTrue(report.passed(), report.render());
        List<String> names = report.rows().stream().map(Comparison::name).toList();
        assertTrue(names.contains("logits (20 unpadded positions)"), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("hidden_states[3]")), names.toString());
        assertTrue(names.stream().anyMatch(n -> n.startsWith("greedy tokens, batch row 1")), names.toString());
    }

    @Test
    void greedyContinuationAloneMatchesUpstream() {
        JsonNode gen = expected.path("generate");
        long[] prompt = longs(gen.path("prompt_ids").get(0));
        Generation g = BatchGenerator.generate(model, prompt, GenerationOptions.builder().maxNewTokens(16)
                .stopTokenIds(Set.of(2L)).build());
        assertArrayEquals(longs(gen.path("new_tokens")), g.tokens());
        assertEquals(Generation.FinishReason.MAX_TOKENS, g.reason());
    }

    @Test
    void greedyContinuationsInOneBatchMatchUpstream() {
        JsonNode gen = expected.path("generate");
        List<CompletableFuture<Generation>> futures = new ArrayList<>();
        try (BatchGenerator g = new BatchGenerator(model, 2, 64)) {
            for (int r = 0; r < 2; r++) {
                futures.add(g.submit(unpadded(gen, r), GenerationOptions.greedy(16)));
            }
            g.run();
        }
        for (int r = 0; r < 2; r++) {
            long[] sequence = longs(gen.path("batch_sequences").get(r));
            long[] continuation = java.util.Arrays.copyOfRange(sequence, 8, sequence.length);
            assertArrayEquals(continuation, futures.get(r).join().tokens(), "row " + r);
        }
    }

    private static long[] unpadded(JsonNode gen, int row) {
        long[] ids = longs(gen.path("batch_prompt_ids").get(row));
        long[] mask = longs(gen.path("batch_attention_mask").get(row));
        return java.util.stream.IntStream.range(0, ids.length).filter(i -> mask[i] == 1).mapToLong(i -> ids[i]).toArray();
    }

    private static long[] longs(JsonNode a) {
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asLong();
        }
        return out;
    }
}
