package ai.unison.diffusion.wan;

import ai.unison.io.Checkpoint;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The Wan2.1 causal video VAE, diffusers' {@code AutoencoderKLWan} (v0.35) with its parameter names.
 * Every 3-D convolution is causal in time (two frames of zero padding in front, none behind). A video of
 * 1 + 4k frames is encoded chunk by chunk (frame 0, then 4 frames at a time) and a latent of 1 + k frames
 * is decoded one latent frame at a time; each causal convolution carries the last two frames of its input
 * across chunks (the feature cache), so chunked results equal upstream's exactly. Norms are RMS norms over
 * channels; the encoder and decoder middles hold one single-head spatial attention. Images are
 * single-frame videos. Norms compute in float32; convolutions in the loading dtype.
 */
public final class AutoencoderKLWan implements AutoCloseable {
    static final String CLASS_NAME = "AutoencoderKLWan";
    /** Input frames per encoder chunk after the first (upstream hard-codes 4). */
    private static final int CHUNK = 4;

    private final AutoencoderKLWanConfig config;
    private final Params params;
    private final Encoder encoder;
    private final Decoder decoder;
    private final CausalConv3d quantConv;
    private final CausalConv3d postQuantConv;

    /** A VAE over {@code weights} with diffusers names (a checkpoint's or trainable parameters); it owns them. */
    public AutoencoderKLWan(Weights weights, AutoencoderKLWanConfig config) {
        this(config, Params.of(weights, UnaryOperator.identity()));
    }

    AutoencoderKLWan(AutoencoderKLWanConfig config, Params params) {
        this.config = config;
        this.params = params;
        int z = config.zDim();
        this.encoder = new Encoder(params.prefix("encoder."), config);
        this.quantConv = new CausalConv3d(params, "quant_conv", 2L * z, 2L * z, 1, 0, 1);
        this.postQuantConv = new CausalConv3d(params, "post_quant_conv", z, z, 1, 0, 1);
        this.decoder = new Decoder(params.prefix("decoder."), config);
    }

    /** Loads a diffusers component folder ({@code config.json} + safetensors). */
    public static AutoencoderKLWan load(Path dir, DType dtype, Device device) {
        return load(dir.resolve("config.json"), dir, dtype, device);
    }

    public static AutoencoderKLWan load(Path configFile, Path weights, DType dtype, Device device) {
        AutoencoderKLWanConfig config = AutoencoderKLWanConfig.read(configFile);
        return Params.build(Checkpoint.open(weights), dtype, device, UnaryOperator.identity(),
                p -> new AutoencoderKLWan(config, p));
    }

    /** Every parameter (name → shape) a VAE of this config loads, in loading order. */
    public static Map<String, long[]> parameterShapes(AutoencoderKLWanConfig config) {
        try (Params recorder = Params.recorder()) {
            new AutoencoderKLWan(config, recorder);
            return recorder.recorded();
        }
    }

    /** Writes a randomly initialised VAE of this config as a diffusers component folder. */
    public static void writeRandom(AutoencoderKLWanConfig config, Path dir, long seed) {
        RandomWeights.write(parameterShapes(config), dir, seed, config.toJson());
    }

    public AutoencoderKLWanConfig config() {
        return config;
    }

    public DType dtype() {
        return params.dtype();
    }

    public Device device() {
        return params.device();
    }

    /**
     * The encoder's moments, cat(mean, logvar) on channels: video [B, C, 1 + 4k, H, W] (or an image
     * [B, C, H, W]) → [B, 2 z_dim, 1 + k, H / 8, W / 8].
     */
    public Tensor encodeMoments(Tensor video) {
        return encodeMoments(video, null);
    }

