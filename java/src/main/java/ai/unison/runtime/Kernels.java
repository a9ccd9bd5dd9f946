package ai.unison.runtime;

import ai.unison.natives.CudaKernelException;
import ai.unison.natives.CudaStreams;
import ai.unison.natives.UnisonKernels;
import org.bytedeco.pytorch.GradMode;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.Arrays;

/**
 * The fused operations of the model code. Each has one meaning on every device: on a GPU, when the
 * project's CUDA kernels are loaded ({@link KernelsLibrary}), one kernel of {@code kernels/} computes it;
 * otherwise {@link Fallback}, a composition of libtorch operations, does. The fallback is the reference:
 * the kernels are checked against it (and against the same semantics restated in plain C++ by
 * {@code kernels/harness}).
 *
 * <p>Common rules. Arithmetic is float32 and every output element is rounded once to the output dtype
 * (the dtype of the first tensor argument unless said otherwise); outputs are new contiguous tensors on
 * the inputs' device. All tensors of a call must be on one device. The CUDA path handles float32 and
 * bfloat16; other dtypes, and shapes outside a kernel's limits, take the fallback on the GPU too. Arguments
 * are checked the same way on both paths, so code tested on the CPU fails alike on a GPU. Temporaries are
 * freed before returning: call these inside a {@link NativeScope} like any other step code.
 */
public final class Kernels {
    private Kernels() {
    }

    /** Which implementation computes a call. */
    public enum Path {
        /** A CUDA kernel of {@code libunison_kernels}. */
        CUDA,
        /** libtorch operations ({@link Fallback}). */
        FALLBACK
    }

    /** The two outputs of {@link #addRmsNorm}. */
    public record AddRmsNorm(Tensor normed, Tensor residual) {
    }

    private static final ScalarType F32 = ScalarType.Float;

    // ---------------------------------------------------------------- norms

    /**
     * RMSNorm as Qwen2, Wan and T5 compute it: {@code round(round(x * rsqrt(mean(x^2, -1) + eps)) * weight)},
     * the inner rounding to x's dtype (HF's {@code weight * hidden.to(input_dtype)}).
     *
     * @param x      {@code [..., D]}
     * @param weight {@code [D]}, x's dtype
     */
    public static Tensor rmsNorm(Tensor x, Tensor weight, double eps) {
        try (NativeScope scope = NativeScope.open()) {
            checkNorm("rmsNorm", x, null, weight);
            Tensor out = useCuda(x, fits(x), weight)
                    ? Cuda.addRmsNorm(x, null, weight, eps).normed() : Fallback.rmsNorm(x, weight, eps);
            return scope.keep(out);
        }
    }

    /**
     * The residual add before a decoder sub-layer, fused with its RMSNorm: {@code residual = x + residual}
     * (rounded to the dtype, as the residual stream holds it) and {@code normed = rmsNorm(residual)}.
     *
     * @param x        the sub-layer output {@code [..., D]}
     * @param residual the residual stream, x's shape and dtype
     * @param weight   {@code [D]}, x's dtype
     * @return the normalised input of the next sub-layer and the new residual stream
     */
    public static AddRmsNorm addRmsNorm(Tensor x, Tensor residual, Tensor weight, double eps) {
        try (NativeScope scope = NativeScope.open()) {
            checkNorm("addRmsNorm", x, residual, weight);
            AddRmsNorm out = useCuda(x, fits(x), residual, weight)
                    ? Cuda.addRmsNorm(x, residual, weight, eps) : Fallback.addRmsNorm(x, residual, weight, eps);
            return new AddRmsNorm(scope.keep(out.normed()), scope.keep(out.residual()));
        }
    }

    // ---------------------------------------------------------------- rotary embeddings

    /**
     * Rotary embedding, rotate-half convention (HF Qwen2 text, Qwen2.5-VL vision):
     * {@code x * cos + rotate_half(x) * sin} with {@code rotate_half(x) = cat(-x[..., D/2:], x[..., :D/2])}.
     *
     * @param x   {@code [..., D]}, D even
     * @param cos a table broadcastable to x (last dim D), any float dtype; e.g. {@code [T, 1, D]} for x
     *            {@code [T, H, D]}, or {@code [B, 1, T, D]} for x {@code [B, H, T, D]}
     * @param sin like cos
     */
    public static Tensor rotary(Tensor x, Tensor cos, Tensor sin) {
        try (NativeScope scope = NativeScope.open()) {
            checkRotary("rotary", x, cos, sin, false);
            Tensor out = useCuda(x, fits(x) && x.dim() <= 4, cos, sin)
                    ? Cuda.rotary(x, cos, sin, UnisonKernels.ROPE_HALF, null) : Fallback.rotary(x, cos, sin);
            return scope.keep(out);
        }
    }

