package ai.unison.lm;

import ai.unison.check.Compare;
import ai.unison.check.Comparison;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Qwen2 configurations without a reference fixture, checked for consistency: the KV-cache paths
 * (prefill, decode, mixed steps, slots out of order) equal a full forward without cache, a padded batch
 * equals its rows alone, and continuous batching gives every request the tokens it gets alone.
 */
class Qwen2ConsistencyTest {
    static Stream<Arguments> configs() {
        Qwen2Config small = TestModels.small();
        return Stream.of(
                Arguments.of("GQA 4/2 heads", small),
                Arguments.of("tied embeddings", small.withTiedEmbeddings(true)),
                Arguments.of("MHA 4/4 heads", Qwen2Config.of(96, 32, 64, 2, 4, 4).withMaxPositions(128)),
                Arguments.of("MQA, head dim 16 != hidden/heads", Qwen2Config.of(96, 32, 64, 2, 4, 1).withHeadDim(16)
                        .withMaxPositions(128)),
                Arguments.of("6/3 heads, hidden 48", Qwen2Config.of(96, 48, 80, 2, 6, 3).withMaxPositions(128)),
                Arguments.of("rope theta 1e6", small.withRopeTheta(1e6)),
                Arguments.of("linear rope scaling x4", small.withLinearRopeScaling(4)),
                Arguments.of("no q/k/v biases", small.withAttentionBias(false)));
    }