    /** {@link #encodeMoments(Tensor)} reporting {@code encoder_chunk_outputs} to {@code probe} (may be null). */
    public Tensor encodeMoments(Tensor video, Probe probe) {
        long[] s = Torch.shape(video);
        if (s.length == 4) {
            s = new long[]{s[0], s[1], 1, s[2], s[3]};
        }
        int f = config.spatialFactor();
        if (s.length != 5 || s[1] != config.inChannels() || (s[2] - 1) % CHUNK != 0 || s[3] % f != 0 || s[4] % f != 0) {
            throw new IllegalArgumentException("video must be [B, " + config.inChannels() + ", 1 + " + CHUNK
                    + "k, H, W] with H and W multiples of " + f + ", got " + Arrays.toString(Torch.shape(video)));
        }
        try (NativeScope step = NativeScope.open(); FeatCache cache = new FeatCache()) {
            Tensor in = video.reshape(s).to(device(), dtype().scalarType());
            List<Tensor> chunks = new ArrayList<>();
            for (long start = 0; start < s[2]; start += start == 0 ? 1 : CHUNK) {
                try (NativeScope chunk = NativeScope.open()) {
                    cache.startChunk();
                    Tensor part = in.narrow(2, start, start == 0 ? 1 : CHUNK);
                    chunks.add(chunk.keep(encoder.forward(part, cache)));
                }
            }
            Tensor out = WanOps.cat(2, chunks.toArray(Tensor[]::new));
            WanTransformer3DModel.report(probe, "encoder_chunk_outputs", out);
            return step.keep(quantConv.forward(out, null));
        }
    }

    /** Encodes to the diagonal Gaussian posterior (upstream {@code latent_dist}). */
    public LatentDistribution encode(Tensor video) {
        try (NativeScope step = NativeScope.open()) {
            TensorVector mv = encodeMoments(video).chunk(2, 1);
            Tensor logvar = mv.get(1).clamp(new ScalarOptional(Torch.scalar(-30)), new ScalarOptional(Torch.scalar(20)));
            return new LatentDistribution(step.keep(mv.get(0).contiguous()), step.keep(logvar));
        }
    }

    /** Decodes latents [B, z_dim, T, h, w] to a video [B, C, 1 + 4 (T - 1), 8 h, 8 w] clamped to [-1, 1]. */
    public Tensor decode(Tensor z) {
        return decode(z, null);
    }

    /** {@link #decode(Tensor)} reporting the unclamped output as {@code decoded_preclamp} (probe may be null). */
    public Tensor decode(Tensor z, Probe probe) {
        long[] s = Torch.shape(z);
        if (s.length != 5 || s[1] != config.zDim()) {
            throw new IllegalArgumentException("latents must be [B, " + config.zDim() + ", T, h, w], got "
                    + Arrays.toString(s));
        }
        try (NativeScope step = NativeScope.open(); FeatCache cache = new FeatCache()) {
            Tensor x = postQuantConv.forward(z.to(device(), dtype().scalarType()), null);
            List<Tensor> frames = new ArrayList<>();
            for (long i = 0; i < s[2]; i++) {
                try (NativeScope chunk = NativeScope.open()) {
                    cache.startChunk();
                    frames.add(chunk.keep(decoder.forward(x.narrow(2, i, 1), cache)));
                }
            }
            Tensor out = WanOps.cat(2, frames.toArray(Tensor[]::new));
            WanTransformer3DModel.report(probe, "decoded_preclamp", out);
            return step.keep(out.clamp(new ScalarOptional(Torch.scalar(-1)), new ScalarOptional(Torch.scalar(1))));
        }
    }

    /** Pipeline normalisation of VAE latents for the transformer: (z - latents_mean) / latents_std, in float32. */
    public Tensor normalizeLatents(Tensor z) {
        try (NativeScope step = NativeScope.open()) {
            Tensor[] ms = meanAndInvStd(z);
            return step.keep(z.to(ScalarType.Float).sub(ms[0]).mul(ms[1]));
        }
    }

    /** The inverse of {@link #normalizeLatents}: z * latents_std + latents_mean, in float32, ready to decode. */
    public Tensor denormalizeLatents(Tensor z) {
        try (NativeScope step = NativeScope.open()) {
            Tensor[] ms = meanAndInvStd(z);
            return step.keep(z.to(ScalarType.Float).div(ms[1]).add(ms[0]));
        }
    }

