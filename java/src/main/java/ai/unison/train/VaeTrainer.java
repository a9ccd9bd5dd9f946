package ai.unison.train;

import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.diffusion.wan.AutoencoderKLWanConfig;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import ai.unison.world.DataGenerator;
import ai.unison.world.Example;
import ai.unison.world.Frame;
import ai.unison.world.Media;
import ai.unison.world.Report;
import ai.unison.world.ShapesEval;
import ai.unison.world.WorldTask;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the tiny Wan VAE ({@link AutoencoderKLWan}, the Wan2.1 structure at a smaller width) on
 * shapes-world images and short clips: the targets and attachments (outline images and clips,
 * reference objects, edit sources) of the nine generation tasks.
 *
 * <p>Each step is either a batch of {@code batch} images (single-frame videos, 128×128) or one clip
 * window of 1 + 4k frames (k in 1..{@code maxClipK}), spatially cropped to {@code clipCrop} pixels.
 * The loss is L1 + L2 between the input and the decoder's unclamped reconstruction of the posterior
 * mean, plus {@code klWeight} × half the mean squared latent. The model runs exactly as at inference (the
 * chunked causal encode and per-frame decode with the feature cache), under autograd. Every example
 * is a pure function of (seed, step), so runs are deterministic and resume bit-identically.
 *
 * <p>After training, per-channel latents_mean / latents_std are measured over world images and
 * clips and written into the exported {@code config.json}; reconstruction PSNR is measured on
 * held-out images and clips for the model card.
 */
public final class VaeTrainer {
    /** The generation tasks whose media the VAE sees. */
    static final List<WorldTask> GENERATION = List.of(WorldTask.TEXT_TO_IMAGE, WorldTask.TEXT_TO_VIDEO,
            WorldTask.IMAGE_EDIT, WorldTask.IMAGE_CONTROL, WorldTask.IMAGE_REFERENCE, WorldTask.IMAGE_TO_VIDEO,
            WorldTask.VIDEO_REFERENCE, WorldTask.VIDEO_EDIT, WorldTask.VIDEO_CONTROL);
    static final List<WorldTask> VIDEO_TASKS = List.of(WorldTask.TEXT_TO_VIDEO, WorldTask.IMAGE_TO_VIDEO,
            WorldTask.VIDEO_REFERENCE, WorldTask.VIDEO_EDIT, WorldTask.VIDEO_CONTROL);

    /** Seed of the held-out examples (evaluation, latent statistics). */
    static final long EVAL_SEED = 20_250_701L;

    /** The VAE's training facts and measured quality, next to its weights (read for the model card). */
    public static final String TRAINING_RECORD = "training.json";

    /** The largest latent noise the commands accept (in units of latents_std): beyond it latents carry no signal. */
    public static final double MAX_LATENT_NOISE = 4;

    /**
     * What the data and loss look like.
     *
     * @param size           canvas side of the world examples
     * @param imageFraction  share of steps that train on an image batch (the rest on one clip)
     * @param clipCrop       side of the random spatial crop of a clip window (a multiple of 8, at most size)
     * @param maxClipK       clip windows have 1 + 4k frames, k uniform in 1..maxClipK
     * @param klWeight       weight of the mean KL term
     * @param objectWeight   extra reconstruction weight of object pixels ({@link WorldTensors#objectWeights}; 0: plain
     *                       mean): without it the gray background dominates the loss and colours are learnt last
     * @param latentNoise    decoder fine-tuning only ({@link #fineTuneDecoder}): each example's latent gets Gaussian
     *                       noise of σ·latents_std per channel, σ uniform in [0, latentNoise], so that the decoder
     *                       turns slightly-off latents (a generator's) into clean shapes instead of dark specks
     */
    public record Options(int size, double imageFraction, int clipCrop, int maxClipK, double klWeight,
                          double objectWeight, double latentNoise) {
        public Options {
            if (!(latentNoise >= 0)) {
                throw new IllegalArgumentException("latent noise must be >= 0, got " + latentNoise);
            }
            if (maxClipK < 1) {
                throw new IllegalArgumentException("clip windows need k >= 1 (1 + 4k frames), got " + maxClipK);
            }
            if (objectWeight < 0) {
                throw new IllegalArgumentException("object weight must be >= 0, got " + objectWeight);
            }
        }

        public static Options defaults() {
            return new Options(128, 0.5, 64, 2, 1e-4, 8.0, 0.0);
        }
    }