    /**
     * Multimodal rotary embedding (Qwen2.5-VL M-RoPE): {@link #rotary} with tables assembled per dimension
     * from three position axes (temporal, height, width), as HF's {@code apply_multimodal_rotary_pos_emb}:
     * with {@code mropeSection = [s0, s1, s2]} summing to D/2, dimension j reads axis
     * {@code k} of the tables where {@code j mod D/2} falls in section k.
     *
     * @param x            {@code [..., D]}
     * @param cos          {@code [3, ...]}: one table per axis, each broadcastable to x like in
     *                     {@link #rotary} (HF's {@code [3, B, T, D]} becomes {@code [3, B, 1, T, D]} for x
     *                     {@code [B, H, T, D]})
     * @param sin          like cos
     * @param mropeSection the three section lengths
     */
    public static Tensor rotaryMultimodal(Tensor x, Tensor cos, Tensor sin, long[] mropeSection) {
        String op = "rotaryMultimodal";
        try (NativeScope scope = NativeScope.open()) {
            if (cos.dim() < 1 || cos.size(0) != 3) {
                throw new IllegalArgumentException(op + ": cos " + Torch.shapeString(cos)
                        + " must hold 3 tables (temporal, height, width) in its first dimension");
            }
            checkSameShape(op, "cos", cos, "sin", sin);
            checkRotary(op, x, cos.select(0, 0), sin.select(0, 0), false);
            long half = x.size(-1) / 2;
            if (mropeSection.length != 3 || mropeSection[0] < 0 || mropeSection[1] < 0 || mropeSection[2] < 0
                    || mropeSection[0] + mropeSection[1] + mropeSection[2] != half) {
                throw new IllegalArgumentException(op + ": mropeSection " + Arrays.toString(mropeSection)
                        + " must be three lengths summing to head_dim / 2 = " + half);
            }
            Tensor out = useCuda(x, fits(x) && x.dim() <= 4, cos, sin)
                    ? Cuda.rotary(x, cos, sin, UnisonKernels.ROPE_MULTIMODAL, mropeSection)
                    : Fallback.rotaryMultimodal(x, cos, sin, mropeSection);
            return scope.keep(out);
        }
    }

    /**
     * Rotary embedding on interleaved pairs (Wan, 3-D RoPE): pair {@code (x[2i], x[2i+1])} is multiplied as
     * a complex number by {@code cos[i] + i*sin[i]}:
     * {@code out[2i] = x[2i]*cos[i] - x[2i+1]*sin[i]}, {@code out[2i+1] = x[2i]*sin[i] + x[2i+1]*cos[i]}.
     * Wan's 3-D tables (frame, height and width frequencies concatenated per token) go in as they are;
     * diffusers' repeat-interleaved {@code freqs_cos} of length D become {@code freqs_cos[..., 0::2]}.
     *
     * @param x   {@code [..., D]}, D even, e.g. {@code [B, L, H, D]}
     * @param cos a table broadcastable to {@code x[..., :D/2]} (last dim D/2), e.g. {@code [L, 1, D/2]}
     * @param sin like cos
     */
    public static Tensor rotaryInterleaved(Tensor x, Tensor cos, Tensor sin) {
        try (NativeScope scope = NativeScope.open()) {
            checkRotary("rotaryInterleaved", x, cos, sin, true);
            Tensor out = useCuda(x, fits(x) && x.dim() <= 4, cos, sin)
                    ? Cuda.rotary(x, cos, sin, UnisonKernels.ROPE_INTERLEAVED, null)
                    : Fallback.rotaryInterleaved(x, cos, sin);
            return scope.keep(out);
        }
    }

    // ---------------------------------------------------------------- gated activations

    /** SwiGLU: {@code silu(gate) * up}, {@code silu(g) = g / (1 + exp(-g))}; gate and up of one shape and dtype. */
    public static Tensor swiglu(Tensor gate, Tensor up) {
        return gated("swiglu", gate, up, UnisonKernels.ACT_SILU);
    }

    /**
     * GELU with the tanh approximation ({@code gelu(x, approximate="tanh")}, Wan's FFN):
     * {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}.
     */
    public static Tensor geluTanh(Tensor x) {
        return gated("geluTanh", x, null, UnisonKernels.ACT_GELU_TANH);
    }

    /** Gated GELU-tanh (UMT5's {@code gelu_new} gated FFN): {@code geluTanh(gate) * up}. */
    public static Tensor geluTanhGated(Tensor gate, Tensor up) {
        return gated("geluTanhGated", gate, up, UnisonKernels.ACT_GELU_TANH);
    }

    private static Tensor gated(String op, Tensor gate, Tensor up, int act) {
        try (NativeScope scope = NativeScope.open()) {
            checkFloating(op, "gate", gate);
            if (up != null) {
                checkSameShape(op, "gate", gate, "up", up);
                checkSameDtype(op, "gate", gate, "up", up);
                checkSameDevice(op, gate, "up", up);
            }
            Tensor out = useCuda(gate, fits(gate), up)
                    ? Cuda.gatedAct(gate, up, act) : Fallback.gatedAct(gate, up, act);
            return scope.keep(out);
        }
    }

    // ---------------------------------------------------------------- AdaLN (Wan blocks)

