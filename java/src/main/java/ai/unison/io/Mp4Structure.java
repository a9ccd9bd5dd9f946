package ai.unison.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Checks the box structure of an MP4/MOV file before JCodec parses it: every box must fit inside its parent
 * and the file, and a 'moov' box must exist. JCodec loops without end on some truncated or damaged files
 * (a recording cut off before its 'moov' box is written is the usual case); this turns them into a clear error.
 */
final class Mp4Structure {
    /** Boxes made only of child boxes, with where their children start after the box header. */
    private static final Map<String, Integer> CONTAINERS = Map.ofEntries(
            Map.entry("moov", 0), Map.entry("trak", 0), Map.entry("mdia", 0), Map.entry("minf", 0),
            Map.entry("stbl", 0), Map.entry("dinf", 0), Map.entry("edts", 0), Map.entry("mvex", 0),
            Map.entry("stsd", 8), Map.entry("avc1", 78), Map.entry("avc3", 78));
    /** Most bytes of 'moov' read to check it. */
    private static final long MAX_MOVIE_BYTES = 256L << 20;

    private Mp4Structure() {
    }

    static void check(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        boolean movie = false;
        long pos = 0;
        while (size - pos >= 8) {
            ByteBuffer header = read(channel, pos, (int) Math.min(16, size - pos));
            long length = boxLength(header, size - pos);
            String type = type(header);
            if (length < 8 || length > size - pos) {
                throw new MediaException(file, "truncated or damaged MP4: box '" + type + "' at byte " + pos + " claims "
                        + length + " bytes, but the file has " + (size - pos) + " from there");
            }
            if (type.equals("moov")) {
                if (length > MAX_MOVIE_BYTES) {
                    throw new MediaException(file, "MP4 'moov' box of " + length + " bytes is over the " + MAX_MOVIE_BYTES + " this reader accepts");
                }
                ByteBuffer moov = read(channel, pos, (int) length);
                checkChildren(file, moov, 8, pos);
                movie = true;
            }
            pos += length;
        }
        if (!movie) {
            throw new MediaException(file, "truncated or incomplete MP4: it has no 'moov' box (a recording cut off"
                    + " before it finished lacks one)");
        }
    }

    /** Checks the children of the box in {@code box} (from its header on) that start at {@code offset}. */
    private static void checkChildren(Path file, ByteBuffer box, int offset, long at) {
        int pos = offset + CONTAINERS.get(type(box));
        while (box.limit() - pos >= 8) {
            ByteBuffer child = box.duplicate().position(pos).slice();
            long length = boxLength(child, child.limit());
            String type = type(child);
            if (length < 8 || length > child.limit()) {
                throw new MediaException(file, "damaged MP4: box '" + type + "' at byte " + (at + pos) + " claims "
                        + length + " bytes, but its parent has " + child.limit() + " left");
            }
            if (CONTAINERS.containsKey(type)) {
                checkChildren(file, child.limit((int) length).slice(), headerSize(child), at + pos);
            }
            pos += (int) length;
        }
    }

    /** A box's length from its header: 32-bit size, 64-bit when that is 1, to the end when 0. */
    private static long boxLength(ByteBuffer header, long remaining) {
        long size = header.getInt(0) & 0xFFFFFFFFL;
        if (size == 1) {
            return header.limit() >= 16 ? header.getLong(8) : -1;
        }
        return size == 0 ? remaining : size;
    }

    private static int headerSize(ByteBuffer header) {
        return (header.getInt(0) & 0xFFFFFFFFL) == 1 ? 16 : 8;
    }

    private static String type(ByteBuffer header) {
        byte[] b = new byte[4];
        header.duplicate().position(4).get(b);
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static ByteBuffer read(FileChannel channel, long pos, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        while (b.hasRemaining()) {
            if (channel.read(b, pos + b.position()) < 0) {
                break;
            }
        }
        return b.flip();
    }
}
