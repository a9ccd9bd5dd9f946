package ai.unison.train;

import ai.unison.diffusion.wan.AutoencoderKLWan;
import ai.unison.runtime.NativeScope;
import ai.unison.world.Category;
import ai.unison.world.DataGenerator;
import ai.unison.world.Example;
import ai.unison.world.Frame;
import ai.unison.world.Media;
import ai.unison.world.Report;
import ai.unison.world.ShapesEval;
import org.bytedeco.pytorch.NoGradGuard;

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
        Map<Category, Double> means = new EnumMap<>(Category.class);
        Map<Category, Integer> counts = new EnumMap<>(Category.class);
        for (Category c : CATEGORIES) {
            double sum = 0;
            List<Example> examples = ShapesEval.sample(c, count, seed, size, size);
            for (Example e : examples) {
                Media reconstructed = reconstruct(vae, e.target());
                sum += ShapesEval.run(e, q -> reconstructed);
            }
            means.put(c, examples.isEmpty() ? Double.NaN : sum / examples.size());
            counts.put(c, examples.size());
        }
        return new Report(means, counts);
    }

    /** Encode (posterior mean) → decode of an image or clip. */
    public static Media reconstruct(AutoencoderKLWan vae, Media media) {
        List<Frame> frames = WorldTensors.frames(media);
        List<Frame> out;
        try (NativeScope scope = NativeScope.open(); NoGradGuard g = new NoGradGuard()) {
            out = WorldTensors.toFrames(vae.decode(vae.encode(WorldTensors.video(frames)).mean()));
        }
        return media instanceof Media.Image ? new Media.Image(out.get(0)) : new Media.Video(out);
    }
}