    /** latents_mean and 1 / latents_std as [1, z_dim, 1, 1, 1] float32 on z's device (as the pipelines build them). */
    private Tensor[] meanAndInvStd(Tensor z) {
        int n = config.zDim();
        float[] mean = new float[n];
        float[] std = new float[n];
        for (int i = 0; i < n; i++) {
            mean[i] = config.latentsMean().get(i).floatValue();
            std[i] = config.latentsStd().get(i).floatValue();
        }
        Tensor m = Torch.fromFloats(mean, 1, n, 1, 1, 1).to(z.device(), ScalarType.Float);
        Tensor inv = Torch.fromFloats(std, 1, n, 1, 1, 1).to(z.device(), ScalarType.Float).reciprocal();
        return new Tensor[]{m, inv};
    }

    @Override
    public void close() {
        params.close();
    }

    /** The diagonal Gaussian over latents: mean and log-variance (clamped to [-30, 20]) [B, z_dim, T, h, w]. */
    public record LatentDistribution(Tensor mean, Tensor logvar) {
        public Tensor std() {
            return logvar.mul(Torch.scalar(0.5)).exp();
        }

        /** mean + std · ε with ε standard normal drawn on the CPU from {@code rng} in float32. */
        public Tensor sample(Rng rng) {
            try (NativeScope step = NativeScope.open()) {
                Tensor eps = rng.randn(Torch.shape(mean)).to(mean.device(), mean.scalar_type());
                return step.keep(mean.add(std().mul(eps)));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Building blocks

    /**
     * The causal feature cache of one encode or decode: one slot per cached convolution, in call order,
     * each holding the last (up to two) input frames of the previous chunk. Slots own their tensors.
     */
    static final class FeatCache implements AutoCloseable {
        private final List<Tensor> slots = new ArrayList<>();
        private final List<Boolean> rep = new ArrayList<>();
        private int next;

        void startChunk() {
            next = 0;
        }

        int next() {
            if (next == slots.size()) {
                slots.add(null);
                rep.add(false);
            }
            return next++;
        }

        Tensor get(int i) {
            return slots.get(i);
        }

        boolean empty(int i) {
            return slots.get(i) == null && !rep.get(i);
        }

        /** The temporal upsampler's first-chunk marker (upstream "Rep"): no frame doubling yet. */
        boolean isRep(int i) {
            return rep.get(i);
        }

        void markRep(int i) {
            rep.set(i, true);
        }

        void set(int i, Tensor t) {
            Tensor old = slots.get(i);
            slots.set(i, NativeScope.own(t));
            rep.set(i, false);
            if (old != null) {
                old.close();
            }
        }

        @Override
        public void close() {
            for (Tensor t : slots) {
                if (t != null) {
                    t.close();
                }
            }
            slots.clear();
        }
    }

    static long frames(Tensor x) {
        return x.size(2);
    }

    static Tensor lastFrames(Tensor x, long n) {
        long t = frames(x);
        long k = Math.min(n, t);
        return x.narrow(2, t - k, k);
    }

    /**
     * Runs a causal convolution through the cache as upstream: remembers the last two frames of its input
     * (prefixed with the last cached frame when the chunk has only one) and pads with the previous ones.
     */
    static Tensor cached(CausalConv3d conv, Tensor x, FeatCache cache) {
        int idx = cache.next();
        Tensor previous = cache.get(idx);
        Tensor keep = lastFrames(x, 2).clone();
        if (frames(keep) < 2 && previous != null) {
            keep = WanOps.cat(2, lastFrames(previous, 1), keep);
        }
        Tensor out = conv.forward(x, previous);
        cache.set(idx, keep);
        return out;
    }

    /**
     * WanRMS_norm: F.normalize over channels × sqrt(C) × gamma, computed in float32. The channel norm is
     * sqrt(sum(x²)) written out: libtorch's CPU {@code norm} over dim 1 of these layouts took 10–20× as long
     * (a [1, 8, 1, 128, 128] latent: 3.7 ms against 0.18–0.36 ms), and it was most of a VAE encode.
     */
    static Tensor rmsNorm(Tensor x, Tensor gamma) {
        Tensor xf = x.to(ScalarType.Float);
        // max(sqrt(s), 1e-12) as sqrt(max(s, 1e-24)): the same value, and a zero gradient (not NaN) where s = 0
        Tensor denom = xf.mul(xf).sum(new long[]{1}, true, new ScalarTypeOptional()).clamp_min(Torch.scalar(1e-24))
                .sqrt();
        return xf.div(denom).mul_(Torch.scalar(Math.sqrt(x.size(1)))).mul_(gamma).to(x.scalar_type());
    }

    /** WanCausalConv3d: zero padding (2 p_t, 0) in time and symmetric in space, with optional cached frames in front. */
    static final class CausalConv3d {
        private final Tensor weight;
        private final Tensor bias;
        private final long[] stride;
        private final long padT;
        private final long padH;
        private final long padW;

        CausalConv3d(Params p, String name, long in, long out, long[] kernel, long[] stride, long[] padding) {
            this.weight = p.get(name + ".weight", out, in, kernel[0], kernel[1], kernel[2]);
            this.bias = p.get(name + ".bias", out);
            this.stride = stride;
            this.padT = 2 * padding[0];
            this.padH = padding[1];
            this.padW = padding[2];
        }

        /** A cubic kernel with equal stride and padding on every axis. */
        CausalConv3d(Params p, String name, long in, long out, long kernel, long padding, long stride) {
            this(p, name, in, out, new long[]{kernel, kernel, kernel}, new long[]{stride, stride, stride},
                    new long[]{padding, padding, padding});
        }

        Tensor forward(Tensor x, Tensor cache) {
            long kT = weight.size(2);
            if (cache == null && kT > 1 && padT == kT - 1 && stride[0] == 1 && frames(x) == 1 && stride[1] == stride[2]
                    && padH == padW) {
                // One frame behind all-zero causal padding (an image, or a clip's first chunk): only the kernel's
                // last temporal tap meets data, so this is a 2-D convolution with that tap (a third of the work,
                // and libtorch's CPU conv2d is far faster than its conv3d)
                Tensor tap = weight.select(2, kT - 1);
                return WanOps.conv2d(x.select(2, 0), tap, bias, stride[1], padH).unsqueeze(2);
            }
            long front = padT;
            if (cache != null && padT > 0) {
                x = WanOps.cat(2, cache, x);
                front -= frames(cache);
            }
            if (front != 0 || padH != 0 || padW != 0) {
                x = torch.constant_pad_nd(x, new long[]{padW, padW, padH, padH, front, 0}, new Scalar(0));
            }
            return WanOps.conv3d(x, weight, bias, stride);
        }
    }

    /** A stage of the encoder or decoder that runs through the feature cache. */
    interface Layer {
        Tensor forward(Tensor x, FeatCache cache);
    }

    /** WanResidualBlock: norm, SiLU, causal conv, norm, SiLU, causal conv, plus a 1×1×1 shortcut when widths differ. */
    static final class ResidualBlock implements Layer {
        private final Tensor norm1;
        private final CausalConv3d conv1;
        private final Tensor norm2;
        private final CausalConv3d conv2;
        private final CausalConv3d shortcut;

        ResidualBlock(Params p, long in, long out) {
            this.norm1 = p.getFloat32("norm1.gamma", in, 1, 1, 1);
            this.conv1 = new CausalConv3d(p, "conv1", in, out, 3, 1, 1);
            this.norm2 = p.getFloat32("norm2.gamma", out, 1, 1, 1);
            this.conv2 = new CausalConv3d(p, "conv2", out, out, 3, 1, 1);
            this.shortcut = in != out ? new CausalConv3d(p, "conv_shortcut", in, out, 1, 0, 1) : null;
        }

        @Override
        public Tensor forward(Tensor x, FeatCache cache) {
            Tensor h = shortcut == null ? x : shortcut.forward(x, null);
            Tensor y = WanOps.scoped(() -> cached(conv1, torch.silu_(rmsNorm(x, norm1)), cache));
            y = WanOps.consume(y, t -> cached(conv2, torch.silu_(rmsNorm(t, norm2)), cache));
            return y.add_(h);
        }
    }

    /** WanAttentionBlock: single-head self-attention over each frame's pixels, residual. */
    static final class AttentionBlock {
        private final Tensor norm;
        private final Tensor qkvWeight;
        private final Tensor qkvBias;
        private final Tensor projWeight;
        private final Tensor projBias;

        AttentionBlock(Params p, long dim) {
            this.norm = p.getFloat32("norm.gamma", dim, 1, 1);
            this.qkvWeight = p.get("to_qkv.weight", 3 * dim, dim, 1, 1);
            this.qkvBias = p.get("to_qkv.bias", 3 * dim);
            this.projWeight = p.get("proj.weight", dim, dim, 1, 1);
            this.projBias = p.get("proj.bias", dim);
        }

        Tensor forward(Tensor x) {
            long[] s = Torch.shape(x);
            long b = s[0];
            long c = s[1];
            long t = s[2];
            long h = s[3];
            long w = s[4];
            Tensor y = rmsNorm(x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w), norm);
            Tensor qkv = WanOps.conv2d(y, qkvWeight, qkvBias, 1, 0).reshape(b * t, 1, 3 * c, h * w)
                    .permute(0, 1, 3, 2).contiguous();
            TensorVector parts = qkv.chunk(3, -1);
            Tensor a = WanOps.sdpa(parts.get(0), parts.get(1), parts.get(2));
            a = a.squeeze(1).permute(0, 2, 1).reshape(b * t, c, h, w);
            a = WanOps.conv2d(a, projWeight, projBias, 1, 0);
            return a.view(b, t, c, h, w).permute(0, 2, 1, 3, 4).add(x);
        }
    }

    /** WanMidBlock: residual block, attention, residual block. */
    static final class MidBlock {
        private final ResidualBlock first;
        private final AttentionBlock attention;
        private final ResidualBlock second;

        MidBlock(Params p, long dim) {
            this.first = new ResidualBlock(p.prefix("resnets.0."), dim, dim);
            this.attention = new AttentionBlock(p.prefix("attentions.0."), dim);
            this.second = new ResidualBlock(p.prefix("resnets.1."), dim, dim);
        }

        Tensor forward(Tensor x, FeatCache cache) {
            Tensor h = WanOps.scoped(() -> first.forward(x, cache));
            h = WanOps.consume(h, attention::forward);
            return WanOps.consume(h, t -> second.forward(t, cache));
        }
    }

    /**
     * WanResample: spatial ×2 up (nearest, conv to half the channels) or ↓2 (pad right/bottom, strided
     * conv); the 3-D variants add a causal time convolution that doubles (up) or halves (down) the frames.
     */
    static final class Resample implements Layer {
        enum Mode { UP2D, UP3D, DOWN2D, DOWN3D }

        private final Mode mode;
        private final Tensor convWeight;
        private final Tensor convBias;
        private final CausalConv3d timeConv;

        Resample(Params p, long dim, Mode mode) {
            this.mode = mode;
            boolean up = mode == Mode.UP2D || mode == Mode.UP3D;
            long out = up ? dim / 2 : dim;
            this.convWeight = p.get("resample.1.weight", out, dim, 3, 3);
            this.convBias = p.get("resample.1.bias", out);
            this.timeConv = switch (mode) {
                case UP3D -> new CausalConv3d(p, "time_conv", dim, 2 * dim, new long[]{3, 1, 1}, new long[]{1, 1, 1},
                        new long[]{1, 0, 0});
                case DOWN3D -> new CausalConv3d(p, "time_conv", dim, dim, new long[]{3, 1, 1}, new long[]{2, 1, 1},
                        new long[]{0, 0, 0});
                default -> null;
            };
        }

        @Override
        public Tensor forward(Tensor x, FeatCache cache) {
            long[] s = Torch.shape(x);
            long b = s[0];
            long c = s[1];
            long h = s[3];
            long w = s[4];
            if (mode == Mode.UP3D) {
                x = timeUp(x, cache, s);
            }
            long t = frames(x);
            Tensor y = x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w);
            if (mode == Mode.UP2D || mode == Mode.UP3D) {
                y = torch.upsample_nearest2d(y.to(ScalarType.Float), 2 * h, 2 * w).to(x.scalar_type());
                y = WanOps.conv2d(y, convWeight, convBias, 1, 1);
            } else {
                y = torch.constant_pad_nd(y, new long[]{0, 1, 0, 1}, new Scalar(0));
                y = WanOps.conv2d(y, convWeight, convBias, 2, 0);
            }
            long[] ys = Torch.shape(y);
            x = y.view(b, t, ys[1], ys[2], ys[3]).permute(0, 2, 1, 3, 4);
            if (mode == Mode.DOWN3D) {
                x = timeDown(x, cache);
            }
            return x;
        }

        /** The first chunk only marks the slot; later chunks double their frames through the time conv. */
        private Tensor timeUp(Tensor x, FeatCache cache, long[] s) {
            int idx = cache.next();
            if (cache.empty(idx)) {
                cache.markRep(idx);
                return x;
            }
            boolean rep = cache.isRep(idx);
            Tensor previous = cache.get(idx);
            Tensor keep = lastFrames(x, 2).clone();
            if (frames(keep) < 2) {
                keep = WanOps.cat(2, rep ? torch.zeros_like(keep) : lastFrames(previous, 1), keep);
            }
            Tensor y = timeConv.forward(x, rep ? null : previous);
            cache.set(idx, keep);
            long b = s[0];
            long c = s[1];
            long t = s[2];
            y = y.reshape(b, 2, c, t, s[3], s[4]);
            y = torch.stack(new TensorVector(y.select(1, 0), y.select(1, 1)), 3);
            return y.reshape(b, c, 2 * t, s[3], s[4]);
        }

        /** The first chunk is only remembered; later chunks are halved in time with the last cached frame in front. */
        private Tensor timeDown(Tensor x, FeatCache cache) {
            int idx = cache.next();
            if (cache.empty(idx)) {
                cache.set(idx, x.clone());
                return x;
            }
            Tensor keep = lastFrames(x, 1).clone();
            Tensor y = timeConv.forward(WanOps.cat(2, lastFrames(cache.get(idx), 1), x), null);
            cache.set(idx, keep);
            return y;
        }
    }

