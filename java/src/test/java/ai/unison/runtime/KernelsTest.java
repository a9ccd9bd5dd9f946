package ai.unison.runtime;

import ai.unison.nn.RMSNorm;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The semantics of {@link Kernels} (on the CPU: the libtorch fallback), each checked against the formula
 * computed element by element in Java, or against an independent libtorch composition.
 */
class KernelsTest {
    private static final ScalarType F32 = ScalarType.Float;
    private static final ScalarType BF16 = ScalarType.BFloat16;

    // ---------------------------------------------------------------- norms

    @Test
    void rmsNormNormalisesEachRowAndScalesByWeight() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(1)) {
            Tensor x = rng.randn(3, 5);
            Tensor w = rng.randn(5);
            float[] xs = Torch.toFloats(x);
            float[] ws = Torch.toFloats(w);
            float[] want = new float[15];
            for (int r = 0; r < 3; r++) {
                double squares = 0;
                for (int i = 0; i < 5; i++) {
                    squares += xs[r * 5 + i] * xs[r * 5 + i];
                }
                double inv = 1 / Math.sqrt(squares / 5 + 1e-6);
                for (int i = 0; i < 5; i++) {
                    want[r * 5 + i] = (float) (xs[r * 5 + i] * inv * ws[i]);
                }
            }
            assertClose(want, Torch.toFloats(Kernels.rmsNorm(x, w, 1e-6)), 1e-6);
        }
    }

    @Test
    void rmsNormEqualsTheRmsNormLayerInEveryDtype() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(2)) {
            for (ScalarType type : new ScalarType[]{F32, BF16, ScalarType.Half}) {
                Tensor x = rng.randn(4, 64).to(type);
                Tensor w = rng.randn(64).to(type);
                Tensor layer = new RMSNorm(w, 1e-6).forward(x);
                Tensor kernel = Kernels.rmsNorm(x, w, 1e-6);
                assertEquals(type.value, kernel.scalar_type().value);
                assertArrayEquals(Torch.toFloats(layer), Torch.toFloats(kernel), type.toString());
            }
        }
    }

    @Test
    void addRmsNormRoundsTheResidualStreamToItsDtypeBeforeNormalising() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(3)) {
            Tensor x = rng.randn(6, 32).to(BF16);
            Tensor residual = rng.randn(6, 32).to(BF16);
            Tensor w = rng.randn(32).to(BF16);
            Kernels.AddRmsNorm out = Kernels.addRmsNorm(x, residual, w, 1e-5);
            float[] xs = Torch.toFloats(x);
            float[] rs = Torch.toFloats(residual);
            float[] sum = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                sum[i] = bf16(xs[i] + rs[i]);
            }
            assertArrayEquals(sum, Torch.toFloats(out.residual()));
            assertEquals(BF16.value, out.residual().scalar_type().value);
            Tensor normed = Kernels.rmsNorm(out.residual(), w, 1e-5);
            assertArrayEquals(Torch.toFloats(normed), Torch.toFloats(out.normed()));
        }
    }

    // ---------------------------------------------------------------- rotary

    @Test
    void rotaryRotatesHalvesLikeHuggingFace() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(4)) {
            int b = 2, h = 3, t = 4, d = 8;
            Tensor x = rng.randn(b, h, t, d);
            Tensor angle = rng.randn(b, 1, t, d);
            Tensor cos = angle.cos();
            Tensor sin = angle.sin();
            float[] xs = Torch.toFloats(x);
            float[] cs = Torch.toFloats(cos);
            float[] ss = Torch.toFloats(sin);
            float[] want = new float[xs.length];
            for (int bi = 0; bi < b; bi++) {
                for (int hi = 0; hi < h; hi++) {
                    for (int ti = 0; ti < t; ti++) {
                        int row = ((bi * h + hi) * t + ti) * d;
                        int table = (bi * t + ti) * d;
                        for (int i = 0; i < d; i++) {
                            float rotated = i < d / 2 ? -xs[row + i + d / 2] : xs[row + i - d / 2];
                            want[row + i] = xs[row + i] * cs[table + i] + rotated * ss[table + i];
                        }
                    }
                }
            }
            assertClose(want, Torch.toFloats(Kernels.rotary(x, cos, sin)), 1e-6);
        }
    }

    @Test
    void rotaryComputesInFloat32AndRoundsOnce() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(5)) {
            Tensor x = rng.randn(5, 2, 16).to(BF16);
            Tensor angle = rng.randn(5, 1, 16);
            Tensor cos = angle.cos().to(BF16);
            Tensor sin = angle.sin().to(BF16);
            Tensor out = Kernels.rotary(x, cos, sin);
            assertEquals(BF16.value, out.scalar_type().value);
            Tensor wide = Kernels.rotary(x.to(F32), cos.to(F32), sin.to(F32)).to(BF16);
            assertArrayEquals(Torch.toFloats(wide), Torch.toFloats(out));
        }
    }

    @Test
    void rotaryMultimodalReadsEachSectionFromItsOwnAxis() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(6)) {
            int b = 1, h = 2, t = 3, d = 12;
            long[] section = {2, 2, 2};
            Tensor x = rng.randn(b, h, t, d);
            Tensor angle = rng.randn(3, b, 1, t, d);
            Tensor cos = angle.cos();
            Tensor sin = angle.sin();
            // assemble HF's table by hand: dim j reads axis 0, 1 or 2 by where j mod 6 falls in [2, 2, 2]
            float[] c3 = Torch.toFloats(cos);
            float[] s3 = Torch.toFloats(sin);
            float[] c = new float[t * d];
            float[] sn = new float[t * d];
            for (int ti = 0; ti < t; ti++) {
                for (int j = 0; j < d; j++) {
                    int axis = (j % (d / 2)) / 2;
                    c[ti * d + j] = c3[(axis * t + ti) * d + j];
                    sn[ti * d + j] = s3[(axis * t + ti) * d + j];
                }
            }
            Tensor want = Kernels.rotary(x, Torch.fromFloats(c, b, 1, t, d), Torch.fromFloats(sn, b, 1, t, d));
            assertArrayEquals(Torch.toFloats(want), Torch.toFloats(Kernels.rotaryMultimodal(x, cos, sin, section)));
        }
    }

    @Test
    void rotaryMultimodalWithOneTableForAllAxesIsPlainRotary() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(7)) {
            Tensor x = rng.randn(2, 4, 5, 16);
            Tensor angle = rng.randn(2, 1, 5, 16);
            Tensor cos3 = angle.cos().unsqueeze(0).expand(3, 2, 1, 5, 16);
            Tensor sin3 = angle.sin().unsqueeze(0).expand(3, 2, 1, 5, 16);
            assertArrayEquals(Torch.toFloats(Kernels.rotary(x, angle.cos(), angle.sin())),
                    Torch.toFloats(Kernels.rotaryMultimodal(x, cos3, sin3, new long[]{4, 2, 2})));
        }
    }

    @Test
    void rotaryInterleavedRotatesAdjacentPairsAsComplexNumbers() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(8)) {
            int l = 6, h = 2, d = 8;
            Tensor x = rng.randn(1, l, h, d);
            Tensor angle = rng.randn(l, 1, d / 2);
            float[] xs = Torch.toFloats(x);
            float[] as = Torch.toFloats(angle);
            float[] want = new float[xs.length];
            for (int li = 0; li < l; li++) {
                for (int hi = 0; hi < h; hi++) {
                    for (int i = 0; i < d / 2; i++) {
                        int at = ((li * h) + hi) * d + 2 * i;
                        double re = xs[at];
                        double im = xs[at + 1];
                        double c = Math.cos(as[li * d / 2 + i]);
                        double sn = Math.sin(as[li * d / 2 + i]);
                        want[at] = (float) (re * c - im * sn);
                        want[at + 1] = (float) (re * sn + im * c);
                    }
                }
            }
            assertClose(want, Torch.toFloats(Kernels.rotaryInterleaved(x, angle.cos(), angle.sin())), 1e-6);
        }
    }

    @Test
    void rotaryInterleavedIsRotateHalfOnDeinterleavedDimensions() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(9)) {
            Tensor x = rng.randn(7, 3, 10);
            Tensor angle = rng.randn(7, 1, 5);
            // even dims to the first half, odd dims to the second: pairs (2i, 2i+1) become (i, i + D/2)
            Tensor evenOdd = Torch.fromLongs(new long[]{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}, 10);
            Tensor back = evenOdd.argsort();
            Tensor cos = torch.cat(new TensorVector(angle.cos(), angle.cos()), -1);
            Tensor sin = torch.cat(new TensorVector(angle.sin(), angle.sin()), -1);
            Tensor viaHalf = Kernels.rotary(x.index_select(-1, evenOdd), cos, sin).index_select(-1, back);
            assertClose(Torch.toFloats(viaHalf), Torch.toFloats(Kernels.rotaryInterleaved(x, angle.cos(), angle.sin())),
                    1e-6);
        }
    }

    // ---------------------------------------------------------------- gated activations

    @Test
    void swigluIsSiluOfGateTimesUp() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(10)) {
            Tensor gate = rng.randn(3, 7).mul(Torch.scalar(3));
            Tensor up = rng.randn(3, 7);
            float[] g = Torch.toFloats(gate);
            float[] u = Torch.toFloats(up);
            float[] want = new float[g.length];
            for (int i = 0; i < g.length; i++) {
                want[i] = (float) (g[i] / (1 + Math.exp(-g[i])) * u[i]);
            }
            assertClose(want, Torch.toFloats(Kernels.swiglu(gate, up)), 1e-6);
        }
    }

    @Test
    void swigluReadsTheHalvesOfAFusedProjectionInPlace() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(11)) {
            Tensor gateUp = rng.randn(2, 5, 16).to(BF16);
            Tensor gate = gateUp.narrow(-1, 0, 8);
            Tensor up = gateUp.narrow(-1, 8, 8);
            Tensor out = Kernels.swiglu(gate, up);
            assertArrayEquals(new long[]{2, 5, 8}, Torch.shape(out));
            assertArrayEquals(Torch.toFloats(Kernels.swiglu(gate.contiguous(), up.contiguous())), Torch.toFloats(out));
        }
    }

    @Test
    void geluTanhFollowsTheTanhApproximation() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(12)) {
            Tensor x = rng.randn(50).mul(Torch.scalar(3));
            float[] xs = Torch.toFloats(x);
            float[] want = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                double v = xs[i];
                want[i] = (float) (0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v))));
            }
            assertClose(want, Torch.toFloats(Kernels.geluTanh(x)), 1e-6);
        }
    }

    @Test
    void geluTanhGatedMultipliesTheActivatedGateByUp() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(13)) {
            Tensor gate = rng.randn(4, 9).to(BF16);
            Tensor up = rng.randn(4, 9).to(BF16);
            Tensor want = torch.gelu(gate.to(F32), "tanh").mul(up.to(F32)).to(BF16);
            Tensor out = Kernels.geluTanhGated(gate, up);
            assertEquals(BF16.value, out.scalar_type().value);
            assertArrayEquals(Torch.toFloats(want), Torch.toFloats(out));
        }
    }

    // ---------------------------------------------------------------- AdaLN

    @Test
    void adaLnModulateAppliesPerSampleShiftAndScaleInFloat32() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(14)) {
            int b = 2, l = 3, d = 4;
            Tensor x = rng.randn(b, l, d).to(BF16);
            Tensor shift = rng.randn(b, 1, d);
            Tensor scale = rng.randn(b, 1, d);
            float[] xs = Torch.toFloats(x);
            float[] sh = Torch.toFloats(shift);
            float[] sc = Torch.toFloats(scale);
            float[] want = new float[xs.length];
            for (int bi = 0; bi < b; bi++) {
                for (int li = 0; li < l; li++) {
                    for (int i = 0; i < d; i++) {
                        int at = (bi * l + li) * d + i;
                        want[at] = bf16(xs[at] * (1 + sc[bi * d + i]) + sh[bi * d + i]);
                    }
                }
            }
            Tensor out = Kernels.adaLnModulate(x, shift, scale);
            assertEquals(BF16.value, out.scalar_type().value);
            assertClose(want, Torch.toFloats(out), 1e-2);
        }
    }

    @Test
    void layerNormModulateNormalisesWithoutAffineThenModulates() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(15)) {
            int b = 2, l = 5, d = 6;
            Tensor x = rng.randn(b, l, d).mul(Torch.scalar(4)).add(Torch.scalar(1));
            Tensor shift = rng.randn(1, 1, d);
            Tensor scale = rng.randn(b, 1, d);
            float[] xs = Torch.toFloats(x);
            float[] sh = Torch.toFloats(shift);
            float[] sc = Torch.toFloats(scale);
            float[] want = new float[xs.length];
            for (int bi = 0; bi < b; bi++) {
                for (int li = 0; li < l; li++) {
                    int row = (bi * l + li) * d;
                    double mean = 0;
                    for (int i = 0; i < d; i++) {
                        mean += xs[row + i] / (double) d;
                    }
                    double var = 0;
                    for (int i = 0; i < d; i++) {
                        var += (xs[row + i] - mean) * (xs[row + i] - mean) / d;
                    }
                    for (int i = 0; i < d; i++) {
                        double normed = (xs[row + i] - mean) / Math.sqrt(var + 1e-6);
                        want[row + i] = (float) (normed * (1 + sc[bi * d + i]) + sh[i]);
                    }
                }
            }
            assertClose(want, Torch.toFloats(Kernels.layerNormModulate(x, shift, scale, 1e-6)), 1e-5);
        }
    }

    @Test
    void adaLnModulateTakesScalarModulation() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(24)) {
            Tensor x = rng.randn(1, 2, 4);
            Tensor out = Kernels.adaLnModulate(x, Torch.fromFloats(new float[]{0.5f}), Torch.fromFloats(new float[]{1f}));
            float[] xs = Torch.toFloats(x);
            float[] want = new float[xs.length];
            for (int i = 0; i < xs.length; i++) {
                want[i] = xs[i] * 2 + 0.5f;
            }
            assertClose(want, Torch.toFloats(out), 1e-7);
        }
    }

    @Test
    void gatedResidualAddsTheGatedOutputInFloat32() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(16)) {
            Tensor x = rng.randn(2, 3, 8).to(BF16);
            Tensor y = rng.randn(2, 3, 8).to(BF16);
            Tensor gate = rng.randn(2, 1, 8);
            Tensor want = x.to(F32).add(y.to(F32).mul(gate)).to(BF16);
            assertArrayEquals(Torch.toFloats(want), Torch.toFloats(Kernels.gatedResidual(x, y, gate)));
        }
    }

    // ---------------------------------------------------------------- guidance

    @Test
    void cfgCombineInterpolatesAndExtrapolatesBetweenUncondAndCond() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(17)) {
            Tensor uncond = rng.randn(2, 4, 3, 5);
            Tensor cond = rng.randn(2, 4, 3, 5);
            assertClose(Torch.toFloats(uncond), Torch.toFloats(Kernels.cfgCombine(uncond, cond, 0)), 0);
            assertClose(Torch.toFloats(cond), Torch.toFloats(Kernels.cfgCombine(uncond, cond, 1)), 1e-7);
            float[] u = Torch.toFloats(uncond);
            float[] c = Torch.toFloats(cond);
            float[] want = new float[u.length];
            for (int i = 0; i < u.length; i++) {
                want[i] = u[i] + 5f * (c[i] - u[i]);
            }
            assertClose(want, Torch.toFloats(Kernels.cfgCombine(uncond, cond, 5)), 1e-6);
        }
    }

    @Test
    void cfgFlowStepTakesAnEulerStepInTheSampleDtype() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(18)) {
            Tensor uncond = rng.randn(16, 3, 4).to(BF16);
            Tensor cond = rng.randn(16, 3, 4).to(BF16);
            Tensor sample = rng.randn(16, 3, 4);
            Tensor out = Kernels.cfgFlowStep(uncond, cond, 5, sample, -0.05);
            assertEquals(F32.value, out.scalar_type().value);
            float[] u = Torch.toFloats(uncond);
            float[] c = Torch.toFloats(cond);
            float[] x = Torch.toFloats(sample);
            float[] want = new float[u.length];
            for (int i = 0; i < u.length; i++) {
                want[i] = x[i] + (-0.05f) * (u[i] + 5f * (c[i] - u[i]));
            }
            assertClose(want, Torch.toFloats(out), 1e-6);
        }
    }

    // ---------------------------------------------------------------- decode attention

    @Test
    void decodeAttentionIsSoftmaxAttentionOverEachSequencesPrefixWithGroupedHeads() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(19)) {
            int b = 3, hq = 4, hkv = 2, t = 9, d = 8;
            long[] lengths = {9, 1, 5};
            Tensor q = rng.randn(b, hq, d);
            Tensor k = rng.randn(b, hkv, t, d);
            Tensor v = rng.randn(b, hkv, t, d);
            float[] want = naiveAttention(Torch.toFloats(q), Torch.toFloats(k), Torch.toFloats(v), lengths, b, hq, hkv,
                    t, d, 0.3);
            Tensor out = Kernels.decodeAttention(q, k, v, Torch.fromLongs(lengths, b), 0.3);
            assertArrayEquals(new long[]{b, hq, d}, Torch.shape(out));
            assertClose(want, Torch.toFloats(out), 1e-5);
        }
    }

    @Test
    void decodeAttentionGivesZerosForAnEmptySequenceAndReadsAllOfAnOverlongOne() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(20)) {
            Tensor q = rng.randn(2, 2, 4);
            Tensor k = rng.randn(2, 1, 6, 4);
            Tensor v = rng.randn(2, 1, 6, 4);
            float[] out = Torch.toFloats(Kernels.decodeAttention(q, k, v, Torch.fromLongs(new long[]{0, 50}, 2)));
            for (int i = 0; i < 8; i++) {
                assertEquals(0f, out[i]);
            }
            float[] full = Torch.toFloats(Kernels.decodeAttention(q, k, v, Torch.fromLongs(new long[]{0, 6}, 2)));
            assertArrayEquals(full, out);
        }
    }

    @Test
    void decodeAttentionReadsATokenMajorCacheThroughAView() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(21)) {
            Tensor q = rng.randn(2, 6, 16).to(BF16);
            Tensor kTokens = rng.randn(2, 10, 3, 16).to(BF16);  // [B, T, Hkv, D]
            Tensor vTokens = rng.randn(2, 10, 3, 16).to(BF16);
            Tensor lengths = Torch.fromLongs(new long[]{10, 4}, 2);
            Tensor viaView = Kernels.decodeAttention(q, kTokens.permute(0, 2, 1, 3), vTokens.permute(0, 2, 1, 3), lengths);
            Tensor viaCopy = Kernels.decodeAttention(q, kTokens.permute(0, 2, 1, 3).contiguous(),
                    vTokens.permute(0, 2, 1, 3).contiguous(), lengths);
            assertEquals(BF16.value, viaView.scalar_type().value);
            assertArrayEquals(Torch.toFloats(viaCopy), Torch.toFloats(viaView));
        }
    }

    // ---------------------------------------------------------------- arguments and memory

    @Test
    void rejectsMismatchedArgumentsNamingTheOperation() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(22)) {
            Tensor x = rng.randn(2, 3, 8);
            assertMessage("rmsNorm", () -> Kernels.rmsNorm(x, rng.randn(7), 1e-6));
            assertMessage("addRmsNorm", () -> Kernels.addRmsNorm(x, rng.randn(2, 3, 8).to(BF16), rng.randn(8), 1e-6));
            assertMessage("rotary", () -> Kernels.rotary(rng.randn(2, 3, 7), rng.randn(3, 7), rng.randn(3, 7)));
            assertMessage("rotary", () -> Kernels.rotary(x, rng.randn(4, 8), rng.randn(4, 8)));
            assertMessage("rotaryInterleaved", () -> Kernels.rotaryInterleaved(x, rng.randn(3, 8), rng.randn(3, 8)));
            assertMessage("rotaryMultimodal",
                    () -> Kernels.rotaryMultimodal(x, rng.randn(3, 3, 8), rng.randn(3, 3, 8), new long[]{1, 1, 1}));
            assertMessage("swiglu", () -> Kernels.swiglu(x, rng.randn(2, 3, 4)));
            assertMessage("geluTanh", () -> Kernels.geluTanh(Torch.fromLongs(new long[]{1, 2}, 2)));
            assertMessage("adaLnModulate", () -> Kernels.adaLnModulate(x, rng.randn(2, 1, 5), rng.randn(2, 1, 8)));
            assertMessage("gatedResidual", () -> Kernels.gatedResidual(x, x.to(BF16), rng.randn(8)));
            assertMessage("cfgFlowStep", () -> Kernels.cfgFlowStep(x, x, 5, rng.randn(2, 3), 0.1));
            assertMessage("decodeAttention", () -> Kernels.decodeAttention(rng.randn(2, 3, 8), rng.randn(2, 2, 5, 8),
                    rng.randn(2, 2, 5, 8), Torch.fromLongs(new long[]{5, 5}, 2)));
            assertMessage("decodeAttention", () -> Kernels.decodeAttention(rng.randn(2, 4, 8), rng.randn(2, 2, 5, 8),
                    rng.randn(2, 2, 5, 8), rng.randn(2)));
        }
    }

    @Test
    void repeatedCallsFreeTheirTemporaries() {
        try (NativeScope outer = NativeScope.open(); Rng rng = new Rng(23)) {
            Tensor x = rng.randn(4, 32);
            Tensor w = rng.randn(32);
            Tensor q = rng.randn(1, 4, 32);
            Tensor k = rng.randn(1, 2, 16, 32);
            Tensor lengths = Torch.fromLongs(new long[]{16}, 1);
            Tensor table = w.narrow(0, 0, 16);
            Runnable step = () -> {
                Kernels.AddRmsNorm n = Kernels.addRmsNorm(x, x, w, 1e-6);
                n.normed().close();
                n.residual().close();
                Kernels.decodeAttention(q, k, k, lengths).close();
                Kernels.rotaryInterleaved(x, table, table).close();
            };
            for (int i = 0; i < 50; i++) {
                step.run();
            }
            long before = NativeMemory.trackedBytes();
            for (int i = 0; i < 300; i++) {
                step.run();
            }
            long growth = NativeMemory.trackedBytes() - before;
            assertTrue(growth <= 0, "JavaCPP-tracked bytes grew by " + growth);
        }
    }

    // ---------------------------------------------------------------- helpers

    private static float[] naiveAttention(float[] q, float[] k, float[] v, long[] lengths, int b, int hq, int hkv,
                                          int t, int d, double scale) {
        float[] out = new float[b * hq * d];
        int group = hq / hkv;
        for (int bi = 0; bi < b; bi++) {
            for (int h = 0; h < hq; h++) {
                int kvh = h / group;
                int len = (int) lengths[bi];
                double[] p = new double[len];
                double max = Double.NEGATIVE_INFINITY;
                for (int ti = 0; ti < len; ti++) {
                    double dot = 0;
                    for (int i = 0; i < d; i++) {
                        dot += q[(bi * hq + h) * d + i] * k[((bi * hkv + kvh) * t + ti) * d + i];
                    }
                    p[ti] = dot * scale;
                    max = Math.max(max, p[ti]);
                }
                double sum = 0;
                for (int ti = 0; ti < len; ti++) {
                    p[ti] = Math.exp(p[ti] - max);
                    sum += p[ti];
                }
                for (int i = 0; i < d; i++) {
                    double acc = 0;
                    for (int ti = 0; ti < len; ti++) {
                        acc += p[ti] * v[((bi * hkv + kvh) * t + ti) * d + i];
                    }
                    out[(bi * hq + h) * d + i] = (float) (acc / sum);
                }
            }
        }
        return out;
    }

    /** bfloat16 rounding (to nearest, ties to even) of a float. */
    static float bf16(float v) {
        int bits = Float.floatToRawIntBits(v);
        bits += 0x7fff + ((bits >>> 16) & 1);
        return Float.intBitsToFloat(bits & 0xffff0000);
    }

    /** max |actual - expected| <= tol * max |expected|. */
    static void assertClose(float[] expected, float[] actual, double tol) {
        assertEquals(expected.length, actual.length, "length");
        double scale = 0;
        double diff = 0;
        int worst = 0;
        for (int i = 0; i < expected.length; i++) {
            assertTrue(!Float.isNaN(actual[i]), "NaN at " + i);
            scale = Math.max(scale, Math.abs(expected[i]));
            double e = Math.abs(actual[i] - expected[i]);
            if (e > diff) {
                diff = e;
                worst = i;
            }
        }
        assertTrue(diff <= tol * scale, "max error " + diff + " at " + worst + " (expected " + expected[worst]
                + ", got " + actual[worst] + ") exceeds " + tol + " x " + scale);
    }

    private static void assertMessage(String op, org.junit.jupiter.api.function.Executable call) {
        String message = assertThrows(IllegalArgumentException.class, call).getMessage();
        assertTrue(message.startsWith(op + ":"), message);
    }
}
