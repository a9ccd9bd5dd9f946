package ai.unison.diffusion.wan;

import ai.unison.io.SafetensorsWriter;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ProjMLPTest {
    private static final int IN = 3;
    private static final int OUT = 2;
    private static final int SEQ = 56;
    private static final int TOKENS = 4;
    private static final double EPS = 1e-5;

    private final Random random = new Random(42);
    private final float[] ln0w = values(IN);
    private final float[] ln0b = values(IN);
    private final float[] w1 = values(OUT * IN);
    private final float[] b1 = values(OUT);
    private final float[] w3 = values(OUT * OUT);
    private final float[] b3 = values(OUT);
    private final float[] ln4w = values(OUT);
    private final float[] ln4b = values(OUT);
    private final float[] wm = values(TOKENS * SEQ);
    private final float[] bm = values(TOKENS);

    @Test
    void computesLayerNormLinearGeluLinearLayerNormThenMixesTheSequenceIntoFourTokens(@TempDir Path dir) throws Exception {
        int s = 5;
        float[] hidden = values(2 * s * IN);
        long[] mask = {1, 1, 1, 1, 1, 1, 1, 1, 0, 0};
        try (NativeScope scope = NativeScope.open(); ProjMLP proj = write(dir)) {
            Tensor out = proj.forward(Torch.fromFloats(hidden, 2, s, IN), Torch.fromLongs(mask, 2, s));
            assertArrayEquals(new long[]{2, TOKENS, OUT}, Torch.shape(out));
            assertArrayEquals(expected(hidden, 2, s, mask), Torch.toFloats(out), 1e-5f);
        }
    }

    @Test
    void keepsOnlyTheFirstFiftySixPositions(@TempDir Path dir) throws Exception {
        int s = 60;
        float[] hidden = values(s * IN);
        try (NativeScope scope = NativeScope.open(); ProjMLP proj = write(dir)) {
            float[] out = Torch.toFloats(proj.forward(Torch.fromFloats(hidden, 1, s, IN), null));
            assertArrayEquals(expected(hidden, 1, s, null), out, 1e-5f);
            hidden[57 * IN] += 10;
            assertArrayEquals(out, Torch.toFloats(proj.forward(Torch.fromFloats(hidden, 1, s, IN), null)));
        }
    }

    @Test
    void appendsTheTokensAfterThePromptEmbeddings(@TempDir Path dir) throws Exception {
        try (NativeScope scope = NativeScope.open(); ProjMLP proj = write(dir)) {
            Tensor tokens = proj.forward(Torch.fromFloats(values(7 * IN), 1, 7, IN), null);
            Tensor prompt = Torch.fromFloats(values(10 * OUT), 1, 10, OUT);
            Tensor text = ProjMLP.appendAfter(prompt, tokens);
            assertArrayEquals(new long[]{1, 10 + TOKENS, OUT}, Torch.shape(text));
            assertArrayEquals(Torch.toFloats(tokens), Torch.toFloats(text.narrow(1, 10, TOKENS).contiguous()));
            assertThrows(IllegalArgumentException.class, () -> proj.forward(Torch.fromFloats(values(8), 1, 2, 4), null));
        }
    }

    @Test
    void randomInitRoundTripsThroughItsOwnLoader(@TempDir Path dir) {
        ProjMLP.Config c = new ProjMLP.Config(16, 8, null, null, null);
        ProjMLP.writeRandom(c, dir, 5);
        try (ProjMLP p = ProjMLP.load(dir, DType.FLOAT32, new Device("cpu"))) {
            assertEquals(56, p.config().seqLen());
            assertEquals(4, p.config().numTokens());
        }
        assertEquals(10, ProjMLP.parameterShapes(c).size());
    }

    private ProjMLP write(Path dir) throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"in_dim\": 3, \"out_dim\": 2}");
        try (NativeScope scope = NativeScope.open()) {
            Map<String, Tensor> t = new LinkedHashMap<>();
            t.put("proj.0.weight", Torch.fromFloats(ln0w, IN));
            t.put("proj.0.bias", Torch.fromFloats(ln0b, IN));
            t.put("proj.1.weight", Torch.fromFloats(w1, OUT, IN));
            t.put("proj.1.bias", Torch.fromFloats(b1, OUT));
            t.put("proj.3.weight", Torch.fromFloats(w3, OUT, OUT));
            t.put("proj.3.bias", Torch.fromFloats(b3, OUT));
            t.put("proj.4.weight", Torch.fromFloats(ln4w, OUT));
            t.put("proj.4.bias", Torch.fromFloats(ln4b, OUT));
            t.put("token_mix.weight", Torch.fromFloats(wm, TOKENS, SEQ));
            t.put("token_mix.bias", Torch.fromFloats(bm, TOKENS));
            SafetensorsWriter.write(dir.resolve("model.safetensors"), t, Map.of());
        }
        return ProjMLP.load(dir, DType.FLOAT32, new Device("cpu"));
    }

    /** The projector by hand, in double precision. */
    private float[] expected(float[] hidden, int batch, int s, long[] mask) {
        float[] out = new float[batch * TOKENS * OUT];
        for (int b = 0; b < batch; b++) {
            double[][] h = new double[SEQ][OUT];
            for (int i = 0; i < Math.min(s, SEQ); i++) {
                double[] x = new double[IN];
                for (int k = 0; k < IN; k++) {
                    x[k] = hidden[(b * s + i) * IN + k];
                }
                x = layerNorm(x, ln0w, ln0b);
                double[] y = new double[OUT];
                for (int o = 0; o < OUT; o++) {
                    double acc = b1[o];
                    for (int k = 0; k < IN; k++) {
                        acc += w1[o * IN + k] * x[k];
                    }
                    y[o] = 0.5 * acc * (1 + erf(acc / Math.sqrt(2)));
                }
                double[] z = new double[OUT];
                for (int o = 0; o < OUT; o++) {
                    double acc = b3[o];
                    for (int k = 0; k < OUT; k++) {
                        acc += w3[o * OUT + k] * y[k];
                    }
                    z[o] = acc;
                }
                z = layerNorm(z, ln4w, ln4b);
                double m = mask == null ? 1 : mask[b * s + i];
                for (int o = 0; o < OUT; o++) {
                    h[i][o] = z[o] * m;
                }
            }
            for (int j = 0; j < TOKENS; j++) {
                for (int o = 0; o < OUT; o++) {
                    double acc = bm[j];
                    for (int i = 0; i < SEQ; i++) {
                        acc += wm[j * SEQ + i] * h[i][o];
                    }
                    out[(b * TOKENS + j) * OUT + o] = (float) acc;
                }
            }
        }
        return out;
    }

    private static double[] layerNorm(double[] x, float[] w, float[] b) {
        double mean = 0;
        for (double v : x) {
            mean += v / x.length;
        }
        double var = 0;
        for (double v : x) {
            var += (v - mean) * (v - mean) / x.length;
        }
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = (x[i] - mean) / Math.sqrt(var + EPS) * w[i] + b[i];
        }
        return y;
    }

    /** erf by its Maclaurin series (ample for the |x| < 4 seen here). */
    private static double erf(double x) {
        double sum = 0;
        double term = x;
        for (int n = 0; n < 120; n++) {
            sum += term / (2 * n + 1);
            term *= -x * x / (n + 1);
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private float[] values(int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }
}