    /** WanEncoder3d (Wan2.1 layout): conv_in, residual blocks and down-samplers per level, middle, head. */
    static final class Encoder {
        private final CausalConv3d convIn;
        private final List<Layer> downBlocks = new ArrayList<>();
        private final MidBlock mid;
        private final Tensor normOut;
        private final CausalConv3d convOut;

        Encoder(Params p, AutoencoderKLWanConfig c) {
            List<Integer> mult = c.dimMult();
            long[] dims = new long[mult.size() + 1];
            dims[0] = c.baseDim();
            for (int i = 0; i < mult.size(); i++) {
                dims[i + 1] = (long) c.baseDim() * mult.get(i);
            }
            this.convIn = new CausalConv3d(p, "conv_in", c.inChannels(), dims[0], 3, 1, 1);
            int n = 0;
            for (int i = 0; i < mult.size(); i++) {
                long in = dims[i];
                for (int r = 0; r < c.numResBlocks(); r++) {
                    downBlocks.add(new ResidualBlock(p.prefix("down_blocks." + n++ + "."), in, dims[i + 1]));
                    in = dims[i + 1];
                }
                if (i != mult.size() - 1) {
                    Resample.Mode mode = c.temperalDownsample().get(i) ? Resample.Mode.DOWN3D : Resample.Mode.DOWN2D;
                    downBlocks.add(new Resample(p.prefix("down_blocks." + n++ + "."), dims[i + 1], mode));
                }
            }
            long out = dims[mult.size()];
            this.mid = new MidBlock(p.prefix("mid_block."), out);
            this.normOut = p.getFloat32("norm_out.gamma", out, 1, 1, 1);
            this.convOut = new CausalConv3d(p, "conv_out", out, 2L * c.zDim(), 3, 1, 1);
        }

