package ai.unison.runtime;

import ai.unison.natives.CudaKernelException;
import ai.unison.natives.UnisonKernels;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Which path {@link Kernels} takes, and how the native library is loaded or reported missing. */
class KernelsDispatchTest {
    @Test
    void cpuTensorsTakeTheFallbackWithoutLoadingTheLibrary() {
        assertEquals(Kernels.Path.FALLBACK, Kernels.choose(false, true, null));
        try (NativeScope s = NativeScope.open()) {
            Tensor x = Torch.fromFloats(new float[]{1, 2, 3, 4}, 4);
            assertEquals(Kernels.Path.FALLBACK, Kernels.pathFor(x));
        }
    }

    @Test
    void missingLibraryFallsBackAndSaysSoOnce() {
        List<String> log = new ArrayList<>();
        KernelsLibrary lib = KernelsLibrary.load("auto", () -> {
            throw new UnsatisfiedLinkError("no jniUnisonKernels in java.library.path");
        }, log::add);
        assertFalse(lib.available());
        assertTrue(lib.status().contains("no jniUnisonKernels"), lib.status());
        for (int i = 0; i < 3; i++) {
            assertEquals(Kernels.Path.FALLBACK, Kernels.choose(true, true, lib));
        }
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).contains("no jniUnisonKernels") && log.get(0).contains("libtorch fallback"), log.get(0));
    }

    @Test
    void propertyOffDisablesTheKernelsWithoutLoadingThem() {
        KernelsLibrary lib = KernelsLibrary.load("off", () -> fail("must not load"), message -> { });
        assertFalse(lib.available());
        assertEquals("disabled by -Dunison.kernels=off", lib.status());
        assertEquals(Kernels.Path.FALLBACK, Kernels.choose(true, true, lib));
    }

    @Test
    void libraryOfAnotherAbiIsRefused() {
        KernelsLibrary lib = KernelsLibrary.load("auto", () -> UnisonKernels.ABI + 1, message -> { });
        assertFalse(lib.available());
        assertTrue(lib.status().contains("ABI " + (UnisonKernels.ABI + 1)), lib.status());
    }

    @Test
    void loadedLibraryTakesCudaTensorsThatFitTheKernel() {
        List<String> log = new ArrayList<>();
        KernelsLibrary lib = KernelsLibrary.load("auto", () -> UnisonKernels.ABI, log::add);
        assertTrue(lib.available());
        assertEquals(Kernels.Path.CUDA, Kernels.choose(true, true, lib));
        assertEquals(Kernels.Path.FALLBACK, Kernels.choose(true, false, lib));
        assertTrue(log.isEmpty(), log.toString());
    }

    @Test
    void tensorShapesBroadcastLikeLibtorch() {
        assertTrue(Kernels.broadcastable(new long[]{1, 5, 1, 8}, new long[]{2, 5, 3, 8}));
        assertTrue(Kernels.broadcastable(new long[]{8}, new long[]{2, 5, 3, 8}));
        assertFalse(Kernels.broadcastable(new long[]{2, 8}, new long[]{5, 8}));
        assertFalse(Kernels.broadcastable(new long[]{1, 1, 1, 1, 8}, new long[]{2, 5, 3, 8}));
    }

    /** Where kernels/build.sh built the natives (nvcc present), the binding loads and names kernels in errors. */
    @Test
    void builtLibraryLoadsAndReportsErrorsNamingTheKernel() {
        assumeTrue(UnisonKernels.class.getResource("linux-x86_64/libjniUnisonKernels.so") != null,
                "CUDA kernels not built here (no nvcc)");
        KernelsLibrary lib = KernelsLibrary.load("auto", KernelsLibrary::loadNative, message -> { });
        assertTrue(lib.available(), lib.status());
        // null pointers on a GPU machine, no CUDA device elsewhere: an error either way, named
        CudaKernelException e = assertThrows(CudaKernelException.class, () -> CudaKernelException.check(
                UnisonKernels.unison_gated_act(0, 0, 0, 4, 8, 8, 8, UnisonKernels.ACT_SILU, UnisonKernels.FLOAT32, 0, 0)));
        assertTrue(e.getMessage().startsWith("unison_gated_act: "), e.getMessage());
        assertTrue(e.status() != 0);
        // 1 sequence x 4 heads x 16 chunks of 128 positions x (32 outputs + max + sum) floats
        assertEquals(4L * 16 * 34 * 4, UnisonKernels.unison_decode_attention_workspace(1, 4, 32, 2048));
    }

    @Test
    void aCallAutogradRecordsTakesTheFallbackBecauseTheKernelsHaveNoBackward() {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(3)) {
            Tensor x = rng.randn(2, 4);
            Tensor param = rng.randn(4).requires_grad_(true);
            assertFalse(Kernels.recorded(x), "plain tensors: nothing to record");
            assertFalse(Kernels.recorded(x, (Tensor) null), "an absent optional input");
            assertTrue(Kernels.recorded(x, param), "a parameter that requires grad");
            assertTrue(Kernels.recorded(x.mul(param)), "a result derived from one");
            try (NoGradGuard noGrad = new NoGradGuard()) {
                assertFalse(Kernels.recorded(x, param), "grad mode off (inference)");
            }
        }
    }
}
