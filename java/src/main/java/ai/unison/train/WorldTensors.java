package ai.unison.train;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.world.Frame;
import ai.unison.world.Media;
import org.bytedeco.pytorch.ScalarOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;

/** Shapes-world frames as the tensors the Wan models read: video {@code [1, 3, F, H, W]} in [-1, 1], and back. */
final class WorldTensors {
    private WorldTensors() {
    }

    /** The frames of an image (one) or a video. */
    static List<Frame> frames(Media media) {
        if (media instanceof Media.Image i) {
            return List.of(i.frame());
        }
        if (media instanceof Media.Video v) {
            return v.frames();
        }
        throw new IllegalArgumentException("text has no frames");
    }

    /** {@code frames} (equal sizes) → float32 {@code [1, 3, F, H, W]} in [-1, 1]. */
    static Tensor video(List<Frame> frames) {
        int w = frames.get(0).width();
        int h = frames.get(0).height();
        byte[] all = new byte[frames.size() * w * h * 3];
        for (int i = 0; i < frames.size(); i++) {
            Frame f = frames.get(i);
            if (f.width() != w || f.height() != h) {
                throw new IllegalArgumentException("frames differ in size: " + f + " and " + frames.get(0));
            }
            System.arraycopy(f.toBytes(), 0, all, i * w * h * 3, w * h * 3);
        }
        try (NativeScope scope = NativeScope.open()) {
            Tensor t = Torch.fromBytes(all, frames.size(), h, w, 3).to(ScalarType.Float)
                    .div(Torch.scalar(127.5)).sub(Torch.scalar(1));
            return scope.keep(t.permute(3, 0, 1, 2).unsqueeze(0).contiguous());
        }
    }

    /** A video {@code [1, 3, F, H, W]} in [-1, 1] → frames (rounded to bytes). */
    static List<Frame> toFrames(Tensor video) {
        long[] s = Torch.shape(video);
        int f = (int) s[2];
        int h = (int) s[3];
        int w = (int) s[4];
        byte[] bytes;
        try (NativeScope scope = NativeScope.open()) {
            Tensor u = video.detach().to(ScalarType.Float).add(Torch.scalar(1)).mul(Torch.scalar(127.5)).round()
                    .clamp(new ScalarOptional(Torch.scalar(0)), new ScalarOptional(Torch.scalar(255)))
                    .to(ScalarType.Byte).squeeze(0).permute(1, 2, 3, 0).contiguous();
            bytes = Torch.toBytes(u);
        }
        List<Frame> out = new ArrayList<>();
        for (int i = 0; i < f; i++) {
            byte[] one = new byte[w * h * 3];
            System.arraycopy(bytes, i * w * h * 3, one, 0, one.length);
            out.add(Frame.fromBytes(w, h, one));
        }
        return out;
    }

    /**
     * Per-position loss weights for latents or pixels {@code x0} [B, C, T, h, w]: 1 + {@code weight}·d/max(d), where d is
     * the distance (over channels) of a position's latent from the example's background, the
     * per-channel median over all positions (the background covers most of every world canvas). The
     * generator weighs its flow loss with it and the VAE its reconstruction loss, so that the few object
     * positions, which carry every colour and shape, are not drowned by the background. Uniform
     * background gets weight 1, the most object-like position 1 + {@code weight}; the result is [B, 1, T, h, w]
     * and is meant for a weighted mean (sum of w·error over sum of w), which keeps the loss's scale.
     */
    static Tensor objectWeights(Tensor x0, double weight) {
        long[] shape = Torch.shape(x0);
        Tensor flat = x0.flatten(2, -1);
        Tensor background = flat.median(2, true).get0();
        Tensor d = flat.sub(background).square().sum(new long[]{1}, true, new ScalarTypeOptional()).sqrt();
        Tensor relative = d.div(d.amax(new long[]{2}, true).clamp_min(Torch.scalar(1e-6)));
        return relative.mul(Torch.scalar(weight)).add(Torch.scalar(1))
                .reshape(shape[0], 1, shape[2], shape[3], shape[4]);
    }
}
