package ai.unison.runtime;

import ai.unison.natives.UnisonCpu;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CPU kernels' loader, their argument checks, and the native linear combination against float64. */
class CpuKernelsTest {
    /** More than two blocks of the kernel (2048 elements) and a ragged tail. */
    private static final int N = 2 * 2048 + 77;

    private static float[] randomFloats(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    private static CpuKernels builtLibrary() {
        CpuKernels lib = CpuKernels.load("auto", CpuKernels::loadNative);
        assumeTrue(lib.available(), "CPU kernels not built (" + lib.status() + ")");
        return lib;
    }

    @Test
    void propertyOffDisablesTheKernelsWithoutLoadingThem() {
        CpuKernels lib = CpuKernels.load("off", () -> fail("must not load"));
        assertFalse(lib.available());
        assertEquals("disabled by -Dunison.cpukernels=off", lib.status());
        try (NativeScope s = NativeScope.open()) {
            Tensor x = Torch.fromFloats(new float[] {1, 2, 3}, 3);
            Tensor out = Torch.fromFloats(new float[] {7, 7, 7}, 3);
            assertFalse(lib.combine(new Tensor[] {out}, new Tensor[] {x}, new float[][] {{2}}));
            assertArrayEquals(new float[] {7, 7, 7}, Torch.toFloats(out));
        }
    }

    @Test
    void missingLibraryIsReportedAndEveryCallFallsBack() {
        CpuKernels lib = CpuKernels.load("auto", () -> {
            throw new UnsatisfiedLinkError("no jniUnisonCpu in java.library.path");
        });
        assertFalse(lib.available());
        assertTrue(lib.status().contains("no jniUnisonCpu"), lib.status());
        try (NativeScope s = NativeScope.open()) {
            Tensor x = Torch.fromFloats(new float[] {1, 2}, 2);
            assertFalse(lib.combine(new Tensor[] {x}, new Tensor[] {x}, new float[][] {{3}}));
            assertArrayEquals(new float[] {1, 2}, Torch.toFloats(x));
        }
    }

    @Test
    void libraryOfAnotherAbiIsRefused() {
        CpuKernels lib = CpuKernels.load("auto", () -> UnisonCpu.ABI + 1);
        assertFalse(lib.available());
        assertTrue(lib.status().contains("ABI " + (UnisonCpu.ABI + 1)), lib.status());
    }

    @Test
    void coefficientsMustMatchTheInputsAndOutputs() {
        CpuKernels lib = CpuKernels.load("off", () -> 0);
        try (NativeScope s = NativeScope.open()) {
            Tensor x = Torch.fromFloats(new float[] {1, 2}, 2);
            assertThrows(IllegalArgumentException.class,
                    () -> lib.combine(new Tensor[] {x}, new Tensor[] {x}, new float[][] {{1}, {2}}));
            assertThrows(IllegalArgumentException.class,
                    () -> lib.combine(new Tensor[] {x}, new Tensor[] {x}, new float[][] {{1, 2}}));
        }
    }

    @Test
    void rangesMustBeEqualOrDisjoint() {
        assertTrue(CpuKernels.sameOrDisjoint(new long[] {1000, 1000}, new long[] {2000, 1000}, 1000));
        assertFalse(CpuKernels.sameOrDisjoint(new long[] {1000}, new long[] {1004}, 1000));
        assertFalse(CpuKernels.sameOrDisjoint(new long[] {1999, 1000}, new long[] {}, 1000));
    }

    /**
     * Two outputs in order: {@code o = 0.5 a - 2 b + 3 c} into a fresh tensor, then
     * {@code c = 1.25 o - c + 0.75 a} in place, which reads the new {@code o} and the old {@code c};
     * against float64 with the same sequential semantics.
     */
    @Test
    void nativeCombinationWithAliasedOutputsMatchesFloat64() {
        CpuKernels lib = builtLibrary();
        Random r = new Random(7);
        float[] a = randomFloats(r, N);
        float[] b = randomFloats(r, N);
        float[] c = randomFloats(r, N);
        try (NativeScope s = NativeScope.open()) {
            Tensor ta = Torch.fromFloats(a, N);
            Tensor tb = Torch.fromFloats(b, N);
            Tensor tc = Torch.fromFloats(c, N);
            Tensor to = torch.empty_like(tb);
            assertTrue(lib.combine(new Tensor[] {to, tc}, new Tensor[] {ta, tb, tc, to},
                    new float[][] {{0.5f, -2f, 3f, 0f}, {0.75f, 0f, -1f, 1.25f}}));
            float[] gotO = Torch.toFloats(to);
            float[] gotC = Torch.toFloats(tc);
            for (int i = 0; i < N; i++) {
                double o = 0.5 * a[i] - 2.0 * b[i] + 3.0 * c[i];
                double c2 = 1.25 * o - c[i] + 0.75 * a[i];
                double scaleO = 0.5 * Math.abs(a[i]) + 2 * Math.abs(b[i]) + 3 * Math.abs(c[i]);
                assertEquals(o, gotO[i], 1e-6 * (1 + scaleO), "o[" + i + "]");
                assertEquals(c2, gotC[i], 1e-6 * (1 + 1.25 * scaleO + Math.abs(c[i]) + Math.abs(a[i])), "c[" + i + "]");
            }
        }
    }

    /** More terms than the kernel unrolls (it then accumulates in a buffer), written in place over one of them. */
    @Test
    void manyTermsInPlaceMatchFloat64() {
        CpuKernels lib = builtLibrary();
        Random r = new Random(11);
        int k = 11;
        float[][] xs = new float[k][];
        float[] coef = new float[k];
        Tensor[] inputs = new Tensor[k];
        try (NativeScope s = NativeScope.open()) {
            for (int i = 0; i < k; i++) {
                xs[i] = randomFloats(r, N);
                coef[i] = (float) r.nextGaussian();
                inputs[i] = Torch.fromFloats(xs[i], N);
            }
            assertTrue(lib.combine(new Tensor[] {inputs[5]}, inputs, new float[][] {coef}));
            float[] got = Torch.toFloats(inputs[5]);
            for (int e = 0; e < N; e++) {
                double want = 0;
                double scale = 1;
                for (int i = 0; i < k; i++) {
                    want += (double) coef[i] * xs[i][e];
                    scale += Math.abs(coef[i] * xs[i][e]);
                }
                assertEquals(want, got[e], 1e-6 * scale, "element " + e);
            }
        }
    }

    @Test
    void zeroCoefficientsSkipTheirInputsAndAllZeroGivesZero() {
        CpuKernels lib = builtLibrary();
        float[] nan = new float[N];
        java.util.Arrays.fill(nan, Float.NaN);
        try (NativeScope s = NativeScope.open()) {
            Tensor x = Torch.fromFloats(randomFloats(new Random(3), N), N);
            Tensor bad = Torch.fromFloats(nan, N);
            Tensor o1 = torch.empty_like(x);
            Tensor o2 = Torch.fromFloats(nan.clone(), N);
            assertTrue(lib.combine(new Tensor[] {o1, o2}, new Tensor[] {bad, x}, new float[][] {{0, 2}, {0, 0}}));
            float[] xs = Torch.toFloats(x);
            float[] got1 = Torch.toFloats(o1);
            float[] got2 = Torch.toFloats(o2);
            for (int i = 0; i < N; i++) {
                assertEquals(2 * xs[i], got1[i], 0f);
                assertEquals(0f, got2[i], 0f);
            }
        }
    }

    @Test
    void tensorsTheKernelDoesNotTakeAreLeftAlone() {
        CpuKernels lib = builtLibrary();
        try (NativeScope s = NativeScope.open()) {
            Tensor x = Torch.fromFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
            Tensor out = Torch.fromFloats(new float[] {9, 9, 9, 9, 9, 9}, 2, 3);
            float[] before = Torch.toFloats(out);
            float[][] one = {{1}};
            assertFalse(lib.combine(new Tensor[] {out}, new Tensor[] {x.t()}, one), "not contiguous");
            assertFalse(lib.combine(new Tensor[] {out}, new Tensor[] {x.to(torch.ScalarType.Double)}, one), "float64");
            assertFalse(lib.combine(new Tensor[] {out}, new Tensor[] {x.narrow(1, 0, 2).contiguous()}, one), "numel");
            Tensor buf = Torch.fromFloats(new float[] {1, 2, 3, 4, 5, 6, 7}, 7);
            assertFalse(lib.combine(new Tensor[] {buf.narrow(0, 1, 6)}, new Tensor[] {buf.narrow(0, 0, 6)}, one),
                    "partial overlap");
            Tensor grad = Torch.fromFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).set_requires_grad(true);
            assertFalse(lib.combine(new Tensor[] {out}, new Tensor[] {grad}, one), "autograd");
            assertArrayEquals(before, Torch.toFloats(out));
            assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6, 7}, Torch.toFloats(buf));
            assertTrue(lib.combine(new Tensor[] {out}, new Tensor[] {x}, new float[][] {{-1}}));
            assertArrayEquals(new float[] {-1, -2, -3, -4, -5, -6}, Torch.toFloats(out));
        }
    }
}
