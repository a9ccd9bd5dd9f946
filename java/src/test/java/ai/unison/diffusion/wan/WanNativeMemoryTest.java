package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeMemory;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Repeated forwards free every temporary, including the VAE's per-chunk feature caches. */
class WanNativeMemoryTest {
    private static final Device CPU = new Device("cpu");

    @Test
    void repeatedVaceStepsAndVaeRoundTripsDoNotGrowNativeMemory() {
        Path vaceDir = TestFixtures.dir("wan-vace-tiny");
        Path vaeDir = TestFixtures.dir("wan-vae-tiny");
        try (WanVACETransformer3DModel vace = WanVACETransformer3DModel.load(vaceDir.resolve("config.json"),
                vaceDir.resolve("model.safetensors"), DType.FLOAT32, CPU);
             AutoencoderKLWan vae = AutoencoderKLWan.load(vaeDir.resolve("config.json"), vaeDir.resolve("model.safetensors"),
                     DType.FLOAT32, CPU);
             NativeScope outer = NativeScope.open(); Rng rng = new Rng(1)) {
            Tensor x = rng.randn(1, 16, 3, 8, 8);
            Tensor t = Torch.fromLongs(new long[]{100}, 1);
            Tensor text = rng.randn(1, 8, 32);
            Tensor control = rng.randn(1, 96, 3, 8, 8);
            Tensor video = rng.rand(1, 3, 5, 16, 16);
            Runnable round = () -> {
                vace.forward(x, t, text, control, 1.0).close();
                AutoencoderKLWan.LatentDistribution d = vae.encode(video);
                vae.decode(d.mean()).close();
                d.mean().close();
                d.logvar().close();
            };
            for (int i = 0; i < 2; i++) {
                round.run();
            }
            System.gc();
            long rss = NativeMemory.residentBytes();
            long tracked = NativeMemory.trackedBytes();
            for (int i = 0; i < 10; i++) {
                round.run();
            }
            System.gc();
            long rssGrowth = NativeMemory.residentBytes() - rss;
            long trackedGrowth = NativeMemory.trackedBytes() - tracked;
            // leaked feature caches would cost > 1 MB per round (about twenty 2-frame slots per encode)
            assertTrue(rssGrowth < 16L << 20, "RSS grew by " + rssGrowth + " bytes");
            assertTrue(trackedGrowth <= 0, "JavaCPP-tracked bytes grew by " + trackedGrowth);
        }
    }
}
