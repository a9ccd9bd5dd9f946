package ai.unison.io;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MediaGifTest {
    @TempDir
    Path tmp;

    /** T frames of flat shapes: a background whose colour changes per frame and a square moving right. */
    static byte[] shapes(int t, int w, int h) {
        byte[] all = new byte[t * w * h * 3];
        int[] backgrounds = {0x202020, 0x3050A0, 0xF0F0F0, 0x10A010};
        for (int i = 0; i < t; i++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean square = x >= 2 * i && x < 2 * i + 8 && y >= 4 && y < 12;
                    boolean circle = (x - w / 2) * (x - w / 2) + (y - h / 2) * (y - h / 2) < 36;
                    int c = circle ? 0xFFD700 : square ? 0xE02020 + i : backgrounds[i % backgrounds.length];
                    int o = ((i * h + y) * w + x) * 3;
                    all[o] = (byte) (c >> 16);
                    all[o + 1] = (byte) (c >> 8);
                    all[o + 2] = (byte) c;
                }
            }
        }
        return all;
    }

    private Path writeGif(String name, byte[] frames, int t, int w, int h, double fps) {
        Path f = tmp.resolve(name);
        try (NativeScope s = NativeScope.open()) {
            Media.writeGif(f, Torch.fromBytes(frames, t, h, w, 3), fps);
        }
        return f;
    }

    @Test
    void gifRoundTripKeepsFlatColourFramesExactlyAndTheRate() {
        for (double fps : new double[]{10, 25}) {
            byte[] frames = shapes(12, 40, 24);
            Path f = writeGif("shapes" + (int) fps + ".gif", frames, 12, 40, 24, fps);
            try (NativeScope s = NativeScope.open()) {
                Video v = Media.readVideo(f, 100);
                assertArrayEquals(new long[]{12, 24, 40, 3}, Torch.shape(v.frames()));
                assertArrayEquals(frames, Torch.toBytes(v.frames()));
                assertEquals(fps, v.fps(), 1e-9);
                assertEquals(12, v.sourceFrames());
            }
        }
    }

    @Test
    void rateWithoutWholeHundredthsAveragesOut() {
        Path f = writeGif("film.gif", shapes(24, 16, 16), 24, 16, 16, 24);
        try (NativeScope s = NativeScope.open()) {
            assertEquals(24.0, Media.readVideo(f, 100).fps(), 1e-9);
        }
        Path g = writeGif("film25.gif", shapes(25, 16, 16), 25, 16, 16, 24);
        try (NativeScope s = NativeScope.open()) {
            assertEquals(24.0, Media.readVideo(g, 100).fps(), 0.1);
        }
    }

    @Test
    void framesWithMoreThan256ColoursAreReducedClosely() {
        byte[] frame = MediaImageTest.gradient(64, 64, 0);
        Path f = writeGif("gradient.gif", frame, 1, 64, 64, 10);
        try (NativeScope s = NativeScope.open()) {
            byte[] back = Torch.toBytes(Media.readVideo(f, 100).frames());
            double psnr = MediaImageTest.psnr(frame, back);
            assertTrue(psnr > 30, "PSNR " + psnr);
        }
    }

    @Test
    void writeGifRejectsRatesBrowsersCannotPlay() {
        try (NativeScope s = NativeScope.open()) {
            Tensor clip = Torch.fromBytes(new byte[2 * 4 * 4 * 3], 2, 4, 4, 3);
            MediaException e = assertThrows(MediaException.class, () -> Media.writeGif(tmp.resolve("fast.gif"), clip, 60));
            assertTrue(e.getMessage().contains("GIF frame rate must be in (0, 50.0] fps, got 60.0"), e.getMessage());
        }
    }

    private static final int RED = 0, BLUE = 1, GREEN = 2, WHITE = 3, GREY = 4, CLEAR = 5;
    private static final int[] PALETTE = {0xFF0000, 0x0000FF, 0x00FF00, 0xFFFFFF, 0x808080, 0x000000, 0, 0};

    /**
     * A 4×4 GIF of partial frames: red everywhere; a 2×2 checker of blue and transparency at (1, 1), then
     * restored to the grey background; a green pixel at (3, 3), then restored to what was before; a white
     * pixel at (0, 0) with delay 0.
     */
    private Path compositedGif() throws IOException {
        Path f = tmp.resolve("composited.gif");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(f.toFile())) {
            writer.setOutput(out);
            IIOMetadata stream = writer.getDefaultStreamMetadata(null);
            IIOMetadataNode streamRoot = new IIOMetadataNode("javax_imageio_gif_stream_1.0");
            IIOMetadataNode screen = new IIOMetadataNode("LogicalScreenDescriptor");
            screen.setAttribute("logicalScreenWidth", "4");
            screen.setAttribute("logicalScreenHeight", "4");
            screen.setAttribute("colorResolution", "8");
            screen.setAttribute("pixelAspectRatio", "0");
            streamRoot.appendChild(screen);
            IIOMetadataNode table = colourTable("GlobalColorTable", "sizeOfGlobalColorTable");
            table.setAttribute("backgroundColorIndex", Integer.toString(GREY));
            streamRoot.appendChild(table);
            stream.mergeTree("javax_imageio_gif_stream_1.0", streamRoot);
            writer.prepareWriteSequence(stream);
            writePart(writer, 0, 0, 4, 4, new int[16], 10, "none");
            writePart(writer, 1, 1, 2, 2, new int[]{BLUE, CLEAR, CLEAR, BLUE}, 20, "restoreToBackgroundColor");
            writePart(writer, 3, 3, 1, 1, new int[]{GREEN}, 30, "restoreToPrevious");
            writePart(writer, 0, 0, 1, 1, new int[]{WHITE}, 0, "none");
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
        return f;
    }

    /** PALETTE as a colour table node (javax.imageio writes its own default table unless given one). */
    private static IIOMetadataNode colourTable(String name, String sizeAttribute) {
        IIOMetadataNode table = new IIOMetadataNode(name);
        table.setAttribute(sizeAttribute, Integer.toString(PALETTE.length));
        table.setAttribute("sortFlag", "FALSE");
        for (int i = 0; i < PALETTE.length; i++) {
            IIOMetadataNode e = new IIOMetadataNode("ColorTableEntry");
            e.setAttribute("index", Integer.toString(i));
            e.setAttribute("red", Integer.toString(PALETTE[i] >> 16 & 0xFF));
            e.setAttribute("green", Integer.toString(PALETTE[i] >> 8 & 0xFF));
            e.setAttribute("blue", Integer.toString(PALETTE[i] & 0xFF));
            table.appendChild(e);
        }
        return table;
    }

    private static void writePart(ImageWriter writer, int left, int top, int w, int h, int[] indices, int delay,
                                  String disposal) throws IOException {
        byte[] r = new byte[8];
        byte[] g = new byte[8];
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            r[i] = (byte) (PALETTE[i] >> 16);
            g[i] = (byte) (PALETTE[i] >> 8);
            b[i] = (byte) PALETTE[i];
        }
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 8, r, g, b, CLEAR));
        image.getRaster().setSamples(0, 0, w, h, 0, indices);
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), null);
        IIOMetadataNode root = new IIOMetadataNode("javax_imageio_gif_image_1.0");
        IIOMetadataNode descriptor = new IIOMetadataNode("ImageDescriptor");
        descriptor.setAttribute("imageLeftPosition", Integer.toString(left));
        descriptor.setAttribute("imageTopPosition", Integer.toString(top));
        descriptor.setAttribute("imageWidth", Integer.toString(w));
        descriptor.setAttribute("imageHeight", Integer.toString(h));
        descriptor.setAttribute("interlaceFlag", "FALSE");
        root.appendChild(descriptor);
        root.appendChild(colourTable("LocalColorTable", "sizeOfLocalColorTable"));
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        control.setAttribute("disposalMethod", disposal);
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "TRUE");
        control.setAttribute("delayTime", Integer.toString(delay));
        control.setAttribute("transparentColorIndex", Integer.toString(CLEAR));
        root.appendChild(control);
        meta.mergeTree("javax_imageio_gif_image_1.0", root);
        writer.writeToSequence(new IIOImage(image, null, meta), null);
    }

    private static int[] pixels(Tensor frames, int index) {
        byte[] b = Torch.toBytes(frames.select(0, index));
        int[] out = new int[b.length / 3];
        for (int i = 0; i < out.length; i++) {
            out[i] = (b[3 * i] & 0xFF) << 16 | (b[3 * i + 1] & 0xFF) << 8 | b[3 * i + 2] & 0xFF;
        }
        return out;
    }

    @Test
    void partialFramesAreCompositedWithTransparencyAndDisposal() throws IOException {
        Path f = compositedGif();
        int r = 0xFF0000, u = 0x0000FF, g = 0x00FF00, w = 0xFFFFFF, o = 0x808080;
        try (NativeScope s = NativeScope.open()) {
            Video v = Media.readVideo(f, 100);
            assertArrayEquals(new long[]{4, 4, 4, 3}, Torch.shape(v.frames()));
            int[] all = new int[16];
            Arrays.fill(all, r);
            assertArrayEquals(all, pixels(v.frames(), 0));
            assertArrayEquals(new int[]{r, r, r, r, r, u, r, r, r, r, u, r, r, r, r, r}, pixels(v.frames(), 1));
            assertArrayEquals(new int[]{r, r, r, r, r, o, o, r, r, o, o, r, r, r, r, g}, pixels(v.frames(), 2));
            assertArrayEquals(new int[]{w, r, r, r, r, o, o, r, r, o, o, r, r, r, r, r}, pixels(v.frames(), 3));
            // delays 10, 20, 30 and 0 (shown as 10) hundredths
            assertEquals(4 / 0.7, v.fps(), 1e-9);
        }
    }

    @Test
    void randomBytesAreNotAGif() throws IOException {
        Path f = Files.write(tmp.resolve("noise.gif"), MediaImageTest.randomBytes(500, 9));
        MediaException e = assertThrows(MediaException.class, () -> Media.readVideo(f, 10));
        assertEquals(f + ": not a GIF file (unrecognised data)", e.getMessage());
    }

    @Test
    void truncatedGifFailsNamingTheFile() throws IOException {
        Path whole = writeGif("whole.gif", MediaImageTest.randomBytes(6 * 32 * 32 * 3, 10), 6, 32, 32, 10);
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = Files.write(tmp.resolve("cut.gif"), Arrays.copyOf(bytes, bytes.length / 2));
        MediaException e = assertThrows(MediaException.class, () -> Media.readVideo(cut, 10));
        assertTrue(e.getMessage().startsWith(cut + ": truncated GIF: the data ends after 2 complete frames"),
                e.getMessage());
    }
}