        Tensor forward(Tensor x, FeatCache cache) {
            Tensor h = WanOps.scoped(() -> cached(convIn, x, cache));
            for (Layer layer : downBlocks) {
                h = WanOps.consume(h, t -> layer.forward(t, cache));
            }
            h = WanOps.consume(h, t -> mid.forward(t, cache));
            return WanOps.consume(h, t -> cached(convOut, torch.silu_(rmsNorm(t, normOut)), cache));
        }
    }

    /** WanDecoder3d (Wan2.1 layout): conv_in, middle, up blocks, head. */
    static final class Decoder {
        private final CausalConv3d convIn;
        private final MidBlock mid;
        private final List<UpBlock> upBlocks = new ArrayList<>();
        private final Tensor normOut;
        private final CausalConv3d convOut;

        Decoder(Params p, AutoencoderKLWanConfig c) {
            List<Integer> mult = c.dimMult();
            int levels = mult.size();
            long[] dims = new long[levels + 1];
            dims[0] = (long) c.decoderBaseDim() * mult.get(levels - 1);
            for (int i = 0; i < levels; i++) {
                dims[i + 1] = (long) c.decoderBaseDim() * mult.get(levels - 1 - i);
            }
            List<Boolean> temporal = c.temperalDownsample();
            this.convIn = new CausalConv3d(p, "conv_in", c.zDim(), dims[0], 3, 1, 1);
            this.mid = new MidBlock(p.prefix("mid_block."), dims[0]);
            for (int i = 0; i < levels; i++) {
                // Wan2.1: every level after the first receives the halved width of the previous up-sampler
                long in = i > 0 ? dims[i] / 2 : dims[i];
                Resample.Mode mode = i == levels - 1 ? null
                        : temporal.get(temporal.size() - 1 - i) ? Resample.Mode.UP3D : Resample.Mode.UP2D;
                upBlocks.add(new UpBlock(p.prefix("up_blocks." + i + "."), in, dims[i + 1], c.numResBlocks() + 1, mode));
            }
            this.normOut = p.getFloat32("norm_out.gamma", dims[levels], 1, 1, 1);
            this.convOut = new CausalConv3d(p, "conv_out", dims[levels], c.outChannels(), 3, 1, 1);
        }