    private VaeTrainer() {
    }

    /** The tiny VAE: base_dim 16, z_dim 16, dim_mult [1, 2, 4, 4], one residual block per level (8× space, 4× time). */
    public static AutoencoderKLWanConfig tinyConfig() {
        return config(16, 16, 1);
    }

    /** A Wan2.1-layout VAE config (8× space, 4× time) with neutral latent statistics (zero mean, unit std). */
    public static AutoencoderKLWanConfig config(int baseDim, int zDim, int resBlocks) {
        return config(baseDim, zDim, resBlocks, 8);
    }

    /**
     * A Wan2.1-layout VAE config with neutral latent statistics. {@code spatialFactor} 8 is Wan2.1's
     * layout (dim_mult [1, 2, 4, 4], temperal_downsample [false, true, true]); 4 drops the lowest level
     * (dim_mult [1, 2, 4], temperal_downsample [true, true]), so time is still compressed 4× while each
     * latent pixel covers 4×4 pixels instead of 8×8.
     */
    public static AutoencoderKLWanConfig config(int baseDim, int zDim, int resBlocks, int spatialFactor) {
        List<Integer> dimMult;
        List<Boolean> temporal;
        switch (spatialFactor) {
            case 8 -> {
                dimMult = List.of(1, 2, 4, 4);
                temporal = List.of(false, true, true);
            }
            case 4 -> {
                dimMult = List.of(1, 2, 4);
                temporal = List.of(true, true);
            }
            default -> throw new IllegalArgumentException("spatial factor " + spatialFactor + ": 4 or 8");
        }
        return withStats(new AutoencoderKLWanConfig(baseDim, null, zDim, dimMult, resBlocks, List.of(),
                temporal, null, null, false, 3, 3, null), Collections.nCopies(zDim, 0.0),
                Collections.nCopies(zDim, 1.0));
    }

    static AutoencoderKLWanConfig withStats(AutoencoderKLWanConfig c, List<Double> mean, List<Double> std) {
        return new AutoencoderKLWanConfig(c.baseDim(), c.decoderBaseDim(), c.zDim(), c.dimMult(), c.numResBlocks(),
                c.attnScales(), c.temperalDownsample(), List.copyOf(mean), List.copyOf(std), false, c.inChannels(),
                c.outChannels(), null);
    }

    /**
     * Initial values: norm scales one, biases zero, convolution and attention weights Normal(0, 1/√fan_in)
     * (LeCun), so that activations keep their scale through the network.
     */
    public static ParameterInit init() {
        return (name, shape, rng) -> {
            if (name.endsWith("gamma")) {
                return ParameterInit.ones().values(name, shape, rng);
            }
            if (name.endsWith("bias") || shape.length < 2) {
                return ParameterInit.zeros().values(name, shape, rng);
            }
            long fanIn = 1;
            for (int i = 1; i < shape.length; i++) {
                fanIn *= shape[i];
            }
            return ParameterInit.normal(1 / Math.sqrt(fanIn)).values(name, shape, rng);
        };
    }

    /** The media of a world example the VAE may meet: target and attachments. */
    static List<Media> media(Example e) {
        List<Media> all = new ArrayList<>(e.query().attachments());
        all.add(e.target());
        return all;
    }

