package ai.unison.io;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import ai.unison.world.Frame;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaImageTest {
    @TempDir
    Path tmp;

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** A smooth RGB gradient, H×W×3; {@code shift} moves the blue ramp diagonally. */
    static byte[] gradient(int w, int h, int shift) {
        byte[] rgb = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int o = (y * w + x) * 3;
                rgb[o] = (byte) (255 * x / (w - 1));
                rgb[o + 1] = (byte) (255 * y / (h - 1));
                int v = (x + y + shift) % 510;
                rgb[o + 2] = (byte) (v < 256 ? v : 510 - v);
            }
        }
        return rgb;
    }

    private String error(Path file) {
        MediaException e = assertThrows(MediaException.class, () -> Media.readImage(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        return e.getMessage();
    }

    @Test
    void pngRoundTripIsBitExact() {
        Path f = tmp.resolve("noise.png");
        byte[] data = randomBytes(37 * 23 * 3, 1);
        try (NativeScope s = NativeScope.open()) {
            Media.writePng(f, Torch.fromBytes(data, 23, 37, 3));
            Tensor back = Media.readImage(f);
            assertArrayEquals(new long[]{23, 37, 3}, Torch.shape(back));
            assertEquals(ScalarType.Byte.value, back.scalar_type().value);
            assertArrayEquals(data, Torch.toBytes(back));
        }
    }

    @Test
    void jpegReadsCloseToTheEncodedImage() throws IOException {
        byte[] rgb = gradient(64, 48, 0);
        Path f = tmp.resolve("smooth.JPG");
        ImageIO.write(MediaPixels.image(rgb, 64, 48), "jpeg", f.toFile());
        try (NativeScope s = NativeScope.open()) {
            byte[] back = Torch.toBytes(Media.readImage(f));
            assertEquals(rgb.length, back.length);
            assertTrue(psnr(rgb, back) > 30, "PSNR " + psnr(rgb, back));
        }
    }

    @Test
    void greyPngExpandsToThreeEqualChannels() throws IOException {
        BufferedImage grey = new BufferedImage(4, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSamples(0, 0, 4, 2, 0, new int[]{0, 50, 128, 255, 1, 2, 3, 200});
        Path f = tmp.resolve("grey.png");
        ImageIO.write(grey, "png", f.toFile());
        try (NativeScope s = NativeScope.open()) {
            byte[] back = Torch.toBytes(Media.readImage(f));
            assertEquals(128, back[2 * 3] & 0xFF);
            assertEquals(128, back[2 * 3 + 1] & 0xFF);
            assertEquals(128, back[2 * 3 + 2] & 0xFF);
            assertEquals(200, back[7 * 3 + 1] & 0xFF);
        }
    }

    @Test
    void palettePngIsLookedUp() throws IOException {
        IndexColorModel palette = new IndexColorModel(2, 4,
                new byte[]{10, 20, 30, 40}, new byte[]{50, 60, 70, 80}, new byte[]{90, 100, (byte) 110, (byte) 120});
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, palette);
        image.getRaster().setSamples(0, 0, 2, 1, 0, new int[]{3, 1});
        Path f = tmp.resolve("palette.png");
        ImageIO.write(image, "png", f.toFile());
        try (NativeScope s = NativeScope.open()) {
            assertArrayEquals(new byte[]{40, 80, 120, 20, 60, 100}, Torch.toBytes(Media.readImage(f)));
        }
    }

    @Test
    void alphaIsDroppedKeepingTheStoredColour() throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        image.setRGB(0, 0, 0x00FF8040);
        image.setRGB(1, 0, 0x80102030);
        Path f = tmp.resolve("alpha.png");
        ImageIO.write(image, "png", f.toFile());
        try (NativeScope s = NativeScope.open()) {
            Tensor t = Media.readImage(f);
            assertArrayEquals(new long[]{1, 2, 3}, Torch.shape(t));
            assertArrayEquals(new byte[]{(byte) 0xFF, (byte) 0x80, 0x40, 0x10, 0x20, 0x30}, Torch.toBytes(t));
        }
    }

    @Test
    void sixteenBitPngKeepsTheHighByte() throws IOException {
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        image.getRaster().setSamples(0, 0, 2, 1, 0, new int[]{0x12FF, 0xAB01});
        Path f = tmp.resolve("deep.png");
        ImageIO.write(image, "png", f.toFile());
        try (NativeScope s = NativeScope.open()) {
            assertArrayEquals(new byte[]{0x12, 0x12, 0x12, (byte) 0xAB, (byte) 0xAB, (byte) 0xAB}, Torch.toBytes(Media.readImage(f)));
        }
    }

    @Test
    void truncatedPngFailsNamingTheFile() throws IOException {
        Path whole = tmp.resolve("whole.png");
        try (NativeScope s = NativeScope.open()) {
            Media.writePng(whole, Torch.fromBytes(randomBytes(64 * 64 * 3, 2), 64, 64, 3));
        }
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = tmp.resolve("cut.png");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(error(cut).contains("corrupt, truncated or unsupported image data"), error(cut));
    }

    @Test
    void truncatedJpegFailsNamingTheFile() throws IOException {
        Path whole = tmp.resolve("whole.jpg");
        ImageIO.write(MediaPixels.image(gradient(64, 64, 0), 64, 64), "jpeg", whole.toFile());
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = tmp.resolve("cut.jpg");
        Files.write(cut, Arrays.copyOf(bytes, bytes.length * 2 / 3));
        assertTrue(error(cut).contains("truncated"), error(cut));
    }

    @Test
    void randomBytesAreNotAnImage() throws IOException {
        Path f = tmp.resolve("noise.png");
        Files.write(f, randomBytes(1000, 3));
        assertTrue(error(f).contains("unrecognised data"), error(f));
    }

    @Test
    void missingEmptyAndFolderPathsFailClearly() throws IOException {
        assertTrue(error(tmp.resolve("absent.png")).endsWith("file not found"));
        Path empty = Files.createFile(tmp.resolve("empty.png"));
        assertTrue(error(empty).endsWith("file is empty (0 bytes)"));
        Path dir = Files.createDirectory(tmp.resolve("dir.png"));
        assertTrue(error(dir).endsWith("not a regular file"));
    }

    @Test
    void unsupportedExtensionListsTheSupportedOnes() throws IOException {
        Path f = Files.write(tmp.resolve("picture.bmp"), new byte[]{1});
        assertTrue(error(f).endsWith("unsupported image format 'bmp'; supported: png, jpg, jpeg"), error(f));
        Path video = Files.write(tmp.resolve("clip.mp4"), new byte[]{1});
        assertTrue(error(video).contains("is a video; read it with readVideo"), error(video));
    }

    @Test
    void imageOverThePixelCapFailsBeforeDecoding() {
        Path f = tmp.resolve("big.png");
        try (NativeScope s = NativeScope.open()) {
            Media.writePng(f, Torch.fromBytes(new byte[40 * 30 * 3], 30, 40, 3));
            MediaException e = assertThrows(MediaException.class,
                    () -> Media.readImage(f, new MediaLimits(1000, 10, 1 << 20)));
            assertTrue(e.getMessage().endsWith("size 40x30 = 1200 pixels is over the cap of 1000 (MediaLimits.maxPixels)"),
                    e.getMessage());
        }
    }

    @Test
    void writePngRejectsTensorsThatAreNotUint8Hwc() {
        Path f = tmp.resolve("bad.png");
        try (NativeScope s = NativeScope.open()) {
            MediaException e = assertThrows(MediaException.class,
                    () -> Media.writePng(f, Torch.fromFloats(new float[12], 2, 2, 3)));
            assertTrue(e.getMessage().contains("expected a uint8 tensor [H, W, 3]"), e.getMessage());
            assertThrows(MediaException.class, () -> Media.writePng(f, Torch.fromBytes(new byte[8], 2, 2, 2)));
        }
        assertTrue(Files.notExists(f));
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path dir = tmp.resolve("out/nested");
        Path f = dir.resolve("a.png");
        try (NativeScope s = NativeScope.open()) {
            Media.writePng(f, Torch.fromBytes(new byte[3], 1, 1, 3));
            Media.writePng(f, Torch.fromBytes(new byte[]{7, 8, 9}, 1, 1, 3));
            assertArrayEquals(new byte[]{7, 8, 9}, Torch.toBytes(Media.readImage(f)));
        }
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void convertsBetweenTensorsBufferedImagesAndFrames() {
        byte[] data = randomBytes(5 * 4 * 3, 4);
        try (NativeScope s = NativeScope.open()) {
            Tensor t = Torch.fromBytes(data, 4, 5, 3);
            BufferedImage image = Media.toImage(t);
            assertEquals(5, image.getWidth());
            assertEquals(4, image.getHeight());
            int p = image.getRGB(2, 1);
            int o = (1 * 5 + 2) * 3;
            assertEquals((data[o] & 0xFF) << 16 | (data[o + 1] & 0xFF) << 8 | data[o + 2] & 0xFF, p & 0xFFFFFF);
            assertArrayEquals(data, Torch.toBytes(Media.fromImage(image)));

            Frame frame = Media.toFrame(t);
            assertEquals(5, frame.width());
            assertEquals(p & 0xFFFFFF, frame.rgb(2, 1));
            assertArrayEquals(data, Torch.toBytes(Media.fromFrame(frame)));

            Tensor clip = Torch.fromBytes(randomBytes(3 * 4 * 5 * 3, 5), 3, 4, 5, 3);
            assertArrayEquals(Torch.toBytes(clip), Torch.toBytes(Media.fromFrames(Media.toFrames(clip))));
            assertThrows(IllegalArgumentException.class, () -> Media.toImage(clip));
        }
    }

    static double psnr(byte[] a, byte[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xFF) - (b[i] & 0xFF);
            sum += d * d;
        }
        return sum == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 * a.length / sum);
    }
}
