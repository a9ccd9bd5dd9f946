package ai.unison.runtime;

import ai.unison.natives.CudaGraph;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import java.util.function.Function;

import static ai.unison.runtime.KernelsTest.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * On a GPU with the kernels built: every kernel against the libtorch fallback on the same CUDA tensors,
 * in float32 (1e-5 of the largest magnitude) and bfloat16 (1e-2). Skipped elsewhere.
 */
@EnabledIf(value = "gpuAndKernels", disabledReason = "needs a CUDA device and the kernels library")
class KernelsCudaTest {
    private static final ScalarType[] TYPES = {ScalarType.Float, ScalarType.BFloat16};

    static boolean gpuAndKernels() {
        return Devices.cudaAvailable() && KernelsLibrary.get().available();
    }

    private static Tensor gpu(Tensor t, ScalarType type) {
        return t.to(new Device("cuda:0"), type);
    }

    private static double tol(ScalarType type) {
        return type.value == ScalarType.Float.value ? 1e-5 : 1e-2;
    }

    /** Runs {@code op} on the kernel path and on the fallback, and compares. */
    private static void same(String what, ScalarType type, Tensor probe, Tensor kernel, Tensor fallback) {
        assertEquals(Kernels.Path.CUDA, Kernels.pathFor(probe), what);
        assertArrayEquals(Torch.shape(fallback), Torch.shape(kernel), what);
        assertEquals(fallback.scalar_type().value, kernel.scalar_type().value, what);
        assertClose(Torch.toFloats(fallback), Torch.toFloats(kernel), tol(type));
    }