    /** A training batch of {@code batch} images {@code [B, 3, 1, H, W]} in [-1, 1]. */
    static Tensor imageBatch(DataGenerator data, SplittableRandom r, int batch) {
        List<Tensor> items = new ArrayList<>();
        try (NativeScope scope = NativeScope.open()) {
            for (int i = 0; i < batch; i++) {
                Example e = data.example(GENERATION.get(r.nextInt(GENERATION.size())), r.nextLong());
                List<Media> media = media(e);
                List<Frame> frames = WorldTensors.frames(media.get(r.nextInt(media.size())));
                items.add(WorldTensors.video(List.of(frames.get(r.nextInt(frames.size())))));
            }
            return scope.keep(torch.cat(new TensorVector(items.toArray(Tensor[]::new)), 0));
        }
    }

    /** One clip window {@code [1, 3, 1 + 4k, crop, crop]} in [-1, 1]. */
    static Tensor clipWindow(DataGenerator data, SplittableRandom r, Options o) {
        List<Frame> frames = List.of();
        while (frames.size() < 5) {
            Example e = data.example(VIDEO_TASKS.get(r.nextInt(VIDEO_TASKS.size())), r.nextLong());
            List<Media> videos = media(e).stream().filter(m -> m instanceof Media.Video).toList();
            frames = WorldTensors.frames(videos.get(r.nextInt(videos.size())));
        }
        int k = 1 + r.nextInt(Math.min(o.maxClipK(), (frames.size() - 1) / 4));
        int n = 1 + 4 * k;
        int start = r.nextInt(frames.size() - n + 1);
        int side = Math.min(o.clipCrop(), Math.min(frames.get(0).width(), frames.get(0).height()));
        int x = 8 * r.nextInt((frames.get(0).width() - side) / 8 + 1);
        int y = 8 * r.nextInt((frames.get(0).height() - side) / 8 + 1);
        try (NativeScope scope = NativeScope.open()) {
            Tensor v = WorldTensors.video(frames.subList(start, start + n));
            return scope.keep(v.narrow(3, y, side).narrow(4, x, side).contiguous());
        }
    }

