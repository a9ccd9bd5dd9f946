package ai.unison.train;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdamWTest {
    @TempDir
    Path dir;

    private static void setGrad(Parameters params, String name, float... g) {
        params.get(name).mutable_grad().put(Torch.fromFloats(g, g.length));
    }

    @Test
    void matchesAHandComputedUpdateForTwoSteps() {
        double lr = 0.1;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.1;
        double[] p = {1.0, -2.0};
        double[][] grads = {{0.5, -1.0}, {0.1, 0.3}};
        try (Parameters params = new Parameters(); NativeScope scope = NativeScope.open()) {
            params.add("w", Torch.fromFloats(new float[]{1.0f, -2.0f}, 2));
            try (AdamW adamw = new AdamW(params, new AdamW.Options(b1, b2, eps, wd), n -> false)) {
                double[] m = new double[2];
                double[] v = new double[2];
                for (int t = 1; t <= 2; t++) {
                    double[] g = grads[t - 1];
                    setGrad(params, "w", (float) g[0], (float) g[1]);
                    adamw.step(lr);
                    for (int i = 0; i < 2; i++) {
                        p[i] *= 1 - lr * wd;
                        m[i] = b1 * m[i] + (1 - b1) * g[i];
                        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                        double mHat = m[i] / (1 - Math.pow(b1, t));
                        double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                        p[i] -= lr * mHat / denom;
                    }
                    if (t == 1) {
                        // the first step moves each weight by lr against its gradient's sign (after decay)
                        assertEquals(1.0 * (1 - lr * wd) - lr, p[0], 1e-6);
                        assertEquals(-2.0 * (1 - lr * wd) + lr, p[1], 1e-6);
                    }
                    float[] got = Torch.toFloats(params.get("w"));
                    assertEquals(p[0], got[0], 1e-6, "w[0] after step " + t);
                    assertEquals(p[1], got[1], 1e-6, "w[1] after step " + t);
                }
                assertEquals(2, adamw.steps("w"));
            }
        }
    }

    @Test
    void normsBiasesAndEmbeddingsTakeNoWeightDecay() {
        try (Parameters params = new Parameters()) {
            for (String n : new String[]{"model.layers.0.mlp.up_proj.weight", "model.layers.0.self_attn.q_proj.bias",
                    "model.layers.0.input_layernorm.weight", "model.embed_tokens.weight", "shared.weight",
                    "encoder.block.0.layer.0.SelfAttention.relative_attention_bias.weight",
                    "decoder.0.residual.0.gamma"}) {
                params.zeros(n, 1);
            }
            try (AdamW adamw = new AdamW(params, AdamW.Options.defaults(), AdamW.NORMS_BIASES_EMBEDDINGS)) {
                assertTrue(adamw.decays("model.layers.0.mlp.up_proj.weight"));
                for (String n : params.names().subList(1, 7)) {
                    assertFalse(adamw.decays(n), n);
                }
            }
        }
    }

    @Test
    void aParameterWithoutGradientIsLeftAlone() {
        try (Parameters params = new Parameters(); NativeScope scope = NativeScope.open()) {
            params.add("used", Torch.fromFloats(new float[]{1}, 1));
            params.add("unused", Torch.fromFloats(new float[]{1}, 1));
            try (AdamW adamw = new AdamW(params, AdamW.Options.defaults(), n -> false)) {
                setGrad(params, "used", 1f);
                adamw.step(0.1);
                assertArrayEquals(new float[]{1}, Torch.toFloats(params.get("unused")));
                assertEquals(0, adamw.steps("unused"));
                assertEquals(1, adamw.steps("used"));
            }
        }
    }

    @Test
    void savedStateRestoresExactly() {
        Path params = dir.resolve("parameters.safetensors");
        Path state = dir.resolve("optimizer.safetensors");
        try (Parameters a = new Parameters(); Parameters b = new Parameters(); NativeScope scope = NativeScope.open()) {
            a.add("w", Torch.fromFloats(new float[]{0.5f, 0.25f}, 2));
            b.zeros("w", 2);
            try (AdamW first = new AdamW(a, AdamW.Options.defaults(), n -> false);
                 AdamW second = new AdamW(b, AdamW.Options.defaults(), n -> false)) {
                setGrad(a, "w", 1f, 2f);
                first.step(0.1);
                a.save(params, ai.unison.runtime.DType.FLOAT32, java.util.Map.of());
                first.save(state);
                b.restore(params);
                second.load(state);
                setGrad(a, "w", 0.3f, -0.7f);
                setGrad(b, "w", 0.3f, -0.7f);
                first.step(0.05);
                second.step(0.05);
                assertArrayEquals(Torch.toFloats(a.get("w")), Torch.toFloats(b.get("w")));
                assertEquals(2, second.steps("w"));
            }
        }
    }
}
