package ai.unison.io;

import org.w3c.dom.Node;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * Animated GIF through javax.imageio. Reading composites each frame onto the logical screen as browsers do
 * (frame offsets, transparency, disposal); writing makes a looping GIF with one exact palette per frame.
 * Delays are in hundredths of a second.
 */
final class GifCodec {
    private static final String IMAGE_FORMAT = "javax_imageio_gif_image_1.0";
    private static final String STREAM_FORMAT = "javax_imageio_gif_stream_1.0";
    /** Browsers show a frame with a delay of 0 or 1 (1/100 s) for 10; so does this reader. */
    private static final int DEFAULT_DELAY = 10;
    /** The fastest rate browsers play as written: delays of 2/100 s. */
    static final double MAX_FPS = 50;

    private GifCodec() {
    }

    static Video read(Path file, int maxFrames, MediaLimits limits) throws IOException {
        checkComplete(file);
        ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            reader.setInput(in, false, false);
            int total = reader.getNumImages(true);
            limits.checkFrames(file, total);

            Node screen = child(reader.getStreamMetadata().getAsTree(STREAM_FORMAT), "LogicalScreenDescriptor");
            int width = intAttribute(screen, "logicalScreenWidth", 0);
            int height = intAttribute(screen, "logicalScreenHeight", 0);
            Placement first = Placement.of(reader, 0);
            if (width <= 0 || height <= 0) {
                width = first.left + first.width;
                height = first.top + first.height;
            }
            limits.checkPixels(file, width, height);
            int background = backgroundColour(reader);

            MediaFrameBuffer frames = new MediaFrameBuffer(file, total, maxFrames, limits);
            int[] canvas = new int[width * height];
            Arrays.fill(canvas, background);
            byte[] rgb = new byte[width * height * 3];
            long delays = 0;
            for (int i = 0; i < total; i++) {
                Placement f = i == 0 ? first : Placement.of(reader, i);
                limits.checkPixels(file, f.width, f.height);
                int[] saved = f.disposal.equals("restoreToPrevious") ? canvas.clone() : null;
                BufferedImage image = reader.read(i);
                int fw = image.getWidth();
                int[] row = new int[fw];
                for (int y = 0; y < image.getHeight() && f.top + y < height; y++) {
                    image.getRGB(0, y, fw, 1, row, 0, fw);
                    for (int x = 0; x < fw && f.left + x < width; x++) {
                        if (row[x] >>> 24 != 0) {
                            canvas[(f.top + y) * width + f.left + x] = row[x] & 0xFFFFFF;
                        }
                    }
                }
                if (frames.wants(i)) {
                    for (int p = 0, o = 0; p < canvas.length; p++, o += 3) {
                        rgb[o] = (byte) (canvas[p] >> 16);
                        rgb[o + 1] = (byte) (canvas[p] >> 8);
                        rgb[o + 2] = (byte) canvas[p];
                    }
                    frames.put(i, rgb, width, height);
                }
                if (f.disposal.equals("restoreToBackgroundColor")) {
                    for (int y = f.top; y < Math.min(height, f.top + f.height); y++) {
                        Arrays.fill(canvas, y * width + f.left, y * width + Math.min(width, f.left + f.width), background);
                    }
                } else if (saved != null) {
                    canvas = saved;
                }
                delays += f.delay <= 1 ? DEFAULT_DELAY : f.delay;
            }
            return frames.finish(total, total * 100.0 / delays);
        } finally {
            reader.dispose();
        }
    }

    /**
     * Walks the file's blocks without decoding them and fails when it is not a GIF or its data ends inside a
     * block (a truncated file, which javax.imageio would read partly, without complaint). A file that ends
     * between blocks, lacking only the trailer byte, is accepted as browsers accept it.
     */
    private static void checkComplete(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            byte[] header = in.readNBytes(13);
            String magic = new String(header, 0, Math.min(6, header.length), StandardCharsets.ISO_8859_1);
            if (!magic.equals("GIF87a") && !magic.equals("GIF89a")) {
                throw new MediaException(file, "not a GIF file (unrecognised data)");
            }
            if (header.length < 13) {
                throw new MediaException(file, "truncated GIF: the data ends inside the header");
            }
            int frames = 0;
            try {
                skipColourTable(in, header[10]);
                for (int block = in.read(); block != -1 && block != 0x3B; block = in.read()) {
                    if (block == 0x21) {
                        in.skipNBytes(1);
                        skipSubBlocks(in);
                    } else if (block == 0x2C) {
                        byte[] descriptor = in.readNBytes(9);
                        if (descriptor.length < 9) {
                            throw new EOFException();
                        }
                        skipColourTable(in, descriptor[8]);
                        in.skipNBytes(1);
                        skipSubBlocks(in);
                        frames++;
                    } else {
                        throw new MediaException(file, "damaged GIF: unknown block 0x" + Integer.toHexString(block)
                                + " after frame " + frames);
                    }
                }
            } catch (EOFException e) {
                throw new MediaException(file, "truncated GIF: the data ends after " + frames + " complete frames");
            }
        }
    }

    /** Skips the colour table that a packed-fields byte announces, if any. */
    private static void skipColourTable(InputStream in, byte flags) throws IOException {
        if ((flags & 0x80) != 0) {
            in.skipNBytes(3L * (2 << (flags & 7)));
        }
    }

    /** Skips data sub-blocks up to and including the empty one that ends them. */
    private static void skipSubBlocks(InputStream in) throws IOException {
        for (int n = in.read(); n != 0; n = in.read()) {
            if (n < 0) {
                throw new EOFException();
            }
            in.skipNBytes(n);
        }
    }

    /** Where a frame sits on the logical screen, how long it shows and how it is disposed of. */
    private record Placement(int left, int top, int width, int height, int delay, String disposal) {
        static Placement of(ImageReader reader, int index) throws IOException {
            Node root = reader.getImageMetadata(index).getAsTree(IMAGE_FORMAT);
            Node descriptor = child(root, "ImageDescriptor");
            Node control = child(root, "GraphicControlExtension");
            return new Placement(intAttribute(descriptor, "imageLeftPosition", 0), intAttribute(descriptor, "imageTopPosition", 0),
                    intAttribute(descriptor, "imageWidth", 0), intAttribute(descriptor, "imageHeight", 0),
                    intAttribute(control, "delayTime", 0), attribute(control, "disposalMethod", "none"));
        }
    }

    /** The global colour table's background entry, or black when there is no global table. */
    private static int backgroundColour(ImageReader reader) throws IOException {
        Node table = child(reader.getStreamMetadata().getAsTree(STREAM_FORMAT), "GlobalColorTable");
        if (table == null) {
            return 0;
        }
        int wanted = intAttribute(table, "backgroundColorIndex", 0);
        for (Node e = table.getFirstChild(); e != null; e = e.getNextSibling()) {
            if (intAttribute(e, "index", -1) == wanted) {
                return intAttribute(e, "red", 0) << 16 | intAttribute(e, "green", 0) << 8 | intAttribute(e, "blue", 0);
            }
        }
        return 0;
    }

    /**
     * Writes {@code count} frames of H×W×3 RGB bytes as a GIF that loops forever. Frame i shows until
     * round((i + 1) · 100 / fps) hundredths of a second, so the average rate is {@code fps} as closely as
     * whole hundredths allow.
     */
    static void write(Path path, int count, IntFunction<byte[]> frame, int width, int height, double fps) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(path.toFile())) {
            writer.setOutput(out);
            writer.prepareWriteSequence(null);
            for (int i = 0; i < count; i++) {
                GifPalette palette = GifPalette.of(frame.apply(i));
                BufferedImage image = palette.image(width, height);
                int delay = (int) (Math.round((i + 1) * 100 / fps) - Math.round(i * 100 / fps));
                writer.writeToSequence(new IIOImage(image, null, frameMetadata(writer, image, palette, delay, i == 0)), null);
            }
            writer.endWriteSequence();
        } finally {
            writer.dispose();
        }
    }

    /** A full-screen frame with its own colour table, shown for {@code delay}; the first one sets looping. */
    private static IIOMetadata frameMetadata(ImageWriter writer, BufferedImage image, GifPalette palette, int delay,
                                             boolean first) throws IOException {
        IIOMetadata meta = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), null);
        IIOMetadataNode root = new IIOMetadataNode(IMAGE_FORMAT);
        IIOMetadataNode descriptor = new IIOMetadataNode("ImageDescriptor");
        descriptor.setAttribute("imageLeftPosition", "0");
        descriptor.setAttribute("imageTopPosition", "0");
        descriptor.setAttribute("imageWidth", Integer.toString(image.getWidth()));
        descriptor.setAttribute("imageHeight", Integer.toString(image.getHeight()));
        descriptor.setAttribute("interlaceFlag", "FALSE");
        root.appendChild(descriptor);
        IIOMetadataNode table = new IIOMetadataNode("LocalColorTable");
        int size = ((IndexColorModel) image.getColorModel()).getMapSize();
        table.setAttribute("sizeOfLocalColorTable", Integer.toString(size));
        table.setAttribute("sortFlag", "FALSE");
        for (int i = 0; i < size; i++) {
            int c = i < palette.colours.length ? palette.colours[i] : 0;
            IIOMetadataNode entry = new IIOMetadataNode("ColorTableEntry");
            entry.setAttribute("index", Integer.toString(i));
            entry.setAttribute("red", Integer.toString(c >> 16 & 0xFF));
            entry.setAttribute("green", Integer.toString(c >> 8 & 0xFF));
            entry.setAttribute("blue", Integer.toString(c & 0xFF));
            table.appendChild(entry);
        }
        root.appendChild(table);
        IIOMetadataNode control = new IIOMetadataNode("GraphicControlExtension");
        control.setAttribute("disposalMethod", "none");
        control.setAttribute("userInputFlag", "FALSE");
        control.setAttribute("transparentColorFlag", "FALSE");
        control.setAttribute("delayTime", Integer.toString(delay));
        control.setAttribute("transparentColorIndex", "0");
        root.appendChild(control);
        if (first) {
            IIOMetadataNode loop = new IIOMetadataNode("ApplicationExtension");
            loop.setAttribute("applicationID", "NETSCAPE");
            loop.setAttribute("authenticationCode", "2.0");
            loop.setUserObject(new byte[]{1, 0, 0});
            IIOMetadataNode extensions = new IIOMetadataNode("ApplicationExtensions");
            extensions.appendChild(loop);
            root.appendChild(extensions);
        }
        meta.mergeTree(IMAGE_FORMAT, root);
        return meta;
    }

    private static Node child(Node parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n.getNodeName().equals(name)) {
                return n;
            }
        }
        return null;
    }

    private static String attribute(Node node, String name, String absent) {
        Node a = node == null ? null : node.getAttributes().getNamedItem(name);
        return a == null ? absent : a.getNodeValue();
    }

    private static int intAttribute(Node node, String name, int absent) {
        String v = attribute(node, name, null);
        try {
            return v == null ? absent : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return absent;
        }
    }
}
