package ai.unison.nn;

import ai.unison.check.Compare;
import ai.unison.check.Comparison;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AttentionTest {
    private static final int HEADS = 4;
    private static final int KV_HEADS = 2;
    private static final int DIM = 8;
    private static final int HIDDEN = 16;

    private static Attention attention(Rng rng) {
        return new Attention(
                new Linear(rng.randn(HEADS * DIM, HIDDEN).mul(Torch.scalar(0.3)), rng.randn(HEADS * DIM)),
                new Linear(rng.randn(KV_HEADS * DIM, HIDDEN).mul(Torch.scalar(0.3)), rng.randn(KV_HEADS * DIM)),
                new Linear(rng.randn(KV_HEADS * DIM, HIDDEN).mul(Torch.scalar(0.3)), rng.randn(KV_HEADS * DIM)),
                new Linear(rng.randn(HIDDEN, HEADS * DIM).mul(Torch.scalar(0.3)), null),
                HEADS, KV_HEADS, DIM);
    }

    /** softmax(q k^T / sqrt(d) + mask) v with key/value heads repeated, written out op by op. */
    private static Tensor reference(Attention a, Tensor x, RotaryEmbedding.CosSin cs, Tensor allowed) {
        long b = x.size(0);
        long t = x.size(1);
        Tensor q = RotaryEmbedding.apply(a.qProj.forward(x).view(b, t, HEADS, DIM), cs).transpose(1, 2);
        Tensor k = RotaryEmbedding.apply(a.kProj.forward(x).view(b, t, KV_HEADS, DIM), cs).transpose(1, 2);
        Tensor v = a.vProj.forward(x).view(b, t, KV_HEADS, DIM).transpose(1, 2);
        k = k.repeat_interleave(HEADS / KV_HEADS, new LongOptional(1), new LongOptional());
        v = v.repeat_interleave(HEADS / KV_HEADS, new LongOptional(1), new LongOptional());
        Tensor scores = q.matmul(k.transpose(2, 3)).div(Torch.scalar(Math.sqrt(DIM)));
        scores = scores.masked_fill(allowed.logical_not(), Torch.scalar(Double.NEGATIVE_INFINITY));
        Tensor out = scores.softmax(-1).matmul(v);
        return a.oProj.forward(out.transpose(1, 2).reshape(b, t, HEADS * DIM));
    }

    @Test
    void groupedQueryAttentionWithPaddingMaskMatchesTheWrittenOutMath() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(5);
             RotaryEmbedding rope = new RotaryEmbedding(DIM, 10000.0, 1.0, null, new Device("cpu"))) {
            Attention a = attention(rng);
            Tensor x = rng.randn(2, 5, HIDDEN);
            Tensor positions = Torch.fromLongs(new long[]{0, 1, 2, 3, 4, 1, 1, 0, 1, 2}, 2, 5);
            Tensor padding = Torch.fromLongs(new long[]{1, 1, 1, 1, 1, 0, 0, 1, 1, 1}, 2, 5);
            RotaryEmbedding.CosSin cs = rope.cosSin(positions, ScalarType.Float);
            Attention.Mask mask = Attention.Mask.padded(padding);
            Tensor out = a.forward(x, cs, mask, null);
            Tensor expected = reference(a, x, cs, mask.allowed());
            Comparison c = Compare.allClose("attention", out, expected, 1e-5, 1e-6);
            assertTrue(c.passed(), "max abs " + c.maxAbs());
            RotaryEmbedding.CosSin firstRow = new RotaryEmbedding.CosSin(cs.cos().narrow(0, 0, 1),
                    cs.sin().narrow(0, 0, 1));
            Tensor causal = a.forward(x.narrow(0, 0, 1), firstRow, Attention.Mask.CAUSAL, null);
            Comparison c2 = Compare.allClose("causal", causal, out.narrow(0, 0, 1), 1e-5, 1e-6);
            assertTrue(c2.passed(), "max abs " + c2.maxAbs());
        }
    }

    @Test
    void paddedMaskLetsPaddingSeeOnlyItselfAndRealTokensSeeNoPadding() {
        try (NativeScope s = NativeScope.open()) {
            Tensor allowed = Attention.Mask.padded(Torch.fromLongs(new long[]{0, 1, 1}, 1, 3)).allowed();
            assertEquals("[1, 1, 3, 3]", Torch.shapeString(allowed));
            long[] m = Torch.toLongs(allowed);
            // rows are queries, columns keys: the pad sees itself, real tokens see real tokens up to themselves
            assertEquals(java.util.List.of(1L, 0L, 0L, 0L, 1L, 0L, 0L, 1L, 1L),
                    java.util.Arrays.stream(m).boxed().toList());
        }
    }
}
