package ai.unison.io;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaMp4Test {
    @TempDir
    Path tmp;

    /** T frames of a smooth gradient drifting one pixel per frame. */
    static byte[] drift(int t, int w, int h) {
        byte[] all = new byte[t * w * h * 3];
        for (int i = 0; i < t; i++) {
            System.arraycopy(MediaImageTest.gradient(w, h, 3 * i), 0, all, i * w * h * 3, w * h * 3);
        }
        return all;
    }

    private Path writeClip(String name, byte[] frames, int t, int w, int h, double fps) {
        Path f = tmp.resolve(name);
        try (NativeScope s = NativeScope.open()) {
            Media.writeMp4(f, Torch.fromBytes(frames, t, h, w, 3), fps);
        }
        return f;
    }

    private static String error(Path file) {
        MediaException e = assertThrows(MediaException.class, () -> Media.readVideo(file, 100));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void mp4RoundTripKeepsFrameCountSizeRateAndPixels() {
        byte[] frames = drift(25, 128, 128);
        Path f = writeClip("clip.mp4", frames, 25, 128, 128, 25);
        try (NativeScope s = NativeScope.open()) {
            Video v = Media.readVideo(f, 100);
            assertArrayEquals(new long[]{25, 128, 128, 3}, Torch.shape(v.frames()));
            assertEquals(25, v.sourceFrames());
            assertEquals(25.0, v.fps(), 1e-9);
            assertEquals(1.0, v.durationSeconds(), 1e-9);
            byte[] back = Torch.toBytes(v.frames());
            int frame = 128 * 128 * 3;
            for (int i = 0; i < 25; i++) {
                double psnr = MediaImageTest.psnr(Arrays.copyOfRange(frames, i * frame, (i + 1) * frame),
                        Arrays.copyOfRange(back, i * frame, (i + 1) * frame));
                assertTrue(psnr > 30, "frame " + i + " PSNR " + psnr);
            }
        }
    }

    @Test
    void flatColoursSurviveWithinAFewLevels() {
        int[] colours = {0x000000, 0xFFFFFF, 0xFF0000, 0x00FF00, 0x0000FF, 0x808080, 0xFFD700, 0x800080};
        byte[] frames = new byte[colours.length * 16 * 16 * 3];
        for (int i = 0; i < colours.length; i++) {
            for (int p = 0; p < 16 * 16; p++) {
                int o = (i * 256 + p) * 3;
                frames[o] = (byte) (colours[i] >> 16);
                frames[o + 1] = (byte) (colours[i] >> 8);
                frames[o + 2] = (byte) colours[i];
            }
        }
        Path f = writeClip("flat.mp4", frames, colours.length, 16, 16, 8);
        try (NativeScope s = NativeScope.open()) {
            byte[] back = Torch.toBytes(Media.readVideo(f, 100).frames());
            for (int i = 0; i < back.length; i++) {
                assertTrue(Math.abs((back[i] & 0xFF) - (frames[i] & 0xFF)) <= 6,
                        "byte " + i + ": " + (back[i] & 0xFF) + " vs " + (frames[i] & 0xFF));
            }
        }
    }

    /**
     * 16×16, 10 grey frames at 8 fps in H.264 High profile with B-frames (IBBBPBBBPP), tagged full range and
     * BT.709. JCodec only encodes I- and P-frames, hence this small file, made with
     * {@code ffmpeg -f lavfi -i "color=c=black:s=16x16:r=8,format=yuvj420p,geq=lum='20+20*N':cb=128:cr=128"
     * -frames:v 10 -c:v libx264 -x264-params b-adapt=0:scenecut=0:bframes=3:b-pyramid=0 -pix_fmt yuvj420p
     * -color_range pc -colorspace bt709 -color_primaries bt709 -color_trc bt709}, its SEI removed
     * ({@code -bsf:v filter_units=remove_types=6}). ffmpeg decodes its frames to greys 5, 28, 51, ..., 214.
     */
    private static final String B_FRAMES_FULL_RANGE =
            "AAAAIGZ0eXBpc29tAAACAGlzb21pc28yYXZjMW1wNDEAAAAIZnJlZQAAALRtZGF0AAAAD2WIhAB///73aJ8Cm2cwOQAAAA5BmijY" +
            "h//R91+BTML1wAAAAAgBnkLyHf+3gQAAAA8BnkTyHf/8Mf8DdMrel/AAAAAIAZ5G8h3/t4EAAAAUQZpQeEMmUwh3/81b/KEv/8Qj" +
            "/nEAAAAIAZ5q1Id/t4EAAAAPAZ5s1Id//DH/A3TK3pfxAAAACAGebtSHf7eAAAAAFUGacpPCHkymBDv/zVv8oS//xCTYpQAAA4Nt" +
            "b292AAAAbG12aGQAAAAAAAAAAAAAAAAAAAPoAAAE4gABAAABAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAA" +
            "AAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACAAAC0nRyYWsAAABcdGtoZAAAAAMAAAAAAAAAAAAAAAEAAAAAAAAE" +
            "4gAAAAAAAAAAAAAAAAAAAAAAAQAAAAAAAAAAAAAAAAAAAAEAAAAAAAAAAAAAAAAAAEAAAAAAEAAAABAAAAAAACRlZHRzAAAAHGVs" +
            "c3QAAAAAAAAAAQAABOIAAAgAAAEAAAAAAkptZGlhAAAAIG1kaGQAAAAAAAAAAAAAAAAAAEAAAABQAFXEAAAAAAAtaGRscgAAAAAA" +
            "AAAAdmlkZQAAAAAAAAAAAAAAAFZpZGVvSGFuZGxlcgAAAAH1bWluZgAAABR2bWhkAAAAAQAAAAAAAAAAAAAAJGRpbmYAAAAcZHJl" +
            "ZgAAAAAAAAABAAAADHVybCAAAAABAAABtXN0YmwAAADVc3RzZAAAAAAAAAABAAAAxWF2YzEAAAAAAAAAAQAAAAAAAAAAAAAAAAAA" +
            "AAAAEAAQAEgAAABIAAAAAAAAAAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAY//8AAAA4YXZjQwFkAAr/4QAbZ2QA" +
            "CqzRHsBbgICAoAAAAwAgAAADAgHiRKJAAQAGaOvjyyLA/fj4AAAAABNjb2xybmNseAABAAEAAYAAAAAQcGFzcAAAAAEAAAABAAAA" +
            "FGJ0cnQAAAAAAAAVgAAABEwAAAAYc3R0cwAAAAAAAAABAAAACgAACAAAAAAUc3RzcwAAAAAAAAABAAAAAQAAAEBjdHRzAAAAAAAA" +
            "AAYAAAABAAAIAAAAAAEAACAAAAAAAwAAAAAAAAABAAAgAAAAAAMAAAAAAAAAAQAACAAAAAAcc3RzYwAAAAAAAAABAAAAAQAAAAoA" +
            "AAABAAAAPHN0c3oAAAAAAAAAAAAAAAoAAAATAAAAEgAAAAwAAAATAAAADAAAABgAAAAMAAAAEwAAAAwAAAAZAAAAFHN0Y28AAAAA" +
            "AAAAAQAAADAAAAA9dWR0YQAAADVtZXRhAAAAAAAAACFoZGxyAAAAAAAAAABtZGlyYXBwbAAAAAAAAAAAAAAAAAhpbHN0";

    @Test
    void bFramesComeInPresentationOrderInTheStreamsColourRange() throws IOException {
        Path f = Files.write(tmp.resolve("bframes.mp4"), Base64.getDecoder().decode(B_FRAMES_FULL_RANGE));
        int[] greys = {5, 28, 51, 75, 98, 121, 144, 168, 191, 214};
        try (NativeScope s = NativeScope.open()) {
            Video v = Media.readVideo(f, 100);
            assertArrayEquals(new long[]{10, 16, 16, 3}, Torch.shape(v.frames()));
            assertEquals(8.0, v.fps(), 1e-9);
            byte[] back = Torch.toBytes(v.frames());
            for (int i = 0; i < back.length; i++) {
                int expected = greys[i / (16 * 16 * 3)];
                assertTrue(Math.abs((back[i] & 0xFF) - expected) <= 1, "byte " + i + ": " + (back[i] & 0xFF) + " vs " + expected);
            }
        }
    }

    @Test
    void oddSizeIsPaddedByRepeatingTheLastColumnAndRow() {
        byte[] frames = drift(3, 31, 17);
        Path f = writeClip("odd.mp4", frames, 3, 31, 17, 24);
        try (NativeScope s = NativeScope.open()) {
            Video v = Media.readVideo(f, 100);
            assertArrayEquals(new long[]{3, 18, 32, 3}, Torch.shape(v.frames()));
            Tensor cropped = v.frames().narrow(1, 0, 17).narrow(2, 0, 31);
            assertTrue(MediaImageTest.psnr(frames, Torch.toBytes(cropped)) > 30);
            byte[] lastColumn = Torch.toBytes(v.frames().select(2, 31));
            byte[] previous = Torch.toBytes(v.frames().select(2, 30));
            assertTrue(MediaImageTest.psnr(previous, lastColumn) > 30);
        }
    }

    @Test
    void fractionalFrameRateIsKept() {
        Path f = writeClip("ntsc.mov", drift(4, 16, 16), 4, 16, 16, 30000 / 1001.0);
        try (NativeScope s = NativeScope.open()) {
            assertEquals(30000 / 1001.0, Media.readVideo(f, 100).fps(), 1e-6);
        }
        assertEquals("30000/1001", Mp4Codec.rate(29.97002997).toString());
        assertEquals("25/2", Mp4Codec.rate(12.5).toString());
    }

    @Test
    void maxFramesKeepsFramesSpreadOverTheClip() {
        Path f = writeClip("long.mp4", drift(25, 32, 32), 25, 32, 32, 25);
        try (NativeScope s = NativeScope.open()) {
            Video all = Media.readVideo(f, 100);
            Video some = Media.readVideo(f, 5);
            assertEquals(5, some.frameCount());
            assertEquals(25, some.sourceFrames());
            assertEquals(5.0, some.fps(), 1e-9);
            assertEquals(all.durationSeconds(), some.durationSeconds(), 1e-9);
            for (int k = 0; k < 5; k++) {
                assertArrayEquals(Torch.toBytes(all.frames().select(0, 6 * k)), Torch.toBytes(some.frames().select(0, k)));
            }
        }
    }

    @Test
    void videoOverTheFrameCapFails() {
        Path f = writeClip("capped.mp4", drift(12, 16, 16), 12, 16, 16, 24);
        MediaException e = assertThrows(MediaException.class, () -> Media.readVideo(f, 5, new MediaLimits(1 << 20, 10, 1 << 30)));
        assertTrue(e.getMessage().endsWith("video has 12 frames, over the cap of 10 (MediaLimits.maxFrames)"), e.getMessage());
        MediaException bytes = assertThrows(MediaException.class, () -> Media.readVideo(f, 5, new MediaLimits(1 << 20, 100, 1000)));
        assertTrue(bytes.getMessage().contains("over the cap of 1000 (MediaLimits.maxDecodedBytes)"), bytes.getMessage());
    }

    @Test
    void randomBytesAreNotAnMp4() throws IOException {
        Path f = Files.write(tmp.resolve("noise.mp4"), MediaImageTest.randomBytes(5000, 7));
        assertTrue(error(f).endsWith("not an MP4/MOV file (unrecognised data)"), error(f));
    }

    @Test
    void truncatedMp4FailsNamingTheFile() throws IOException {
        Path whole = writeClip("whole.mp4", drift(10, 32, 32), 10, 32, 32, 10);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(tmp.resolve("cut.mp4"), Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(error(cut).contains("truncated or damaged MP4: box 'moov'"), error(cut));
    }

    @Test
    void aviIsRefusedWithTheSupportedFormats() throws IOException {
        Path f = Files.write(tmp.resolve("clip.avi"), MediaImageTest.randomBytes(100, 8));
        String message = error(f);
        assertTrue(message.contains("AVI video is not supported"), message);
        assertTrue(message.endsWith("supported: mp4, mov, gif"), message);
        Path mkv = Files.write(tmp.resolve("clip.mkv"), MediaImageTest.randomBytes(100, 8));
        assertTrue(error(mkv).endsWith("unsupported video format 'mkv'; supported: mp4, mov, gif"), error(mkv));
    }

    @Test
    void writeMp4RejectsBadRatesAndShapes() {
        Path f = tmp.resolve("bad.mp4");
        try (NativeScope s = NativeScope.open()) {
            Tensor clip = Torch.fromBytes(new byte[2 * 4 * 4 * 3], 2, 4, 4, 3);
            assertThrows(MediaException.class, () -> Media.writeMp4(f, clip, 0));
            assertThrows(MediaException.class, () -> Media.writeMp4(f, clip, Double.NaN));
            MediaException e = assertThrows(MediaException.class, () -> Media.writeMp4(f, clip.select(0, 0), 24));
            assertTrue(e.getMessage().contains("expected a uint8 tensor [T, H, W, 3]"), e.getMessage());
        }
        assertTrue(Files.notExists(f));
    }
}