    /**
     * The training loss of {@code vae} on {@code video}: L1 + L2 between the input and the decoder's
     * unclamped reconstruction of the posterior mean (the latent every pipeline uses), a mean weighted by
     * {@link WorldTensors#objectWeights} when {@code objectWeight} > 0, plus
     * {@code klWeight} × the mean squared latent (the KL's mean term; the log-variance head is unused, so it
     * is not trained: sampling through it let one bad step blow it past its clamp, where no gradient flows).
     */
    static Tensor loss(AutoencoderKLWan vae, Tensor video, Rng rng, double klWeight, double objectWeight) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor mean = vae.encodeMoments(video).narrow(1, 0, vae.config().zDim());
            Tensor l = reconstructionLoss(vae, mean, video, objectWeight);
            return scope.keep(l.add(mean.square().mean().mul(Torch.scalar(0.5 * klWeight))));
        }
    }

    /**
     * The decoder fine-tuning loss ({@link #fineTuneDecoder}): the frozen encoder's posterior mean (no graph),
     * plus per example Gaussian noise of σ·{@code std} with σ uniform in [0, {@code latentNoise}], decoded and
     * compared with the input as in {@link #loss}.
     *
     * @param std the VAE's latents_std as a [1, z, 1, 1, 1] tensor
     */
    static Tensor decoderLoss(AutoencoderKLWan vae, Tensor video, Rng rng, double latentNoise, double objectWeight,
                              Tensor std) {
        try (NativeScope scope = NativeScope.open()) {
            Tensor mean;
            try (NoGradGuard g = new NoGradGuard()) {
                mean = vae.encodeMoments(video).narrow(1, 0, vae.config().zDim());
            }
            Tensor z = latentNoise > 0
                    ? withLatentNoise(mean, std.mul(rng.rand(mean.size(0), 1, 1, 1, 1).mul(Torch.scalar(latentNoise))), rng)
                    : mean;
            return scope.keep(reconstructionLoss(vae, z, video, objectWeight));
        }
    }

    /** {@code c}'s latents_std times {@code factor}, as a [1, z, 1, 1, 1] tensor that broadcasts over latents. */
    static Tensor latentScale(AutoencoderKLWanConfig c, double factor) {
        float[] s = new float[c.zDim()];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) (c.latentsStd().get(i) * factor);
        }
        return Torch.fromFloats(s, 1, s.length, 1, 1, 1);
    }

    /** {@code z} + N(0, 1)·{@code scale}, the noise drawn from {@code rng} ({@code scale} broadcasts over {@code z}). */
    static Tensor withLatentNoise(Tensor z, Tensor scale, Rng rng) {
        return z.add(rng.randn(z.sizes().vec().get()).mul(scale));
    }

    /** L1 + L2 between {@code video} and the decoder's unclamped reconstruction of {@code z}, object-weighted when > 0. */
    private static Tensor reconstructionLoss(AutoencoderKLWan vae, Tensor z, Tensor video, double objectWeight) {
        Tensor[] pre = new Tensor[1];
        vae.decode(z, (name, value) -> {
            if (name.equals("decoded_preclamp")) {
                pre[0] = NativeScope.own(new Tensor(value));
            }
        });
        Tensor diff = pre[0].sub(video);
        Tensor error = diff.abs().add(diff.square());
        if (objectWeight > 0) {
            Tensor w = WorldTensors.objectWeights(video, objectWeight);
            return error.mul(w).mean().div(w.mean());
        }
        return error.mean();
    }

    /** Held-out media for evaluation and statistics: {@code images} single frames and {@code clips} clips of {@code clipFrames}. */
    record Heldout(List<List<Frame>> images, List<List<Frame>> clips) {
        static Heldout of(DataGenerator data, int images, int clips, int clipFrames, long seed) {
            SplittableRandom r = new SplittableRandom(seed);
            List<List<Frame>> im = new ArrayList<>();
            for (int i = 0; i < images; i++) {
                Example e = data.example(GENERATION.get(i % GENERATION.size()), r.nextLong());
                List<Media> media = media(e);
                List<Frame> frames = WorldTensors.frames(media.get(r.nextInt(media.size())));
                im.add(List.of(frames.get(r.nextInt(frames.size()))));
            }
            List<List<Frame>> cl = new ArrayList<>();
            for (int i = 0; i < clips; i++) {
                Example e = data.example(VIDEO_TASKS.get(i % VIDEO_TASKS.size()), r.nextLong());
                List<Frame> frames = WorldTensors.frames(e.target());
                cl.add(frames.subList(0, Math.min(clipFrames, frames.size())));
            }
            return new Heldout(im, cl);
        }
    }

    /** Mean reconstruction PSNR (dB) of encode-mean → decode over images and over every frame of the clips. */
    static Map<String, Double> psnr(AutoencoderKLWan vae, Heldout h) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("psnr_image", meanPsnr(vae, h.images()));
        if (!h.clips().isEmpty()) {
            m.put("psnr_clip", meanPsnr(vae, h.clips()));
        }
        return m;
    }

    private static double meanPsnr(AutoencoderKLWan vae, List<List<Frame>> items) {
        double sum = 0;
        int n = 0;
        for (List<Frame> frames : items) {
            List<Frame> out = WorldTensors.frames(VaeCeiling.reconstruct(vae, new Media.Video(frames)));
            for (int i = 0; i < frames.size(); i++) {
                sum += Math.min(60, Frame.psnr(frames.get(i), out.get(i)));
                n++;
            }
        }
        return sum / n;
    }

    /** Per-channel mean and std of the posterior means over the held-out media: {mean, std}. */
    static List<List<Double>> latentStats(AutoencoderKLWan vae, Heldout h) {
        int z = vae.config().zDim();
        double[] sum = new double[z];
        double[] sq = new double[z];
        long count = 0;
        List<List<Frame>> all = new ArrayList<>(h.images());
        all.addAll(h.clips());
        for (List<Frame> frames : all) {
            try (NativeScope scope = NativeScope.open(); NoGradGuard g = new NoGradGuard()) {
                Tensor mu = vae.encode(WorldTensors.video(frames)).mean().transpose(0, 1).reshape(z, -1)
                        .to(ScalarType.Double);
                long n = mu.size(1);
                double[] s1 = toDoubles(mu.sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()));
                double[] s2 = toDoubles(mu.square().sum(new long[]{1}, false, new org.bytedeco.pytorch.ScalarTypeOptional()));
                for (int c = 0; c < z; c++) {
                    sum[c] += s1[c];
                    sq[c] += s2[c];
                }
                count += n;
            }
        }
        List<Double> mean = new ArrayList<>();
        List<Double> std = new ArrayList<>();
        for (int c = 0; c < z; c++) {
            double m = sum[c] / count;
            mean.add(round(m));
            std.add(round(Math.sqrt(Math.max(1e-12, sq[c] / count - m * m))));
        }
        return List.of(mean, std);
    }

    private static double[] toDoubles(Tensor t) {
        float[] f = Torch.toFloats(t);
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double round(double v) {
        return Math.round(v * 1e4) / 1e4;
    }

    /**
     * Trains per {@code config} and, when all steps are done and {@code export} is given, writes the
     * diffusers component folder {@code export} (config.json with measured latent statistics,
     * diffusion_pytorch_model.safetensors in {@code exportDType}) and returns the measured quality.
     *
     * @param evalEvery steps between held-out PSNR evaluations
     * @param command   the command line, for the model card
     */
    public static TrainResult train(TrainConfig config, AutoencoderKLWanConfig vaeConfig, Options o, Path export,
                                    DType exportDType, int evalEvery, String command, PrintStream log) {
        if (o.latentNoise() > 0) {
            throw new IllegalArgumentException("latent noise is for decoder fine-tuning (fineTuneDecoder): a VAE trained"
                    + " from scratch would learn to spread its latents instead");
        }
        return run(config, vaeConfig, null, o, export, exportDType, evalEvery, command, log);
    }

    /** The parameters a decoder fine-tune leaves as they are: the encoder and its quant_conv, which make the latents. */
    static boolean encoderSide(String name) {
        return name.startsWith("encoder.") || name.startsWith("quant_conv.");
    }

    /**
     * Fine-tunes the decoder of the exported VAE in {@code from} (its {@code config.json} and weights): the encoder
     * and {@code quant_conv} are frozen, so every latent {@code from} makes is unchanged and a generator trained on
     * them stays valid; the export keeps {@code from}'s latents_mean/latents_std exactly. Each example's latent gets
     * noise per {@link Options#latentNoise}.
     */
    public static TrainResult fineTuneDecoder(TrainConfig config, Path from, Options o, Path export, DType exportDType,
                                              int evalEvery, String command, PrintStream log) {
        Path weights = from.resolve("diffusion_pytorch_model.safetensors");
        if (!Files.isRegularFile(weights) || !Files.isRegularFile(from.resolve("config.json"))) {
            throw new ai.unison.io.ConfigException(from, "not an exported VAE folder (config.json and"
                    + " diffusion_pytorch_model.safetensors expected)");
        }
        AutoencoderKLWanConfig vaeConfig = AutoencoderKLWanConfig.read(from.resolve("config.json"));
        if (vaeConfig.latentsStd() == null || vaeConfig.latentsStd().size() != vaeConfig.zDim()) {
            throw new ai.unison.io.ConfigException(from.resolve("config.json"), "latents_std must list " + vaeConfig.zDim()
                    + " values (the latent noise is scaled by it)");
        }
        return run(config, vaeConfig, weights, o, export, exportDType, evalEvery, command, log);
    }

    /** Training from scratch ({@code weights} null) or the decoder fine-tune of {@code weights}. */
    private static TrainResult run(TrainConfig config, AutoencoderKLWanConfig vaeConfig, Path weights, Options o,
                                   Path export, DType exportDType, int evalEvery, String command, PrintStream log) {
        DataGenerator data = new DataGenerator(o.size(), o.size(), List.of(1));
        Heldout small = Heldout.of(data, 8, 1, 9, EVAL_SEED);
        Map<String, Object> info = describe(vaeConfig);
        boolean decoderOnly = weights != null;
        if (decoderOnly) {
            info.put("decoder_fine_tune_of", weights.getParent().toString());
            info.put("latent_noise", o.latentNoise());
        }
        try (Parameters params = decoderOnly ? Parameters.load(weights) : new Parameters(); Rng init = new Rng(config.seed());
             AutoencoderKLWan vae = new AutoencoderKLWan(decoderOnly ? params.weights() : params.weights(init, init()),
                     vaeConfig);
             NativeScope keep = NativeScope.open()) {
            Tensor stdTensor = decoderOnly ? latentScale(vaeConfig, 1) : null;
            if (decoderOnly) {
                params.freeze(VaeTrainer::encoderSide);
            }
            TrainResult r = new Trainer(config, params).info(info).log(log).noDecay(n -> n.endsWith("gamma")
                            || n.endsWith("bias"))
                    .eval(evalEvery, step -> psnr(vae, small))
                    .run((step, rng) -> {
                        SplittableRandom sr = new SplittableRandom(Trainer.stepSeed(config.seed(), step));
                        Tensor video = sr.nextDouble() < o.imageFraction() ? imageBatch(data, sr, config.batch())
                                : clipWindow(data, sr, o);
                        return decoderOnly ? decoderLoss(vae, video, rng, o.latentNoise(), o.objectWeight(), stdTensor)
                                : loss(vae, video, rng, o.klWeight(), o.objectWeight());
                    });
            if (r.finished() && export != null) {
                export(params, vae, vaeConfig, weights, data, export, exportDType, r, config, o, command, info, log);
            }
            return r;
        }
    }

    static Map<String, Object> describe(AutoencoderKLWanConfig c) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("base_dim", c.baseDim());
        info.put("z_dim", c.zDim());
        info.put("dim_mult", c.dimMult());
        info.put("num_res_blocks", c.numResBlocks());
        info.put("temperal_downsample", c.temperalDownsample());
        return info;
    }

    /** Measured quality of an exported VAE, for the generator's model card. */
    public record Quality(double psnrImage, double psnrClip, int images, int clips, int clipFrames, Report ceiling) {
    }

    /** Examples per category of the ShapesEval ceiling measured at export ({@link VaeCeiling}). */
    static final int CEILING_COUNT = 4;

    /**
     * Writes the weights and config.json with latent statistics: measured on held-out data, or {@code vaeConfig}'s own
     * for a decoder fine-tune of the weights {@code fineTuneOf} (the encoder, hence every latent, is unchanged; the
     * training record next to those weights, if any, is kept under {@code base}). {@code fineTuneOf} null: a VAE
     * trained from scratch.
     */
    private static void export(Parameters params, AutoencoderKLWan vae, AutoencoderKLWanConfig vaeConfig, Path fineTuneOf,
                               DataGenerator data, Path dir, DType dtype, TrainResult r, TrainConfig config, Options o,
                               String command, Map<String, Object> info, PrintStream log) {
        Path baseRecord = fineTuneOf == null ? null : fineTuneOf.resolveSibling(TRAINING_RECORD);
        com.fasterxml.jackson.databind.JsonNode base = baseRecord != null && Files.isRegularFile(baseRecord)
                ? ai.unison.io.Json.readTree(baseRecord) : null;
        AutoencoderKLWanConfig exported = vaeConfig;
        if (fineTuneOf == null) {
            List<List<Double>> ms = latentStats(vae, Heldout.of(data, 64, 10, 25, EVAL_SEED + 1));
            exported = withStats(vaeConfig, ms.get(0), ms.get(1));
        }
        try {
            Files.createDirectories(dir);
            params.save(dir.resolve("diffusion_pytorch_model.safetensors"), dtype, Map.of());
            Files.writeString(dir.resolve("config.json"), configJson(exported));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot export the VAE to " + dir, e);
        }
        Heldout eval = Heldout.of(data, 64, 10, 25, EVAL_SEED + 2);
        Map<String, Double> q;
        Report ceiling;
        try (AutoencoderKLWan shipped = AutoencoderKLWan.load(dir, DType.FLOAT32, new org.bytedeco.pytorch.Device("cpu"))) {
            q = psnr(shipped, eval);
            ceiling = VaeCeiling.evaluate(shipped, CEILING_COUNT, ShapesEval.DEFAULT_SEED, o.size());
        }
        log.printf(Locale.ROOT, "exported VAE to %s: PSNR images %.2f dB, clips %.2f dB; ShapesEval ceiling %.3f%n", dir,
                q.get("psnr_image"), q.get("psnr_clip"), ceiling.overall());
        writeQuality(dir, new Quality(q.get("psnr_image"), q.get("psnr_clip"), 64, 10, 25, ceiling), r, config, o,
                command, params.count(), dtype, info, base);
    }

    /** The diffusers config.json of a VAE config. */
    static String configJson(AutoencoderKLWanConfig c) {
        ObjectNode n = ai.unison.io.Json.CONFIG.createObjectNode();
        n.put("_class_name", "AutoencoderKLWan");
        n.put("_diffusers_version", "0.35.0");
        n.put("attn_scales", n.arrayNode());
        n.put("base_dim", c.baseDim());
        n.put("dim_mult", ints(n, c.dimMult()));
        n.put("dropout", 0.0);
        ArrayNode mean = n.putArray("latents_mean");
        c.latentsMean().forEach(mean::add);
        ArrayNode std = n.putArray("latents_std");
        c.latentsStd().forEach(std::add);
        n.put("num_res_blocks", c.numResBlocks());
        ArrayNode t = n.putArray("temperal_downsample");
        c.temperalDownsample().forEach(t::add);
        n.put("z_dim", c.zDim());
        return n.toPrettyString();
    }

    private static ArrayNode ints(ObjectNode n, List<Integer> values) {
        ArrayNode a = n.arrayNode();
        values.forEach(a::add);
        return a;
    }

    /**
     * Writes {@link #TRAINING_RECORD} next to the weights: what the pipeline's model card reports about the VAE. A
     * decoder fine-tune nests the record of the VAE it started from under {@code base} ({@code base} null: none).
     */
    private static void writeQuality(Path dir, Quality q, TrainResult r, TrainConfig config, Options o, String command,
                                     long parameters, DType dtype, Map<String, Object> info,
                                     com.fasterxml.jackson.databind.JsonNode base) {
        ObjectNode n = ai.unison.io.Json.CONFIG.createObjectNode();
        n.put("psnr_image_db", round(q.psnrImage()));
        n.put("psnr_clip_db", round(q.psnrClip()));
        n.put("eval_images", q.images());
        n.put("eval_clips", q.clips());
        n.put("eval_clip_frames", q.clipFrames());
        ObjectNode c = n.putObject("shapes_ceiling");
        q.ceiling().means().forEach((cat, v) -> c.put(cat.id(), round(v)));
        c.put("overall", round(q.ceiling().overall()));
        n.put("shapes_ceiling_count", q.ceiling().counts().values().iterator().next());
        n.put("parameters", parameters);
        n.put("dtype", dtype.name().toLowerCase(Locale.ROOT));
        n.put("steps", r.step());
        n.put("final_loss", round(r.meanRecentLoss()));
        n.put("training_seconds", r.elapsed().toSeconds());
        n.put("threads", config.threads());
        n.put("seed", config.seed());
        n.put("batch", config.batch());
        n.put("lr", config.schedule().peak());
        n.put("command", command);
        n.put("options", o.toString());
        n.set("config", ai.unison.io.Json.CONFIG.valueToTree(info));
        if (base != null) {
            n.set("base", base);
        }
        try {
            Files.writeString(dir.resolve(TRAINING_RECORD), n.toPrettyString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the VAE's training record", e);
        }
    }
}