    private static long[] sequence(int n, long seed) {
        long[] ids = new long[n];
        long x = seed;
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            ids[i] = Math.floorMod(x >>> 33, 96);
        }
        return ids;
    }

    private static void assertClose(String what, Tensor actual, Tensor expected) {
        Comparison c = Compare.allClose(what, actual, expected, 1e-4, 1e-5);
        assertTrue(c.passed(), what + ": max abs " + c.maxAbs() + ", max rel " + c.maxRel() + " " + c.note());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void cacheDecodeEqualsFullForward(String name, Qwen2Config config) {
        long[] seq = sequence(12, 7);
        try (Qwen2 model = TestModels.random(config); NativeScope scope = NativeScope.open();
             KVCache cache = model.newCache(1, 16)) {
            Tensor full = model.forwardLogits(Torch.fromLongs(seq, 1, seq.length), null, null).select(0, 0);
            int slot = cache.acquire();
            KVCache.Step prefill = cache.step(new int[]{slot}, new int[]{7});
            Tensor first = model.stepLogits(Torch.fromLongs(java.util.Arrays.copyOf(seq, 7), 1, 7), prefill);
            prefill.commit();
            assertClose("prefill", first.select(0, 0), full.select(0, 6));
            for (int t = 7; t < seq.length; t++) {
                KVCache.Step decode = cache.step(new int[]{slot}, new int[]{1});
                Tensor next = model.stepLogits(Torch.fromLongs(new long[]{seq[t]}, 1, 1), decode);
                decode.commit();
                assertClose("decode position " + t, next.select(0, 0), full.select(0, t));
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void mixedStepsAndSlotsOutOfOrderEqualFullForward(String name, Qwen2Config config) {
        long[] a = sequence(9, 11);
        long[] b = sequence(8, 13);
        try (Qwen2 model = TestModels.random(config); NativeScope scope = NativeScope.open();
             KVCache cache = model.newCache(3, 16)) {
            Tensor fullA = model.forwardLogits(Torch.fromLongs(a, 1, a.length), null, null).select(0, 0);
            Tensor fullB = model.forwardLogits(Torch.fromLongs(b, 1, b.length), null, null).select(0, 0);
            cache.acquire();                       // slot 0 stays empty: rows use slots 2 and 1
            int sa = cache.acquire();
            int sb = cache.acquire();
            // step 1: A prefills 5 tokens alone
            Tensor l1 = run(model, cache, new int[]{sa}, new int[]{5}, java.util.Arrays.copyOf(a, 5));
            assertClose("A prefill", l1.select(0, 0), fullA.select(0, 4));
            // step 2: B prefills 6 tokens while A decodes one (rows listed B first, slots out of order)
            long[] ids2 = new long[7];
            System.arraycopy(b, 0, ids2, 0, 6);
            ids2[6] = a[5];
            Tensor l2 = run(model, cache, new int[]{sb, sa}, new int[]{6, 1}, ids2);
            assertClose("B prefill beside A", l2.select(0, 0), fullB.select(0, 5));
            assertClose("A decode beside B", l2.select(0, 1), fullA.select(0, 5));
            // steps 3..: both decode over caches of different lengths
            for (int k = 0; k < 2; k++) {
                Tensor l3 = run(model, cache, new int[]{sa, sb}, new int[]{1, 1}, new long[]{a[6 + k], b[6 + k]});
                assertClose("A decode " + k, l3.select(0, 0), fullA.select(0, 6 + k));
                assertClose("B decode " + k, l3.select(0, 1), fullB.select(0, 6 + k));
            }
        }
    }

    private static Tensor run(Qwen2 model, KVCache cache, int[] slots, int[] counts, long[] ids) {
        KVCache.Step step = cache.step(slots, counts);
        Tensor logits = model.stepLogits(Torch.fromLongs(ids, 1, ids.length), step);
        step.commit();
        return logits;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void leftPaddedBatchEqualsRowsAlone(String name, Qwen2Config config) {
        long[] a = sequence(10, 3);
        long[] b = sequence(6, 5);
        long[] padded = new long[20];
        long[] mask = new long[20];
        long[] pos = new long[20];
        for (int t = 0; t < 10; t++) {
            padded[t] = a[t];
            mask[t] = 1;
            pos[t] = t;
            boolean real = t >= 4;
            padded[10 + t] = real ? b[t - 4] : 0;
            mask[10 + t] = real ? 1 : 0;
            pos[10 + t] = real ? t - 4 : 1;
        }
        try (Qwen2 model = TestModels.random(config); NativeScope scope = NativeScope.open()) {
            Tensor batch = model.forwardLogits(Torch.fromLongs(padded, 2, 10), Torch.fromLongs(mask, 2, 10),
                    Torch.fromLongs(pos, 2, 10));
            Tensor aloneA = model.forwardLogits(Torch.fromLongs(a, 1, 10), null, null).select(0, 0);
            Tensor aloneB = model.forwardLogits(Torch.fromLongs(b, 1, 6), null, null).select(0, 0);
            assertClose("unpadded row", batch.select(0, 0), aloneA);
            assertClose("left-padded row", batch.select(0, 1).narrow(0, 4, 6), aloneB);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("configs")
    void continuousBatchGivesEachRequestItsAloneTokens(String name, Qwen2Config config) {
        List<long[]> prompts = List.of(sequence(3, 1), sequence(9, 2), sequence(5, 3), sequence(7, 4));
        GenerationOptions greedy = GenerationOptions.builder().maxNewTokens(6).outputLogits(true).build();
        try (Qwen2 model = TestModels.random(config)) {
            List<Generation> alone = new ArrayList<>();
            for (long[] p : prompts) {
                alone.add(BatchGenerator.generate(model, p, greedy.toBuilder()
                        .maxNewTokens(4 + p.length % 4).build()));
            }
            List<CompletableFuture<Generation>> batch = new ArrayList<>();
            try (BatchGenerator g = new BatchGenerator(model, 2, 32)) {
                for (long[] p : prompts) {
                    batch.add(g.submit(p, greedy.toBuilder().maxNewTokens(4 + p.length % 4).build()));
                }
                g.run();
            }
            try (NativeScope scope = NativeScope.open()) {
                for (int i = 0; i < prompts.size(); i++) {
                    Generation got = batch.get(i).join();
                    assertArrayEquals(alone.get(i).tokens(), got.tokens(), "request " + i);
                    for (int s = 0; s < got.logits().length; s++) {
                        assertClose("request " + i + " step " + s, Torch.fromFloats(got.logits()[s], got.logits()[s].length),
                                Torch.fromFloats(alone.get(i).logits()[s], alone.get(i).logits()[s].length));
                    }
                }
            }
        }
    }

    @org.junit.jupiter.api.Test
    void bfloat16CacheDecodeTracksFloat32() {
        long[] seq = sequence(10, 9);
        try (Qwen2 f32 = TestModels.random(TestModels.small());
             Qwen2 bf16 = TestModels.random(TestModels.small(), DType.BFLOAT16);
             NativeScope scope = NativeScope.open()) {
            Tensor reference = f32.forwardLogits(Torch.fromLongs(seq, 1, seq.length), null, null).select(0, 0);
            Tensor full = bf16.forwardLogits(Torch.fromLongs(seq, 1, seq.length), null, null).select(0, 0);
            Comparison c = Compare.allClose("bf16 vs f32", full, reference, 0.05, 0.05);
            assertTrue(c.passed(), "bf16 logits off by " + c.maxAbs());
            Generation g = BatchGenerator.generate(bf16, java.util.Arrays.copyOf(seq, 6),
                    GenerationOptions.builder().maxNewTokens(4).outputLogits(true).build());
            Tensor first = Torch.fromFloats(g.logits()[0], g.logits()[0].length);
            Comparison step = Compare.allClose("bf16 cached prefill", first, full.select(0, 5), 0.02, 0.02);
            assertTrue(step.passed(), "bf16 cached logits off by " + step.maxAbs());
        }
    }
}
