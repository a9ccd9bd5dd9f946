package ai.unison.vision;

import ai.unison.TestFixtures;
import ai.unison.check.Compare;
import ai.unison.check.Comparison;
import ai.unison.io.Checkpoint;
import ai.unison.io.Json;
import ai.unison.io.SafetensorsFile;
import ai.unison.nn.Weights;
import ai.unison.runtime.DType;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Qwen2_5_VisionTransformerTest {
    private static final Path DIR = TestFixtures.dir("qwen25vl-tiny");

    static Qwen2_5_VisionConfig config() throws Exception {
        return Json.CONFIG.treeToValue(Json.readTree(DIR.resolve("config.json")).get("vision_config"),
                Qwen2_5_VisionConfig.class);
    }

    @Test
    void windowIndexAndSegmentsMatchUpstream() throws Exception {
        VisionIndex image = VisionIndex.of(config(), new int[][]{{1, 8, 6}});
        assertArrayEquals(new long[]{0, 1, 3, 4, 2, 5, 6, 7, 9, 10, 8, 11}, image.windowIndex());
        assertArrayEquals(new int[]{0, 16, 24, 40, 48}, image.windowSeqlens());
        assertArrayEquals(new int[]{0, 48}, image.frameSeqlens());
        VisionIndex video = VisionIndex.of(config(), new int[][]{{2, 4, 6}});
        assertArrayEquals(new long[]{0, 1, 3, 4, 2, 5, 6, 7, 9, 10, 8, 11}, video.windowIndex());
        assertArrayEquals(new int[]{0, 16, 24, 40, 48}, video.windowSeqlens());
        assertArrayEquals(new int[]{0, 24, 48}, video.frameSeqlens());
    }

    @Test
    void towerOutputMatchesUpstreamForImageAndVideo() throws Exception {
        try (Weights w = Weights.of(Checkpoint.open(DIR.resolve("model.safetensors")), DType.FLOAT32, new Device("cpu"));
             SafetensorsFile in = SafetensorsFile.open(DIR.resolve("inputs.safetensors"));
             SafetensorsFile out = SafetensorsFile.open(DIR.resolve("outputs.safetensors"));
             NativeScope s = NativeScope.open()) {
            Qwen2_5_VisionTransformer tower = new Qwen2_5_VisionTransformer(config(), w);
            Tensor image = tower.forward(in.tensor("image.pixel_values"), grid(in.tensor("image.image_grid_thw")));
            Comparison ci = Compare.allClose("image_embeds", image, out.tensor("image.image_embeds"));
            assertTrue(ci.passed(), ci.toString());
            Tensor video = tower.forward(in.tensor("video.pixel_values_videos"), grid(in.tensor("video.video_grid_thw")));
            Comparison cv = Compare.allClose("video_embeds", video, out.tensor("video.video_embeds"));
            assertTrue(cv.passed(), cv.toString());
        }
    }

    static int[][] grid(Tensor thw) {
        long[] v = Torch.toLongs(thw);
        int[][] g = new int[v.length / 3][3];
        for (int i = 0; i < v.length; i++) {
            g[i / 3][i % 3] = (int) v[i];
        }
        return g;
    }
}
