package ai.unison.vision;

import ai.unison.TestFixtures;
import ai.unison.check.Compare;
import ai.unison.check.Comparison;
import ai.unison.io.SafetensorsFile;
import ai.unison.lm.MRopePositions;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Qwen2VLPreprocessingTest {
    private static final Path DIR = TestFixtures.dir("qwen25vl-tiny");
    private static final MRopePositions.VisionTokens TOKENS = new MRopePositions.VisionTokens(606, 607, 603);

    @Test
    void imageAndVideoPixelValuesMatchUpstreamProcessor() {
        Qwen2VLImageProcessor p = Qwen2VLImageProcessor.load(DIR);
        try (NativeScope s = NativeScope.open(); SafetensorsFile in = SafetensorsFile.open(DIR.resolve("inputs.safetensors"))) {
            Qwen2VLImageProcessor.Processed img = p.image(in.tensor("image.raw_rgb_hwc_uint8"));
            assertArrayEquals(new int[]{1, 8, 6}, img.gridThw());
            Comparison c = Compare.allClose("pixel_values", img.pixelValues(), in.tensor("image.pixel_values"));
            assertTrue(c.passed(), c.toString());
            Qwen2VLImageProcessor.Processed vid = p.frames(in.tensor("video.raw_frames_thwc_uint8"));
            assertArrayEquals(new int[]{2, 4, 6}, vid.gridThw());
            Comparison cv = Compare.allClose("pixel_values_videos", vid.pixelValues(), in.tensor("video.pixel_values_videos"));
            assertTrue(cv.passed(), cv.toString());
            assertEquals(12, img.tokens(2));
        }
    }

    @Test
    void smartResizeRoundsHalfToEvenAndRespectsPixelBounds() {
        Qwen2VLImageProcessor p = new Qwen2VLImageProcessor(14, 2, 2, 3136, 12845056, new float[3], new float[]{1, 1, 1});
        assertArrayEquals(new int[]{112, 84}, p.smartResize(112, 84));
        assertArrayEquals(new int[]{56, 56}, p.smartResize(70, 70));   // 70/28 = 2.5 rounds to 2
        assertArrayEquals(new int[]{112, 112}, p.smartResize(98, 98)); // 3.5 rounds to 4
        Qwen2VLImageProcessor small = new Qwen2VLImageProcessor(14, 2, 2, 3136, 28 * 28 * 4, new float[3], new float[]{1, 1, 1});
        int[] hw = small.smartResize(1000, 1000);
        assertTrue(hw[0] * hw[1] <= 28 * 28 * 4, hw[0] + "x" + hw[1]);
        String msg = assertThrows(IllegalArgumentException.class, () -> p.smartResize(10, 500)).getMessage();
        assertTrue(msg.contains("500×10") && msg.contains("smaller than one"), msg);
    }

    @Test
    void mropePositionsMatchUpstreamForTextImageAndVideo() {
        try (NativeScope s = NativeScope.open(); SafetensorsFile in = SafetensorsFile.open(DIR.resolve("inputs.safetensors"));
             SafetensorsFile out = SafetensorsFile.open(DIR.resolve("outputs.safetensors"))) {
            for (String c : List.of("text", "image", "video")) {
                long[] ids = Torch.toLongs(in.tensor(c + ".input_ids"));
                MRopePositions p = MRopePositions.of(ids, List.of(new int[]{1, 8, 6}), List.of(new int[]{2, 4, 6}),
                        List.of(1.0), 2.0, 2, TOKENS);
                long[] expected = Torch.toLongs(out.tensor(c + ".position_ids"));
                long[] actual = new long[3 * ids.length];
                for (int a = 0; a < 3; a++) {
                    System.arraycopy(p.positions()[a], 0, actual, a * ids.length, ids.length);
                }
                assertArrayEquals(expected, actual, c);
                assertEquals(Torch.toLongs(out.tensor(c + ".rope_deltas"))[0], p.delta(), c);
            }
        }
    }
}