        Tensor forward(Tensor x, FeatCache cache) {
            Tensor h = WanOps.scoped(() -> cached(convIn, x, cache));
            h = WanOps.consume(h, t -> mid.forward(t, cache));
            for (UpBlock block : upBlocks) {
                h = WanOps.consume(h, t -> block.forward(t, cache));
            }
            return WanOps.consume(h, t -> cached(convOut, torch.silu_(rmsNorm(t, normOut)), cache));
        }
    }

    /** WanUpBlock: residual blocks then an optional up-sampler. */
    static final class UpBlock implements Layer {
        private final List<ResidualBlock> resnets = new ArrayList<>();
        private final Resample upsampler;

        UpBlock(Params p, long in, long out, int blocks, Resample.Mode mode) {
            for (int r = 0; r < blocks; r++) {
                resnets.add(new ResidualBlock(p.prefix("resnets." + r + "."), r == 0 ? in : out, out));
            }
            this.upsampler = mode == null ? null : new Resample(p.prefix("upsamplers.0."), out, mode);
        }

        @Override
        public Tensor forward(Tensor x, FeatCache cache) {
            Tensor h = WanOps.scoped(() -> resnets.get(0).forward(x, cache));
            for (ResidualBlock r : resnets.subList(1, resnets.size())) {
                h = WanOps.consume(h, t -> r.forward(t, cache));
            }
            return upsampler == null ? h : WanOps.consume(h, t -> upsampler.forward(t, cache));
        }
    }
}
