package ai.unison.train;

import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.world.Category;
import ai.unison.world.DataGenerator;
import ai.unison.world.Example;
import ai.unison.world.Frame;
import ai.unison.world.Media;
import ai.unison.world.Report;
import ai.unison.world.ShapesEval;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The best ShapesEval score a generator can reach through a VAE: every pixel category's ground-truth
 * target is encoded (posterior mean) and decoded, and the reconstruction is scored as if a perfect
 * generator had produced it. A VAE whose reconstructions the detector cannot read caps the whole
 * system, whatever the transformer learns. Understanding and the round trip have no pixel target of
 * their own and are left out.
 */
public final class VaeCeiling {
    /** The categories whose targets are images or clips. */
    public static final List<Category> CATEGORIES = List.of(Category.values()).stream()
            .filter(c -> c != Category.UNDERSTANDING && c != Category.ROUND_TRIP).toList();

    private VaeCeiling() {
    }

    /** {@code count} ShapesEval examples per pixel category on the default 128×128 canvas, scored on their VAE reconstructions. */
    public static Report evaluate(AutoencoderKLWan vae, int count, long seed) {
        return evaluate(vae, count, seed, DataGenerator.DEFAULT_SIZE);
    }

    /** The same on a {@code size}×{@code size} canvas. */
    public static Report evaluate(AutoencoderKLWan vae, int count, long seed, int size) {
        return evaluate(vae, count, seed, size, 0);
    }

    /**
     * The same with every latent perturbed before decoding by Gaussian noise of {@code latentNoise}·latents_std per
     * channel (seeded by {@code seed}): how well the decoder copes with latents slightly off its training manifold,
     * as a generator's are. {@code latentNoise} 0 is the plain ceiling.
     */
    public static Report evaluate(AutoencoderKLWan vae, int count, long seed, int size, double latentNoise) {
        if (!(latentNoise >= 0)) {
            throw new IllegalArgumentException("latent noise must be >= 0, got " + latentNoise);
        }
        Map<Category, Double> means = new EnumMap<>(Category.class);
        Map<Category, Integer> counts = new EnumMap<>(Category.class);
        try (Rng rng = new Rng(seed)) {
            for (Category c : CATEGORIES) {
                double sum = 0;
                List<Example> examples = ShapesEval.sample(c, count, seed, size, size);
                for (Example e : examples) {
                    Media reconstructed = reconstruct(vae, e.target(), latentNoise, rng);
                    sum += ShapesEval.run(e, q -> reconstructed);
                }
                means.put(c, examples.isEmpty() ? Double.NaN : sum / examples.size());
                counts.put(c, examples.size());
            }
        }
        return new Report(means, counts);
    }

    /** Encode (posterior mean) → decode of an image or clip. */
    public static Media reconstruct(AutoencoderKLWan vae, Media media) {
        return reconstruct(vae, media, 0, null);
    }

    /** Encode (posterior mean), plus {@code latentNoise}·latents_std·N(0, 1) from {@code rng} when > 0, → decode. */
    static Media reconstruct(AutoencoderKLWan vae, Media media, double latentNoise, Rng rng) {
        List<Frame> frames = WorldTensors.frames(media);
        List<Frame> out;
        try (NativeScope scope = NativeScope.open(); NoGradGuard g = new NoGradGuard()) {
            Tensor z = vae.encode(WorldTensors.video(frames)).mean();
            if (latentNoise > 0) {
                z = VaeTrainer.withLatentNoise(z, VaeTrainer.latentScale(vae.config(), latentNoise), rng);
            }
            out = WorldTensors.toFrames(vae.decode(z));
        }
        return media instanceof Media.Image ? new Media.Image(out.get(0)) : new Media.Video(out);
    }
}
