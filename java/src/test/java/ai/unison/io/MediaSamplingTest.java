package ai.unison.io;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MediaSamplingTest {
    @Test
    void frameCountFollowsQwen2VlRules() {
        assertEquals(20, Media.sampledFrameCount(240, 24, 2, 768), "10 s at 2 fps");
        assertEquals(4, Media.sampledFrameCount(25, 25, 2, 768), "at least 4 frames");
        assertEquals(666, Media.sampledFrameCount(10_000, 30, 2, 768), "rounded down to even");
        assertEquals(768, Media.sampledFrameCount(100_000, 30, 2, 768), "capped");
        assertEquals(8, Media.sampledFrameCount(10_000, 30, 2, 9), "cap rounded down to even");
        assertEquals(4, Media.sampledFrameCount(5, 24, 2, 768), "no more than the clip has");
        assertEquals(2, Media.sampledFrameCount(3, 1, 2, 768));
        assertEquals(2, Media.sampledFrameCount(1, 24, 2, 768), "a single frame is given twice");
        assertEquals(48, Media.sampledFrameCount(240, 24, 4.8, 768));
        assertThrows(IllegalArgumentException.class, () -> Media.sampledFrameCount(10, 24, 0, 768));
    }

    @Test
    void indicesMatchTorchLinspaceRounded() {
        assertArrayEquals(new int[]{0, 2, 3}, Media.uniformIndices(4, 3));
        assertArrayEquals(new int[]{0, 2, 3, 5}, Media.uniformIndices(6, 4));
        assertArrayEquals(new int[]{0}, Media.uniformIndices(7, 1));
        try (NativeScope s = NativeScope.open()) {
            for (int total : new int[]{2, 5, 24, 25, 97, 1001, 7919}) {
                for (int n : new int[]{2, 3, 4, 8, 20, 768}) {
                    if (n > total) {
                        continue;
                    }
                    Tensor reference = torch.linspace(new Scalar(0.0), new Scalar((double) total - 1), n).round();
                    long[] expected = Torch.toLongs(reference);
                    int[] actual = Media.uniformIndices(total, n);
                    for (int i = 0; i < n; i++) {
                        assertEquals(expected[i], actual[i], "total " + total + ", n " + n + ", i " + i);
                    }
                }
            }
        }
    }

    @Test
    void sampleFramesPicksUniformlySpacedFrames() {
        int t = 48;
        byte[] data = new byte[t * 2 * 2 * 3];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i / 12);
        }
        try (NativeScope s = NativeScope.open()) {
            Video video = new Video(Torch.fromBytes(data, t, 2, 2, 3), 24, t);
            Tensor sampled = Media.sampleFrames(video);
            assertArrayEquals(new long[]{4, 2, 2, 3}, Torch.shape(sampled));
            byte[] got = Torch.toBytes(sampled);
            int[] expected = {0, 16, 31, 47};
            for (int k = 0; k < 4; k++) {
                assertEquals(expected[k], got[k * 12]);
            }
            Tensor dense = Media.sampleFrames(video, 12, 768);
            assertEquals(24, Torch.shape(dense)[0]);
        }
    }

    @Test
    void oneFrameVideoSamplesThatFrameTwice() {
        try (NativeScope s = NativeScope.open()) {
            Video still = new Video(Torch.fromBytes(new byte[]{1, 2, 3}, 1, 1, 1, 3), 10, 1);
            assertArrayEquals(new byte[]{1, 2, 3, 1, 2, 3}, Torch.toBytes(Media.sampleFrames(still)));
        }
    }
}