    @Test
    void normsMatchTheFallback() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(1)) {
            for (ScalarType type : TYPES) {
                for (long[] shape : new long[][]{{64, 2048}, {37, 1001}, {2, 3, 1536}}) {
                    long d = shape[shape.length - 1];
                    Tensor x = gpu(rng.randn(shape), type);
                    Tensor r = gpu(rng.randn(shape), type);
                    Tensor w = gpu(rng.randn(d).mul(Torch.scalar(0.2)).add(Torch.scalar(1)), type);
                    same("rmsNorm", type, x, Kernels.rmsNorm(x, w, 1e-6), Kernels.Fallback.rmsNorm(x, w, 1e-6));
                    Kernels.AddRmsNorm k = Kernels.addRmsNorm(x, r, w, 1e-6);
                    Kernels.AddRmsNorm f = Kernels.Fallback.addRmsNorm(x, r, w, 1e-6);
                    same("addRmsNorm residual", type, x, k.residual(), f.residual());
                    same("addRmsNorm normed", type, x, k.normed(), f.normed());
                }
            }
        }
    }

    @Test
    void rotaryMatchesTheFallback() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(2)) {
            for (ScalarType type : TYPES) {
                Tensor x = gpu(rng.randn(2, 16, 33, 128), type);
                Tensor angle = rng.randn(2, 1, 33, 128).mul(Torch.scalar(3));
                Tensor cos = gpu(angle.cos(), type);
                Tensor sin = gpu(angle.sin(), type);
                same("rotary", type, x, Kernels.rotary(x, cos, sin), Kernels.Fallback.rotary(x, cos, sin));

                Tensor odd = gpu(rng.randn(33, 4, 10), type);
                Tensor oddAngle = rng.randn(33, 1, 10);
                Tensor oc = gpu(oddAngle.cos(), ScalarType.Float);
                Tensor os = gpu(oddAngle.sin(), ScalarType.Float);
                same("rotary D=10", type, odd, Kernels.rotary(odd, oc, os), Kernels.Fallback.rotary(odd, oc, os));

                Tensor angle3 = rng.randn(3, 1, 1, 20, 128);
                Tensor c3 = gpu(angle3.cos(), ScalarType.Float);
                Tensor s3 = gpu(angle3.sin(), ScalarType.Float);
                Tensor xm = gpu(rng.randn(1, 4, 20, 128), type);
                long[] section = {16, 24, 24};
                same("rotaryMultimodal", type, xm, Kernels.rotaryMultimodal(xm, c3, s3, section),
                        Kernels.Fallback.rotaryMultimodal(xm, c3, s3, section));

                Tensor xw = gpu(rng.randn(1, 60, 12, 128), type);
                Tensor aw = rng.randn(60, 1, 64);
                Tensor cw = gpu(aw.cos(), ScalarType.Float);
                Tensor sw = gpu(aw.sin(), ScalarType.Float);
                same("rotaryInterleaved", type, xw, Kernels.rotaryInterleaved(xw, cw, sw),
                        Kernels.Fallback.rotaryInterleaved(xw, cw, sw));
            }
        }
    }

    @Test
    void gatedActivationsMatchTheFallback() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(3)) {
            for (ScalarType type : TYPES) {
                Tensor gateUp = gpu(rng.randn(3, 50, 2000).mul(Torch.scalar(2)), type);
                Tensor gate = gateUp.narrow(-1, 0, 1000);
                Tensor up = gateUp.narrow(-1, 1000, 1000);
                same("swiglu", type, gate, Kernels.swiglu(gate, up), Kernels.Fallback.swiglu(gate, up));
                same("geluTanhGated", type, gate, Kernels.geluTanhGated(gate, up),
                        Kernels.Fallback.geluTanhGated(gate, up));
                Tensor x = gpu(rng.randn(7, 999).mul(Torch.scalar(3)), type);
                same("geluTanh", type, x, Kernels.geluTanh(x), Kernels.Fallback.geluTanh(x));
            }
        }
    }

    @Test
    void adaLnMatchesTheFallback() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(4)) {
            for (ScalarType type : TYPES) {
                for (long d : new long[]{1536, 1001}) {
                    Tensor x = gpu(rng.randn(2, 70, d).mul(Torch.scalar(2)).add(Torch.scalar(0.5)), type);
                    Tensor y = gpu(rng.randn(2, 70, d), type);
                    Tensor modulation = gpu(rng.randn(2, 6, d).mul(Torch.scalar(0.5)), ScalarType.Float);
                    Tensor shift = modulation.narrow(1, 0, 1);
                    Tensor scale = modulation.narrow(1, 1, 1);
                    Tensor gate = modulation.narrow(1, 2, 1);
                    same("adaLnModulate", type, x, Kernels.adaLnModulate(x, shift, scale),
                            Kernels.Fallback.adaLnModulate(x, shift, scale));
                    same("layerNormModulate", type, x, Kernels.layerNormModulate(x, shift, scale, 1e-6),
                            Kernels.Fallback.layerNormModulate(x, shift, scale, 1e-6));
                    same("gatedResidual", type, x, Kernels.gatedResidual(x, y, gate),
                            Kernels.Fallback.gatedResidual(x, y, gate));
                }
            }
        }
    }

    @Test
    void guidanceMatchesTheFallback() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(5)) {
            for (ScalarType type : TYPES) {
                Tensor u = gpu(rng.randn(16, 5, 30, 52), type);
                Tensor c = gpu(rng.randn(16, 5, 30, 52), type);
                Tensor sample = gpu(rng.randn(16, 5, 30, 52), ScalarType.Float);
                same("cfgCombine", type, c, Kernels.cfgCombine(u, c, 5), Kernels.Fallback.cfgCombine(u, c, 5));
                same("cfgFlowStep", ScalarType.Float, c, Kernels.cfgFlowStep(u, c, 5, sample, -0.03),
                        Kernels.Fallback.cfgFlowStep(u, c, 5, sample, -0.03));
            }
        }
    }

    @Test
    void decodeAttentionMatchesTheFallback() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(6)) {
            for (ScalarType type : TYPES) {
                Tensor q = gpu(rng.randn(3, 16, 128), type);
                Tensor k = gpu(rng.randn(3, 2, 700, 128), type);
                Tensor v = gpu(rng.randn(3, 2, 700, 128), type);
                Tensor lengths = gpu(Torch.fromLongs(new long[]{700, 1, 333}, 3), ScalarType.Long);
                same("decodeAttention", type, q, Kernels.decodeAttention(q, k, v, lengths),
                        Kernels.Fallback.decodeAttention(q, k, v, lengths, 1 / Math.sqrt(128)));

                Tensor kt = gpu(rng.randn(2, 300, 2, 64), type).permute(0, 2, 1, 3);  // token-major cache
                Tensor vt = gpu(rng.randn(2, 300, 2, 64), type).permute(0, 2, 1, 3);
                Tensor qt = gpu(rng.randn(2, 14, 64), type);
                Tensor lt = gpu(Torch.fromLongs(new long[]{0, 257}, 2), ScalarType.Long);
                same("decodeAttention BTHD", type, qt, Kernels.decodeAttention(qt, kt, vt, lt),
                        Kernels.Fallback.decodeAttention(qt, kt, vt, lt, 1 / Math.sqrt(64)));
            }
        }
    }

    @Test
    void graphReplayRecomputesFromTheCapturedInput() {
        try (NativeScope s = NativeScope.open(); Rng rng = new Rng(7)) {
            Tensor x = gpu(rng.randn(256, 2048), ScalarType.BFloat16);
            Tensor w = gpu(rng.randn(2048), ScalarType.BFloat16);
            Tensor[] out = new Tensor[1];
            Function<Tensor, Tensor> reference = in -> Kernels.Fallback.rmsNorm(in, w, 1e-6);
            try (CudaGraph graph = CudaGraph.capture(0, () -> out[0] = Kernels.rmsNorm(x, w, 1e-6))) {
                for (int i = 0; i < 3; i++) {
                    x.copy_(gpu(rng.randn(256, 2048), ScalarType.BFloat16));
                    graph.replay();
                    assertClose(Torch.toFloats(reference.apply(x)), Torch.toFloats(out[0]), 1e-2);
                }
            }
        }
    }
}
