package ai.unison.lm;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    private static final float NEG = Float.NEGATIVE_INFINITY;

    private static float[] run(java.util.function.Function<Tensor, Tensor> f, float... logits) {
        try (NativeScope scope = NativeScope.open()) {
            return Torch.toFloats(f.apply(Torch.fromFloats(logits, logits.length)));
        }
    }

    @Test
    void topKKeepsTheKLargestAndTies() {
        assertArrayEquals(new float[]{NEG, 3, NEG, 4}, run(l -> Sampler.topK(l, 2), 1, 3, 2, 4));
        assertArrayEquals(new float[]{3, 3, NEG, 4}, run(l -> Sampler.topK(l, 2), 3, 3, 2, 4));
        assertArrayEquals(new float[]{1, 3, 2, 4}, run(l -> Sampler.topK(l, 0), 1, 3, 2, 4));
        assertArrayEquals(new float[]{1, 3, 2, 4}, run(l -> Sampler.topK(l, 9), 1, 3, 2, 4));
    }

    @Test
    void topPKeepsTheSmallestNucleusAboveP() {
        // probabilities 0.5, 0.25, 0.125, 0.125
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.25), (float) Math.log(0.125), (float) Math.log(0.125)};
        float[] p70 = run(l -> Sampler.topP(l, 0.7), logits);
        assertEquals(logits[0], p70[0]);
        assertEquals(logits[1], p70[1]);
        assertEquals(NEG, p70[2]);
        assertEquals(NEG, p70[3]);
        float[] p40 = run(l -> Sampler.topP(l, 0.4), logits);
        assertEquals(logits[0], p40[0]);
        assertEquals(NEG, p40[1]);
        float[] tiny = run(l -> Sampler.topP(l, 1e-6), logits);
        assertEquals(logits[0], tiny[0], "the most likely token always stays");
        assertEquals(NEG, tiny[1]);
    }

    @Test
    void minPRemovesTokensBelowAFractionOfTheTopProbability() {
        float[] logits = {(float) Math.log(0.5), (float) Math.log(0.3), (float) Math.log(0.15), (float) Math.log(0.05)};
        float[] out = run(l -> Sampler.minP(l, 0.2), logits);   // threshold 0.1
        assertEquals(logits[2], out[2]);
        assertEquals(NEG, out[3]);
        assertArrayEquals(logits, run(l -> Sampler.minP(l, 0), logits));
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeSeenLogits() {
        float[] out = run(l -> Sampler.repetitionPenalty(l, new long[]{0, 1, 1}, 2.0), 4, -3, 5);
        assertArrayEquals(new float[]{2, -6, 5}, out);
    }

    @Test
    void greedyTakesTheArgmaxAfterThePenalty() {
        GenerationOptions greedy = GenerationOptions.builder().repetitionPenalty(3).build();
        try (NativeScope scope = NativeScope.open()) {
            Tensor logits = Torch.fromFloats(new float[]{1, 5, 2}, 3);
            assertEquals(1, Sampler.next(logits, new long[0], GenerationOptions.greedy(1), null));
            assertEquals(2, Sampler.next(logits, new long[]{1}, greedy, null));
        }
    }

    @Test
    void samplingOnlyDrawsTokensTheFiltersKeep() {
        GenerationOptions o = GenerationOptions.builder().temperature(5).topK(3).minP(0).build();
        Set<Long> seen = new HashSet<>();
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(1)) {
            Tensor logits = Torch.fromFloats(new float[]{0, 1, 2, 3, 4, 5}, 6);
            for (int i = 0; i < 200; i++) {
                seen.add(Sampler.next(logits, new long[0], o, rng));
            }
        }
        assertEquals(Set.of(3L, 4L, 5L), seen);
    }

    @Test
    void sameSeedSameDrawsDifferentSeedDifferentDraws() {
        GenerationOptions o = GenerationOptions.builder().temperature(1).build();
        long[] a = draws(o, 42);
        assertArrayEquals(a, draws(o, 42));
        assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(draws(o, 43)));
    }

    private static long[] draws(GenerationOptions o, long seed) {
        long[] out = new long[32];
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(seed)) {
            Tensor logits = Torch.fromFloats(new float[]{0, 0, 0, 0, 0, 0, 0, 0}, 8);
            for (int i = 0; i < out.length; i++) {
                out[i] = Sampler.next(logits, new long[0], o, rng);
            }
        }
        return out;
    }

    @Test
    void optionsRejectValuesThatCannotWorkAndNameThem() {
        var zero = assertThrows(IllegalArgumentException.class, () -> GenerationOptions.greedy(0));
        assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());
        var temp = assertThrows(IllegalArgumentException.class,
                () -> GenerationOptions.builder().temperature(-0.5).build());
        assertTrue(temp.getMessage().contains("-0.5"), temp.getMessage());
        var topP = assertThrows(IllegalArgumentException.class, () -> GenerationOptions.builder().topP(0).build());
        assertTrue(topP.getMessage().contains("top-p"), topP.getMessage());
        var topK = assertThrows(IllegalArgumentException.class, () -> GenerationOptions.builder().topK(-1).build());
        assertTrue(topK.getMessage().contains("-1"), topK.getMessage());
        var minP = assertThrows(IllegalArgumentException.class, () -> GenerationOptions.builder().minP(1.5).build());
        assertTrue(minP.getMessage().contains("1.5"), minP.getMessage());
        var pen = assertThrows(IllegalArgumentException.class,
                () -> GenerationOptions.builder().repetitionPenalty(0).build());
        assertTrue(pen.getMessage().contains("penalty"), pen.getMessage());
    }
}