    /**
     * AdaLN modulation: {@code x * (1 + scale) + shift}, in float32 (diffusers' Wan block).
     *
     * @param x     {@code [B, L, D]}
     * @param shift broadcastable to x, any float dtype; e.g. a {@code [B, 1, D]} chunk of the block's
     *              {@code [B, 6, D]} modulation
     * @param scale like shift
     */
    public static Tensor adaLnModulate(Tensor x, Tensor shift, Tensor scale) {
        try (NativeScope scope = NativeScope.open()) {
            checkModulate("adaLnModulate", x, shift, scale);
            Tensor out = useCuda(x, fits(x) && modulationFits(x, shift, scale), shift, scale)
                    ? Cuda.modulate(x, shift, scale, false, 0) : Fallback.adaLnModulate(x, shift, scale);
            return scope.keep(out);
        }
    }

    /**
     * LayerNorm (no affine, biased variance, over the last dim) fused with AdaLN modulation, as a Wan block
     * runs {@code norm1(x.float()) * (1 + scale) + shift}: {@code layerNorm(x) * (1 + scale) + shift}.
     * Shapes as {@link #adaLnModulate}.
     */
    public static Tensor layerNormModulate(Tensor x, Tensor shift, Tensor scale, double eps) {
        try (NativeScope scope = NativeScope.open()) {
            checkModulate("layerNormModulate", x, shift, scale);
            Tensor out = useCuda(x, fits(x) && modulationFits(x, shift, scale), shift, scale)
                    ? Cuda.modulate(x, shift, scale, true, eps) : Fallback.layerNormModulate(x, shift, scale, eps);
            return scope.keep(out);
        }
    }

    /**
     * The gated residual of a Wan block: {@code x + y * gate}, in float32.
     *
     * @param x    the residual stream {@code [B, L, D]}
     * @param y    the sub-layer output, x's shape and dtype
     * @param gate broadcastable to x, any float dtype (e.g. {@code [B, 1, D]})
     */
    public static Tensor gatedResidual(Tensor x, Tensor y, Tensor gate) {
        try (NativeScope scope = NativeScope.open()) {
            checkModulate("gatedResidual", x, gate, gate);
            checkSameShape("gatedResidual", "x", x, "y", y);
            checkSameDtype("gatedResidual", "x", x, "y", y);
            checkSameDevice("gatedResidual", x, "y", y);
            Tensor out = useCuda(x, fits(x) && modulationFits(x, gate, gate), y, gate)
                    ? Cuda.gatedResidual(x, y, gate) : Fallback.gatedResidual(x, y, gate);
            return scope.keep(out);
        }
    }

    // ---------------------------------------------------------------- guidance and scheduler update

    /**
     * Classifier-free guidance: {@code uncond + scale * (cond - uncond)}, in cond's dtype. This is the
     * combine any scheduler (UniPC, DPM-Solver, Euler) consumes.
     */
    public static Tensor cfgCombine(Tensor uncond, Tensor cond, double scale) {
        try (NativeScope scope = NativeScope.open()) {
            checkGuidance("cfgCombine", uncond, cond, null);
            Tensor out = useCuda(cond, fits(cond), uncond)
                    ? Cuda.cfg(uncond, cond, scale, null, 0) : Fallback.cfgCombine(uncond, cond, scale);
            return scope.keep(out);
        }
    }

    /**
     * Guidance fused with a flow-matching Euler step: {@code sample + dt * (uncond + scale * (cond - uncond))},
     * in sample's dtype ({@code dt = sigma_next - sigma}, as diffusers' FlowMatchEulerDiscreteScheduler).
     *
     * @param uncond the unconditional velocity
     * @param cond   the conditional velocity, uncond's shape and dtype
     * @param sample the current latents, uncond's shape, any float dtype
     */
    public static Tensor cfgFlowStep(Tensor uncond, Tensor cond, double scale, Tensor sample, double dt) {
        try (NativeScope scope = NativeScope.open()) {
            checkGuidance("cfgFlowStep", uncond, cond, sample);
            Tensor out = useCuda(cond, fits(cond) && fits(sample), uncond, sample)
                    ? Cuda.cfg(uncond, cond, scale, sample, dt) : Fallback.cfgFlowStep(uncond, cond, scale, sample, dt);
            return scope.keep(out);
        }
    }

    // ---------------------------------------------------------------- decode attention

    /** {@link #decodeAttention(Tensor, Tensor, Tensor, Tensor, double)} with scale {@code 1/sqrt(D)}. */
    public static Tensor decodeAttention(Tensor q, Tensor kCache, Tensor vCache, Tensor lengths) {
        return decodeAttention(q, kCache, vCache, lengths, 1.0 / Math.sqrt(q.size(-1)));
    }

