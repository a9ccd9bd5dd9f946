package ai.unison.lm;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchGeneratorTest {
    private static Qwen2 model;
    /** Each id decodes to a letter; good enough to test text streaming and stop strings. */
    private static final Function<long[], String> LETTERS = ids -> Arrays.stream(ids)
            .mapToObj(i -> String.valueOf((char) ('a' + i % 26))).collect(Collectors.joining());

    @BeforeAll
    static void load() {
        model = TestModels.random(TestModels.small());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationOptions.Builder sampled(long seed) {
        return GenerationOptions.builder().temperature(0.9).topK(40).topP(0.95).minP(0.02).repetitionPenalty(1.2)
                .seed(seed);
    }

    @Test
    void batchOfSampledRequestsGivesEachTheTokensItGetsAlone() {
        List<long[]> prompts = List.of(TestModels.ids(1, 2, 3), TestModels.ids(5, 9, 4, 7, 30, 31, 2),
                TestModels.ids(60), TestModels.ids(8, 8, 8, 8, 8), TestModels.ids(70, 71, 72, 73));
        List<GenerationOptions> options = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            options.add(sampled(100 + i).maxNewTokens(3 + 2 * i).build());
        }
        List<long[]> alone = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            alone.add(BatchGenerator.generate(model, prompts.get(i), options.get(i)).tokens());
        }
        List<CompletableFuture<Generation>> futures = new ArrayList<>();
        try (BatchGenerator g = new BatchGenerator(model, 3, 24)) {
            for (int i = 0; i < prompts.size(); i++) {
                futures.add(g.submit(prompts.get(i), options.get(i)));
            }
            g.run();
        }
        for (int i = 0; i < prompts.size(); i++) {
            assertArrayEquals(alone.get(i), futures.get(i).join().tokens(), "request " + i);
            assertEquals(3 + 2 * i, alone.get(i).length);
        }
    }

    @Test
    void sameSeedSameTokensInsideOneBatchAndDifferentSeedsDiffer() {
        long[] prompt = TestModels.ids(4, 5, 6);
        try (BatchGenerator g = new BatchGenerator(model, 4, 32)) {
            var a = g.submit(prompt, sampled(7).maxNewTokens(12).build());
            var b = g.submit(prompt, sampled(7).maxNewTokens(12).build());
            var c = g.submit(prompt, sampled(8).maxNewTokens(12).build());
            g.run();
            assertArrayEquals(a.join().tokens(), b.join().tokens());
            assertNotEquals(Arrays.toString(a.join().tokens()), Arrays.toString(c.join().tokens()));
            assertEquals(7, a.join().seed());
        }
    }

    @Test
    void finishedSequencesLeaveAndWaitingOnesJoinBetweenSteps() {
        try (BatchGenerator g = new BatchGenerator(model, 2, 32)) {
            var shortOne = g.submit(TestModels.ids(1, 2), GenerationOptions.greedy(2));
            List<Long> longTokens = new ArrayList<>();
            var longOne = g.submit(TestModels.ids(3, 4, 5), GenerationOptions.greedy(8),
                    (i, t, lp, text) -> longTokens.add(t));
            var waiting = g.submit(TestModels.ids(6), GenerationOptions.greedy(3));
            g.step();                                    // both prefill; the third waits for a slot
            assertEquals(2, g.activeCount());
            assertEquals(1, g.waitingCount());
            g.step();                                    // the short one finishes its second token
            assertTrue(shortOne.isDone());
            g.step();                                    // the waiting one joins while the long one decodes
            assertEquals(2, g.activeCount());
            assertEquals(0, g.waitingCount());
            assertEquals(3, longTokens.size(), "the long request got a token in every step");
            g.run();
            assertEquals(8, longOne.join().tokens().length);
            assertEquals(3, waiting.join().tokens().length);
            assertArrayEquals(BatchGenerator.generate(model, TestModels.ids(6), GenerationOptions.greedy(3)).tokens(),
                    waiting.join().tokens());
        }
    }

    @Test
    void failingRequestsFailAloneWithTheValueNamed() {
        try (BatchGenerator g = new BatchGenerator(model, 4, 16)) {
            var good = g.submit(TestModels.ids(1, 2, 3), GenerationOptions.greedy(4));
            var outside = g.submit(TestModels.ids(1, 96, 3), GenerationOptions.greedy(4));
            var negative = g.submit(TestModels.ids(-5), GenerationOptions.greedy(4));
            var tooLong = g.submit(new long[17], GenerationOptions.greedy(4));
            var empty = g.submit(new long[0], GenerationOptions.greedy(4));
            var throwing = g.submit(TestModels.ids(4, 5), GenerationOptions.greedy(4), (i, t, lp, s) -> {
                if (i == 1) {
                    throw new IllegalStateException("listener gave up");
                }
            });
            g.run();
            assertEquals(4, good.join().tokens().length);
            assertMessage(outside, "token id 96 at prompt position 1 is outside the vocabulary [0, 96)");
            assertMessage(negative, "token id -5");
            assertMessage(tooLong, "prompt of 17 tokens is longer than the context of 16");
            assertMessage(empty, "prompt is empty");
            assertMessage(throwing, "listener gave up");
        }
    }

    private static void assertMessage(CompletableFuture<Generation> f, String part) {
        CompletionException e = assertThrows(CompletionException.class, f::join);
        assertTrue(e.getCause().getMessage().contains(part), e.getCause().getMessage());
    }

    @Test
    void stopTokenEndsGenerationAndIsKept() {
        long[] free = BatchGenerator.generate(model, TestModels.ids(9, 10), GenerationOptions.greedy(8)).tokens();
        long stop = free[2];
        int first = 0;
        while (free[first] != stop) {
            first++;
        }
        Generation g = BatchGenerator.generate(model, TestModels.ids(9, 10),
                GenerationOptions.builder().maxNewTokens(8).stopTokenIds(Set.of(stop)).build());
        assertEquals(Generation.FinishReason.STOP_TOKEN, g.reason());
        assertArrayEquals(Arrays.copyOf(free, first + 1), g.tokens());
    }

    @Test
    void stopStringEndsGenerationAndIsCutFromTheStreamedText() {
        long[] free = BatchGenerator.generate(model, TestModels.ids(11, 12), GenerationOptions.greedy(10)).tokens();
        String freeText = LETTERS.apply(free);
        String stop = freeText.substring(4, 6);
        int at = freeText.indexOf(stop);
        StringBuilder streamed = new StringBuilder();
        try (BatchGenerator g = new BatchGenerator(model, 1, 32, LETTERS)) {
            var f = g.submit(TestModels.ids(11, 12), GenerationOptions.builder().maxNewTokens(10)
                    .stopStrings(List.of(stop)).build(), (i, t, lp, text) -> streamed.append(text));
            g.run();
            Generation r = f.join();
            assertEquals(Generation.FinishReason.STOP_STRING, r.reason());
            assertEquals(freeText.substring(0, at), r.text());
            assertEquals(r.text(), streamed.toString());
            assertEquals(at + stop.length(), r.tokens().length);
        }
    }

    @Test
    void streamsEveryTokenInOrderWithItsLogprob() {
        List<Long> ids = new ArrayList<>();
        List<Float> lps = new ArrayList<>();
        try (BatchGenerator g = new BatchGenerator(model, 2, 32, LETTERS)) {
            var f = g.submit(TestModels.ids(13, 14, 15), GenerationOptions.builder().maxNewTokens(6).logprobs(true)
                    .outputLogits(true).build(), (i, t, lp, text) -> {
                assertEquals(ids.size(), i);
                ids.add(t);
                lps.add(lp);
            });
            g.run();
            Generation r = f.join();
            assertArrayEquals(ids.stream().mapToLong(Long::longValue).toArray(), r.tokens());
            assertEquals(LETTERS.apply(r.tokens()), r.text());
            try (NativeScope scope = NativeScope.open()) {
                for (int i = 0; i < r.tokens().length; i++) {
                    Tensor raw = Torch.fromFloats(r.logits()[i], r.logits()[i].length);
                    double expected = raw.log_softmax(0).select(0, r.tokens()[i]).item_double();
                    assertEquals(expected, r.logprobs()[i], 1e-5);
                    assertEquals(r.logprobs()[i], lps.get(i));
                }
            }
        }
    }

    @Test
    void sequenceStopsWhenItsContextIsFull() {
        try (BatchGenerator g = new BatchGenerator(model, 1, 6)) {
            var f = g.submit(TestModels.ids(1, 2, 3, 4), GenerationOptions.greedy(10));
            g.run();
            assertEquals(Generation.FinishReason.CONTEXT, f.join().reason());
            assertEquals(3, f.join().tokens().length);   // 4 + 3 - 1 = 6 cached positions
        }
    }

    @Test
    void cancelledRequestLeavesAndFreesItsSlot() {
        try (BatchGenerator g = new BatchGenerator(model, 1, 32)) {
            var cancelled = g.submit(TestModels.ids(1, 2), GenerationOptions.greedy(20));
            var next = g.submit(TestModels.ids(3), GenerationOptions.greedy(2));
            g.step();
            cancelled.cancel(true);
            g.run();
            assertEquals(2, next.join().tokens().length);
        }
    }

    @Test
    void stopStringsNeedADetokenizer() {
        try (BatchGenerator g = new BatchGenerator(model, 1, 32)) {
            var f = g.submit(TestModels.ids(1), GenerationOptions.builder().stopStrings(List.of("x")).build());
            assertMessage(f, "detokenizer");
        }
    }
}
