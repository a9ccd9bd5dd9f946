package ai.unison.diffusion.wan;

import ai.unison.TestFixtures;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Rng;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class AutoencoderKLWanTest {
    private static final Path DIR = TestFixtures.dir("wan-vae-tiny");
    private static AutoencoderKLWan vae;

    @BeforeAll
    static void load() {
        vae = AutoencoderKLWan.load(DIR.resolve("config.json"), DIR.resolve("model.safetensors"), DType.FLOAT32,
                new Device("cpu"));
    }

    @AfterAll
    static void close() {
        vae.close();
    }

    @Test
    void anImageEncodesAsASingleFrameVideo() {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(1)) {
            Tensor image = rng.rand(1, 3, 32, 32);
            Tensor moments = vae.encodeMoments(image);
            assertArrayEquals(new long[]{1, 8, 1, 4, 4}, Torch.shape(moments));
            assertArrayEquals(Torch.toFloats(vae.encodeMoments(image.unsqueeze(2))), Torch.toFloats(moments));
        }
    }

    @Test
    void encodingIsCausalAcrossChunks() {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(2)) {
            Tensor video = rng.rand(1, 3, 9, 32, 32);
            Tensor all = vae.encodeMoments(video);
            assertArrayEquals(new long[]{1, 8, 3, 4, 4}, Torch.shape(all));
            Tensor firstFive = vae.encodeMoments(video.narrow(2, 0, 5));
            assertArrayEquals(Torch.toFloats(firstFive), Torch.toFloats(all.narrow(2, 0, 2)));
        }
    }

    @Test
    void decodingIsCausalAndGivesOnePlusFourFramesPerLatentFrame() {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(3)) {
            Tensor z = rng.randn(1, 4, 3, 4, 4);
            Tensor all = vae.decode(z);
            assertArrayEquals(new long[]{1, 3, 9, 32, 32}, Torch.shape(all));
            Tensor first = vae.decode(z.narrow(2, 0, 1));
            assertArrayEquals(Torch.toFloats(first), Torch.toFloats(all.narrow(2, 0, 1)));
            for (float v : Torch.toFloats(all)) {
                assertEquals(0, Math.max(0, Math.abs(v) - 1), 0.0);
            }
        }
    }

    @Test
    void samplingIsMeanPlusStdTimesSeededNoise() {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(4); Rng a = new Rng(9); Rng b = new Rng(9)) {
            AutoencoderKLWan.LatentDistribution d = vae.encode(rng.rand(1, 3, 5, 32, 32));
            Tensor sample = d.sample(a);
            Tensor byHand = d.mean().add(d.std().mul(b.randn(Torch.shape(d.mean()))));
            assertArrayEquals(Torch.toFloats(byHand), Torch.toFloats(sample));
            assertArrayEquals(Torch.toFloats(d.logvar().mul(Torch.scalar(0.5)).exp()), Torch.toFloats(d.std()));
        }
    }

    @Test
    void latentNormalisationUsesTheConfiguredMeanAndStd() {
        try (NativeScope scope = NativeScope.open(); Rng rng = new Rng(5)) {
            Tensor z = rng.randn(1, 4, 2, 3, 3);
            float[] n = Torch.toFloats(vae.normalizeLatents(z));
            float[] raw = Torch.toFloats(z);
            double[] mean = {-0.7571, -0.7089, -0.9113, 0.1075};
            double[] std = {2.8184, 1.4541, 2.3275, 2.6558};
            for (int i = 0; i < raw.length; i++) {
                int c = i / 18;
                assertEquals((raw[i] - mean[c]) / std[c], n[i], 1e-5);
            }
            assertArrayEquals(raw, Torch.toFloats(vae.denormalizeLatents(vae.normalizeLatents(z))), 1e-5f);
        }
    }
}