    /**
     * Attention of one new query per sequence over its KV cache, for small-batch decoding with grouped
     * query heads: {@code softmax(q . k[t] * scale over t < lengths[b]) . v}, in float32. Query head h reads
     * kv head {@code h / (Hq / Hkv)} (HF's {@code repeat_kv}). A sequence of length 0 gets zeros; lengths
     * beyond the capacity read the whole cache.
     *
     * @param q       {@code [B, Hq, D]}
     * @param kCache  {@code [B, Hkv, T, D]}, any strides (e.g. a permuted {@code [B, T, Hkv, D]} buffer);
     *                q's dtype
     * @param vCache  like kCache
     * @param lengths integer {@code [B]}: the valid positions of each sequence (including the new token),
     *                on q's device
     * @return {@code [B, Hq, D]} in q's dtype
     */
    public static Tensor decodeAttention(Tensor q, Tensor kCache, Tensor vCache, Tensor lengths, double scale) {
        try (NativeScope scope = NativeScope.open()) {
            checkAttention(q, kCache, vCache, lengths);
            Tensor out = useCuda(q, fits(q) && attentionFits(q, kCache), kCache, vCache)
                    ? Cuda.decodeAttention(q, kCache, vCache, lengths, scale)
                    : Fallback.decodeAttention(q, kCache, vCache, lengths, scale);
            return scope.keep(out);
        }
    }

    // ---------------------------------------------------------------- dispatch

    /**
     * The path a call on {@code x} takes when its shapes fit the kernel: {@link Path#CUDA} for a float32
     * or bfloat16 CUDA tensor with the kernels loaded, else {@link Path#FALLBACK}.
     */
    public static Path pathFor(Tensor x) {
        return x.is_cuda() && fits(x) && KernelsLibrary.get().available() ? Path.CUDA : Path.FALLBACK;
    }

    /**
     * Whether this call takes the CUDA kernel. The kernels have no backward, so a call that autograd records
     * (grad mode on and an input that requires grad, as in training) takes the fallback, which it can
     * differentiate.
     */
    private static boolean useCuda(Tensor x, boolean kernelFits, Tensor... otherInputs) {
        boolean onCuda = x.is_cuda();  // CPU calls skip the autograd check: they take the fallback anyway
        return choose(onCuda, onCuda && kernelFits && !recorded(x, otherInputs),
                onCuda ? KernelsLibrary.get() : null) == Path.CUDA;
    }

    /** Whether autograd records an operation on these inputs (null entries are absent optional inputs). */
    static boolean recorded(Tensor x, Tensor... others) {
        if (!GradMode.is_enabled()) {
            return false;
        }
        if (x.requires_grad()) {
            return true;
        }
        for (Tensor t : others) {
            if (t != null && t.requires_grad()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The dispatch rule: CPU tensors take the fallback; CUDA tensors take the kernel when the library is
     * available and the call fits it, and otherwise the fallback (reported once when the library is missing).
     */
    static Path choose(boolean onCuda, boolean kernelFits, KernelsLibrary library) {
        if (!onCuda) {
            return Path.FALLBACK;
        }
        if (!library.available()) {
            library.reportFallback();
            return Path.FALLBACK;
        }
        return kernelFits ? Path.CUDA : Path.FALLBACK;
    }

    /** A dtype the kernels handle and something to compute. */
    private static boolean fits(Tensor t) {
        return kernelDtype(t) >= 0 && t.numel() > 0;
    }

    /** The kernels' dtype code of t, or -1. */
    private static int kernelDtype(Tensor t) {
        int v = t.scalar_type().value;
        if (v == F32.value) {
            return UnisonKernels.FLOAT32;
        }
        return v == ScalarType.BFloat16.value ? UnisonKernels.BFLOAT16 : -1;
    }

    /** The kernels read modulation rows with unit stride along D. */
    private static boolean modulationFits(Tensor x, Tensor shift, Tensor scale) {
        return shift.dim() > 0 && scale.dim() > 0 && shift.size(-1) == x.size(-1) && scale.size(-1) == x.size(-1);
    }

    /** Head dim, group size and grid limits of the decode-attention kernel. */
    private static boolean attentionFits(Tensor q, Tensor k) {
        return q.size(2) <= 256 && q.size(1) / k.size(1) <= 16 && q.size(0) <= 65535 && k.size(1) <= 65535;
    }

    // ---------------------------------------------------------------- argument checks

    private static void checkNorm(String op, Tensor x, Tensor residual, Tensor weight) {
        checkFloating(op, "x", x);
        if (x.dim() < 1 || weight.dim() != 1 || weight.size(0) != x.size(-1)) {
            throw new IllegalArgumentException(op + ": weight " + Torch.shapeString(weight)
                    + " must be [D] for x " + Torch.shapeString(x));
        }
        checkSameDtype(op, "x", x, "weight", weight);
        checkSameDevice(op, x, "weight", weight);
        if (residual != null) {
            checkSameShape(op, "x", x, "residual", residual);
            checkSameDtype(op, "x", x, "residual", residual);
            checkSameDevice(op, x, "residual", residual);
        }
    }

    /** Tables of length D (rotate-half) or D/2 ({@code pairs}) per position, broadcastable to x. */
    private static void checkRotary(String op, Tensor x, Tensor cos, Tensor sin, boolean pairs) {
        checkFloating(op, "x", x);
        checkFloating(op, "cos", cos);
        checkFloating(op, "sin", sin);
        long d = x.dim() == 0 ? 0 : x.size(-1);
        if (d == 0 || d % 2 != 0) {
            throw new IllegalArgumentException(op + ": x " + Torch.shapeString(x) + " needs an even last dimension");
        }
        long tableDim = pairs ? d / 2 : d;
        long[] target = Torch.shape(x);
        target[target.length - 1] = tableDim;
        for (Tensor table : new Tensor[]{cos, sin}) {
            if (table.dim() == 0 || !broadcastable(Torch.shape(table), target) || table.size(-1) != tableDim) {
                throw new IllegalArgumentException(op + ": table " + Torch.shapeString(table)
                        + " does not broadcast to " + Torch.shapeString(target) + " with last dimension " + tableDim);
            }
        }
        checkSameShape(op, "cos", cos, "sin", sin);
        checkSameDevice(op, x, "cos", cos);
        checkSameDevice(op, x, "sin", sin);
    }

    private static void checkModulate(String op, Tensor x, Tensor shift, Tensor scale) {
        checkFloating(op, "x", x);
        if (x.dim() != 3) {
            throw new IllegalArgumentException(op + ": x " + Torch.shapeString(x) + " must be [B, L, D]");
        }
        for (Tensor t : new Tensor[]{shift, scale}) {
            checkFloating(op, "modulation", t);
            if (!broadcastable(Torch.shape(t), Torch.shape(x))) {
                throw new IllegalArgumentException(op + ": modulation " + Torch.shapeString(t)
                        + " does not broadcast to x " + Torch.shapeString(x));
            }
            checkSameDevice(op, x, "modulation", t);
        }
    }

    private static void checkGuidance(String op, Tensor uncond, Tensor cond, Tensor sample) {
        checkFloating(op, "cond", cond);
        checkSameShape(op, "uncond", uncond, "cond", cond);
        checkSameDtype(op, "uncond", uncond, "cond", cond);
        checkSameDevice(op, cond, "uncond", uncond);
        if (sample != null) {
            checkFloating(op, "sample", sample);
            checkSameShape(op, "cond", cond, "sample", sample);
            checkSameDevice(op, cond, "sample", sample);
        }
    }

    private static void checkAttention(Tensor q, Tensor k, Tensor v, Tensor lengths) {
        String op = "decodeAttention";
        checkFloating(op, "q", q);
        if (q.dim() != 3 || k.dim() != 4) {
            throw new IllegalArgumentException(op + ": q " + Torch.shapeString(q) + " must be [B, Hq, D] and kCache "
                    + Torch.shapeString(k) + " [B, Hkv, T, D]");
        }
        checkSameShape(op, "kCache", k, "vCache", v);
        long b = q.size(0), hq = q.size(1), d = q.size(2), hkv = k.size(1);
        if (k.size(0) != b || k.size(3) != d || hkv == 0 || hq % hkv != 0) {
            throw new IllegalArgumentException(op + ": kCache " + Torch.shapeString(k) + " does not match q "
                    + Torch.shapeString(q) + " (same B and D, Hq a multiple of Hkv)");
        }
        if (lengths.dim() != 1 || lengths.size(0) != b || isFloating(lengths)) {
            throw new IllegalArgumentException(op + ": lengths " + Torch.shapeString(lengths)
                    + " must be an integer [" + b + "]");
        }
        checkSameDtype(op, "q", q, "kCache", k);
        checkSameDtype(op, "q", q, "vCache", v);
        checkSameDevice(op, q, "kCache", k);
        checkSameDevice(op, q, "vCache", v);
        checkSameDevice(op, q, "lengths", lengths);
    }

    static boolean broadcastable(long[] from, long[] to) {
        if (from.length > to.length) {
            return false;
        }
        for (int i = 1; i <= from.length; i++) {
            long f = from[from.length - i];
            if (f != 1 && f != to[to.length - i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isFloating(Tensor t) {
        int v = t.scalar_type().value;
        return v == F32.value || v == ScalarType.BFloat16.value || v == ScalarType.Half.value
                || v == ScalarType.Double.value;
    }

    private static void checkFloating(String op, String name, Tensor t) {
        if (!isFloating(t)) {
            throw new IllegalArgumentException(op + ": " + name + " must be a floating-point tensor, not "
                    + t.scalar_type());
        }
    }

    private static void checkSameShape(String op, String an, Tensor a, String bn, Tensor b) {
        if (!Arrays.equals(Torch.shape(a), Torch.shape(b))) {
            throw new IllegalArgumentException(op + ": " + bn + " " + Torch.shapeString(b) + " must have the shape of "
                    + an + " " + Torch.shapeString(a));
        }
    }

    private static void checkSameDtype(String op, String an, Tensor a, String bn, Tensor b) {
        if (a.scalar_type().value != b.scalar_type().value) {
            throw new IllegalArgumentException(op + ": " + bn + " is " + b.scalar_type() + " but " + an + " is "
                    + a.scalar_type());
        }
    }

    private static void checkSameDevice(String op, Tensor x, String name, Tensor t) {
        if (x.is_cuda() != t.is_cuda() || (x.is_cuda() && x.device().index() != t.device().index())) {
            throw new IllegalArgumentException(op + ": " + name + " is on " + Devices.name(t.device())
                    + " but the other inputs on " + Devices.name(x.device()));
        }
    }

    // ---------------------------------------------------------------- fallback

    /**
     * The libtorch compositions behind every operation: the reference semantics, and what runs on the CPU.
     * Arguments are not checked here (the {@link Kernels} methods do that), and temporaries belong to the
     * caller's {@link NativeScope}. Public so that GPU tests and benchmarks can compare both paths.
     */
    public static final class Fallback {
        private Fallback() {
        }

        public static Tensor rmsNorm(Tensor x, Tensor weight, double eps) {
            Tensor h = x.to(F32);
            Tensor meanSquare = h.pow(Torch.scalar(2)).mean(new long[]{-1}, true, new ScalarTypeOptional());
            Tensor normed = h.mul(meanSquare.add(Torch.scalar(eps)).rsqrt()).to(x.scalar_type());
            return normed.mul(weight);
        }

        public static AddRmsNorm addRmsNorm(Tensor x, Tensor residual, Tensor weight, double eps) {
            Tensor sum = x.add(residual);
            return new AddRmsNorm(rmsNorm(sum, weight, eps), sum);
        }

        public static Tensor rotary(Tensor x, Tensor cos, Tensor sin) {
            long half = x.size(-1) / 2;
            Tensor h = x.to(F32);
            Tensor rotated = torch.cat(new TensorVector(h.narrow(-1, half, half).neg(), h.narrow(-1, 0, half)), -1);
            return h.mul(cos.to(F32)).add(rotated.mul(sin.to(F32))).to(x.scalar_type());
        }

        public static Tensor rotaryMultimodal(Tensor x, Tensor cos, Tensor sin, long[] mropeSection) {
            return rotary(x, multimodalTable(cos, mropeSection), multimodalTable(sin, mropeSection));
        }

        /** HF's {@code cat([m[i % 3] for i, m in enumerate(table.split(section * 2, dim=-1))], dim=-1)}. */
        static Tensor multimodalTable(Tensor table, long[] section) {
            long[] sizes = {section[0], section[1], section[2], section[0], section[1], section[2]};
            TensorVector parts = table.split(sizes, -1);
            TensorVector picked = new TensorVector();
            for (int i = 0; i < sizes.length; i++) {
                picked.push_back(parts.get(i).select(0, i % 3));
            }
            return torch.cat(picked, -1);
        }

        public static Tensor rotaryInterleaved(Tensor x, Tensor cos, Tensor sin) {
            long[] shape = Torch.shape(x);
            long[] pairs = Arrays.copyOf(shape, shape.length + 1);
            pairs[shape.length - 1] = shape[shape.length - 1] / 2;
            pairs[shape.length] = 2;
            Tensor h = x.to(F32).reshape(pairs);
            Tensor x1 = h.select(-1, 0);
            Tensor x2 = h.select(-1, 1);
            Tensor c = cos.to(F32);
            Tensor s = sin.to(F32);
            Tensor first = x1.mul(c).sub(x2.mul(s));
            Tensor second = x1.mul(s).add(x2.mul(c));
            return torch.stack(new TensorVector(first, second), -1).reshape(shape).to(x.scalar_type());
        }

        public static Tensor swiglu(Tensor gate, Tensor up) {
            return gatedAct(gate, up, UnisonKernels.ACT_SILU);
        }

        public static Tensor geluTanh(Tensor x) {
            return gatedAct(x, null, UnisonKernels.ACT_GELU_TANH);
        }

        public static Tensor geluTanhGated(Tensor gate, Tensor up) {
            return gatedAct(gate, up, UnisonKernels.ACT_GELU_TANH);
        }

        static Tensor gatedAct(Tensor gate, Tensor up, int act) {
            Tensor g = gate.to(F32);
            Tensor a = act == UnisonKernels.ACT_SILU ? torch.silu(g) : torch.gelu(g, "tanh");
            return (up == null ? a : a.mul(up.to(F32))).to(gate.scalar_type());
        }

        public static Tensor adaLnModulate(Tensor x, Tensor shift, Tensor scale) {
            return modulated(x.to(F32), shift, scale).to(x.scalar_type());
        }

        public static Tensor layerNormModulate(Tensor x, Tensor shift, Tensor scale, double eps) {
            Tensor normed = torch.layer_norm(x.to(F32), new long[]{x.size(-1)}, new TensorOptional(),
                    new TensorOptional(), eps, false);
            return modulated(normed, shift, scale).to(x.scalar_type());
        }

        private static Tensor modulated(Tensor h, Tensor shift, Tensor scale) {
            return h.mul(scale.to(F32).add(Torch.scalar(1))).add(shift.to(F32));
        }

        public static Tensor gatedResidual(Tensor x, Tensor y, Tensor gate) {
            return x.to(F32).add(y.to(F32).mul(gate.to(F32))).to(x.scalar_type());
        }

        public static Tensor cfgCombine(Tensor uncond, Tensor cond, double scale) {
            return guided(uncond, cond, scale).to(cond.scalar_type());
        }

        public static Tensor cfgFlowStep(Tensor uncond, Tensor cond, double scale, Tensor sample, double dt) {
            return sample.to(F32).add(guided(uncond, cond, scale).mul(Torch.scalar(dt))).to(sample.scalar_type());
        }

        private static Tensor guided(Tensor uncond, Tensor cond, double scale) {
            Tensor u = uncond.to(F32);
            return u.add(cond.to(F32).sub(u).mul(Torch.scalar(scale)));
        }

        public static Tensor decodeAttention(Tensor q, Tensor k, Tensor v, Tensor lengths, double scale) {
            long b = q.size(0), hq = q.size(1), d = q.size(2), hkv = k.size(1), t = k.size(2);
            Tensor query = q.to(F32).reshape(b, hkv, hq / hkv, d);  // query heads grouped by their kv head
            Tensor scores = query.matmul(k.to(F32).transpose(-1, -2)).mul(Torch.scalar(scale));  // [B, Hkv, G, T]
            Tensor len = lengths.to(ScalarType.Long).reshape(b, 1, 1, 1);
            Tensor positions = torch.arange(Torch.scalar(t), Torch.options(ScalarType.Long))
                    .to(q.device(), ScalarType.Long).reshape(1, 1, 1, t);
            scores = scores.masked_fill(positions.ge(len), Torch.scalar(Double.NEGATIVE_INFINITY));
            Tensor probs = scores.softmax(-1).masked_fill(len.le(Torch.scalar(0)), Torch.scalar(0));
            return probs.matmul(v.to(F32)).reshape(b, hq, d).to(q.scalar_type());
        }
    }

    // ---------------------------------------------------------------- CUDA

    /**
     * Launches on libtorch's current stream of the tensors' device. Loaded only when a CUDA tensor arrives,
     * so CPU-only processes never touch the CUDA classes.
     */
    private static final class Cuda {
        private Cuda() {
        }

        private static int dtype(Tensor t) {
            return kernelDtype(t);
        }

        private static long ptr(Tensor t) {
            return t == null ? 0 : t.data_ptr().address();
        }

        private static int device(Tensor t) {
            return t.device().index();
        }

        /** Contiguous, in the kernel dtype of {@code like}. */
        private static Tensor dense(Tensor t, Tensor like) {
            return t.to(like.scalar_type()).contiguous();
        }

        /** A float32 table expanded to {@code shape}: strides 0 where it broadcasts, last stride 1. */
        private static Tensor table(Tensor t, long[] shape) {
            return t.to(F32).contiguous().expand(shape);
        }

        static AddRmsNorm addRmsNorm(Tensor x, Tensor residual, Tensor weight, double eps) {
            Tensor xc = x.contiguous();
            Tensor rc = residual == null ? null : dense(residual, x);
            Tensor wc = dense(weight, x);
            Tensor out = torch.empty_like(xc);
            Tensor newResidual = residual == null ? null : torch.empty_like(xc);
            long dim = x.size(-1);
            int dev = device(x);
            CudaKernelException.check(UnisonKernels.unison_add_rms_norm(ptr(out), ptr(newResidual), ptr(xc),
                    ptr(rc), ptr(wc), x.numel() / dim, dim, (float) eps, dtype(x), dev, CudaStreams.current(dev)));
            return new AddRmsNorm(out, newResidual);
        }

        static Tensor rotary(Tensor x, Tensor cos, Tensor sin, int mode, long[] section) {
            Tensor xc = x.contiguous();
            long[] shape = Torch.shape(x);
            long[] rows = new long[4];  // x as [n0, n1, n2, D]
            Arrays.fill(rows, 1);
            System.arraycopy(shape, 0, rows, 4 - shape.length, shape.length);
            long[] tableShape = rows.clone();
            if (mode == UnisonKernels.ROPE_INTERLEAVED) {
                tableShape[3] = rows[3] / 2;
            }
            Tensor c;
            Tensor s;
            long axisStride = 0;
            if (mode == UnisonKernels.ROPE_MULTIMODAL) {
                long[] withAxis = new long[5];
                withAxis[0] = 3;
                System.arraycopy(tableShape, 0, withAxis, 1, 4);
                Tensor cos3 = padLeading(cos.to(F32).contiguous(), 5);
                c = cos3.expand(withAxis);
                s = padLeading(sin.to(F32).contiguous(), 5).expand(withAxis);
                axisStride = c.stride(0);
                c = c.select(0, 0);
                s = s.select(0, 0);
            } else {
                c = table(cos, tableShape);
                s = table(sin, tableShape);
            }
            // cos and sin have one shape (checked), so one set of strides addresses both
            Tensor out = torch.empty_like(xc);
            long[] sec = section == null ? new long[3] : section;
            int dev = device(x);
            CudaKernelException.check(UnisonKernels.unison_rotary(ptr(out), ptr(xc), ptr(c), ptr(s), rows[0], rows[1],
                    rows[2], rows[3], c.stride(0), c.stride(1), c.stride(2), mode, axisStride, sec[0], sec[1], sec[2],
                    dtype(x), dev, CudaStreams.current(dev)));
            return out;
        }

        private static Tensor padLeading(Tensor t, int dims) {
            Tensor r = t;
            while (r.dim() < dims) {
                r = r.unsqueeze(1);  // after the axis dimension of an M-RoPE table
            }
            return r;
        }

        private static long[] broadcastShape(long[] a, long[] b) {
            long[] out = new long[Math.max(a.length, b.length)];
            for (int i = 1; i <= out.length; i++) {
                long x = i <= a.length ? a[a.length - i] : 1;
                long y = i <= b.length ? b[b.length - i] : 1;
                out[out.length - i] = x == 1 ? y : x;
            }
            return out;
        }

        /** The stride between rows of a tensor seen as {@code [rows, last dim]}, or -1 if it has none. */
        private static long rowStride(Tensor t) {
            int n = (int) t.dim();
            if (t.stride(-1) != 1) {
                return -1;
            }
            if (n == 1) {
                return t.size(0);
            }
            for (int i = 0; i < n - 2; i++) {
                if (t.stride(i) != t.stride(i + 1) * t.size(i + 1)) {
                    return -1;
                }
            }
            long stride = t.stride(n - 2);
            return stride >= t.size(-1) ? stride : -1;
        }

        static Tensor gatedAct(Tensor gate, Tensor up, int act) {
            Tensor g = rowStride(gate) < 0 ? gate.contiguous() : gate;
            Tensor u = up == null || rowStride(up) >= 0 ? up : up.contiguous();
            long cols = gate.size(-1);
            Tensor out = gate.new_empty(Torch.shape(gate));
            int dev = device(gate);
            CudaKernelException.check(UnisonKernels.unison_gated_act(ptr(out), ptr(g), ptr(u), gate.numel() / cols, cols,
                    rowStride(g), u == null ? cols : rowStride(u), act, dtype(gate), dev, CudaStreams.current(dev)));
            return out;
        }

        static Tensor modulate(Tensor x, Tensor shift, Tensor scale, boolean layerNorm, double eps) {
            Tensor xc = x.contiguous();
            long[] shape = Torch.shape(x);
            Tensor sh = shift;
            Tensor sc = scale;
            if (!Arrays.equals(Torch.shape(sh), Torch.shape(sc))) {  // one layout for both, at their own size
                long[] common = broadcastShape(Torch.shape(sh), Torch.shape(sc));
                sh = sh.to(F32).expand(common).contiguous();
                sc = sc.to(F32).expand(common).contiguous();
            }
            sh = table(sh, shape);
            sc = table(sc, shape);
            Tensor out = torch.empty_like(xc);
            int dev = device(x);
            CudaKernelException.check(UnisonKernels.unison_modulate(ptr(out), ptr(xc), ptr(sh), ptr(sc), shape[0],
                    shape[1], shape[2], sh.stride(0), sh.stride(1), layerNorm ? 1 : 0, (float) eps, dtype(x), dev,
                    CudaStreams.current(dev)));
            return out;
        }

        static Tensor gatedResidual(Tensor x, Tensor y, Tensor gate) {
            Tensor xc = x.contiguous();
            Tensor yc = y.contiguous();
            long[] shape = Torch.shape(x);
            Tensor g = table(gate, shape);
            Tensor out = torch.empty_like(xc);
            int dev = device(x);
            CudaKernelException.check(UnisonKernels.unison_gated_residual(ptr(out), ptr(xc), ptr(yc), ptr(g), shape[0],
                    shape[1], shape[2], g.stride(0), g.stride(1), dtype(x), dev, CudaStreams.current(dev)));
            return out;
        }

        static Tensor cfg(Tensor uncond, Tensor cond, double scale, Tensor sample, double dt) {
            Tensor u = uncond.contiguous();
            Tensor c = cond.contiguous();
            Tensor s = sample == null ? null : sample.contiguous();
            Tensor out = torch.empty_like(s == null ? c : s);
            int dev = device(cond);
            CudaKernelException.check(UnisonKernels.unison_cfg_step(ptr(out), ptr(u), ptr(c), ptr(s), cond.numel(),
                    (float) scale, (float) dt, dtype(cond), s == null ? dtype(cond) : dtype(s), dev,
                    CudaStreams.current(dev)));
            return out;
        }

        static Tensor decodeAttention(Tensor q, Tensor k, Tensor v, Tensor lengths, double scale) {
            Tensor qc = q.stride(2) == 1 ? q : q.contiguous();
            Tensor kc = k.stride(3) == 1 ? k : k.contiguous();
            Tensor vc = v.stride(3) == 1 ? v : v.contiguous();
            Tensor len = lengths.to(ScalarType.Long).contiguous();
            long b = q.size(0), hq = q.size(1), d = q.size(2), hkv = k.size(1), capacity = k.size(2);
            long bytes = UnisonKernels.unison_decode_attention_workspace(b, hq, d, capacity);
            Tensor work = q.new_empty(new long[]{bytes / 4}, Torch.options(F32));
            Tensor out = q.new_empty(new long[]{b, hq, d});
            int dev = device(q);
            CudaKernelException.check(UnisonKernels.unison_decode_attention(ptr(out), ptr(qc), ptr(kc), ptr(vc),
                    ptr(len), ptr(work), b, hq, hkv, d, capacity, qc.stride(0), qc.stride(1), kc.stride(0),
                    kc.stride(1), kc.stride(2), vc.stride(0), vc.stride(1), vc.stride(2), (float) scale, dtype(q), dev,
                    CudaStreams.current(dev)));
            return out;
        }
    }
}
