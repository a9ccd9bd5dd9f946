package ai.unison.io;

import ai.unison.runtime.Torch;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A memory-mapped safetensors file. The header is validated strictly when the file is opened.
 * {@link #tensor} wraps the mapped bytes without copying when the data is aligned for its dtype
 * and copies otherwise. Mapped tensors are read-only memory: weights are never written in place
 * (convert or {@link #copy} first). Tensors returned by {@link #tensor} borrow the mapping: keep this file open while they
 * are used. {@link #copy} always returns a tensor that owns its memory.
 */
public final class SafetensorsFile implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Larger than any real header; guards against reading gigabytes as JSON. */
    static final long MAX_HEADER_BYTES = 100L << 20;

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, TensorInfo> infos;
    private final Map<String, String> metadata;
    /** Mappings must stay reachable while tensors use them; released when the file closes. */
    private final List<MappedByteBuffer> mappings = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean closed;

    private SafetensorsFile(Path path, FileChannel channel, long dataStart, Map<String, TensorInfo> infos,
                            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.infos = infos;
        this.metadata = metadata;
    }

    public static SafetensorsFile open(Path path) {
        FileChannel ch;
        try {
            ch = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SafetensorsException(path, "cannot open: " + e.getMessage(), e);
        }
        try {
            long size = ch.size();
            if (size < 8) {
                throw new SafetensorsException(path, "file is " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, lenBuf, 0, path);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen < 0 || headerLen > size - 8) {
                throw new SafetensorsException(path, "header length " + Long.toUnsignedString(headerLen)
                        + " runs beyond the file (" + (size - 8) + " bytes after the length field)");
            }
            if (headerLen > MAX_HEADER_BYTES) {
                throw new SafetensorsException(path, "header length " + headerLen + " exceeds the limit of "
                        + MAX_HEADER_BYTES + " bytes");
            }
            ByteBuffer header = ByteBuffer.allocate((int) headerLen);
            readFully(ch, header, 8, path);
            String json = new String(header.array(), StandardCharsets.UTF_8);
            long dataLen = size - 8 - headerLen;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorInfo> infos = parseHeader(path, json, dataLen, metadata);
            return new SafetensorsFile(path, ch, 8 + headerLen, infos, Collections.unmodifiableMap(metadata));
        } catch (RuntimeException | IOException e) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // the original error is the one worth reporting
            }
            if (e instanceof SafetensorsException se) {
                throw se;
            }
            throw new SafetensorsException(path, "cannot read: " + e.getMessage(), e);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long pos, Path path) throws IOException {
        while (buf.hasRemaining()) {
            int n = ch.read(buf, pos + buf.position());
            if (n < 0) {
                throw new SafetensorsException(path, "unexpected end of file");
            }
        }
    }

    static Map<String, TensorInfo> parseHeader(Path path, String json, long dataLen, Map<String, String> metadata) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new SafetensorsException(path, "header is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(path, "header is not a JSON object");
        }
        Map<String, TensorInfo> infos = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = root.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            String name = f.getKey();
            JsonNode v = f.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) {
                    throw new SafetensorsException(path, "__metadata__ must be an object of strings");
                }
                v.fields().forEachRemaining(m -> {
                    if (!m.getValue().isTextual()) {
                        throw new SafetensorsException(path, "__metadata__." + m.getKey() + " must be a string");
                    }
                    metadata.put(m.getKey(), m.getValue().asText());
                });
                continue;
            }
            infos.put(name, parseEntry(path, name, v, dataLen));
        }
        checkOverlaps(path, infos);
        return Collections.unmodifiableMap(infos);
    }

    private static TensorInfo parseEntry(Path path, String name, JsonNode v, long dataLen) {
        if (!v.isObject()) {
            throw new SafetensorsException(path, "tensor '" + name + "': entry must be an object");
        }
        JsonNode dt = v.get("dtype");
        if (dt == null || !dt.isTextual()) {
            throw new SafetensorsException(path, "tensor '" + name + "': missing field 'dtype'");
        }
        SafeDType dtype = SafeDType.fromName(dt.asText()).orElseThrow(() -> new SafetensorsException(path,
                "tensor '" + name + "': unknown or unsupported dtype '" + dt.asText()
                        + "' (supported: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)"));
        JsonNode sh = v.get("shape");
        if (sh == null || !sh.isArray()) {
            throw new SafetensorsException(path, "tensor '" + name + "': missing field 'shape'");
        }
        long[] shape = new long[sh.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = sh.get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.asLong() < 0) {
                throw new SafetensorsException(path, "tensor '" + name + "': shape[" + i + "] = " + d
                        + " is not a non-negative integer");
            }
            shape[i] = d.asLong();
        }
        JsonNode off = v.get("data_offsets");
        if (off == null || !off.isArray() || off.size() != 2 || !off.get(0).isIntegralNumber()
                || !off.get(1).isIntegralNumber()) {
            throw new SafetensorsException(path, "tensor '" + name + "': field 'data_offsets' must be [begin, end]");
        }
        long begin = off.get(0).asLong();
        long end = off.get(1).asLong();
        if (begin < 0 || end < begin) {
            throw new SafetensorsException(path, "tensor '" + name + "': data_offsets [" + begin + ", " + end
                    + "] are not an increasing pair");
        }
        if (end > dataLen) {
            throw new SafetensorsException(path, "tensor '" + name + "': data_offsets end " + end
                    + " is beyond the data section (" + dataLen + " bytes)");
        }
        TensorInfo info = new TensorInfo(name, dtype, shape, begin, end);
        long expected;
        try {
            expected = Math.multiplyExact(info.numel(), dtype.size());
        } catch (ArithmeticException e) {
            throw new SafetensorsException(path, "tensor '" + name + "': shape overflows");
        }
        if (expected != end - begin) {
            throw new SafetensorsException(path, "tensor '" + name + "': byte length " + (end - begin)
                    + " does not match shape " + java.util.Arrays.toString(shape) + " × " + dtype + " ("
                    + dtype.size() + " bytes) = " + expected);
        }
        return info;
    }

    private static void checkOverlaps(Path path, Map<String, TensorInfo> infos) {
        List<TensorInfo> sorted = new ArrayList<>(infos.values());
        sorted.removeIf(i -> i.byteLength() == 0);
        sorted.sort(Comparator.comparingLong(TensorInfo::begin));
        for (int i = 1; i < sorted.size(); i++) {
            TensorInfo a = sorted.get(i - 1);
            TensorInfo b = sorted.get(i);
            if (b.begin() < a.end()) {
                throw new SafetensorsException(path, "tensors '" + a.name() + "' [" + a.begin() + ", " + a.end()
                        + ") and '" + b.name() + "' [" + b.begin() + ", " + b.end() + ") overlap");
            }
        }
    }

    public Path path() {
        return path;
    }

    /** Tensor names in header order. */
    public List<String> names() {
        return List.copyOf(infos.keySet());
    }

    public boolean contains(String name) {
        return infos.containsKey(name);
    }

    public Map<String, String> metadata() {
        return metadata;
    }

    public TensorInfo info(String name) {
        TensorInfo info = infos.get(name);
        if (info == null) {
            throw new SafetensorsException(path, "no tensor named '" + name + "' (the file has " + infos.size()
                    + " tensors)");
        }
        return info;
    }

    /**
     * The tensor on the CPU in its stored dtype: a zero-copy view of the mapping when aligned, else a
     * copy. Valid while this file is open.
     */
    public Tensor tensor(String name) {
        TensorInfo info = info(name);
        BytePointer data = map(info);
        if (data.address() % info.dtype().size() == 0) {
            return torch.from_blob(data, info.shape(), ai.unison.runtime.Torch.options(info.dtype().scalarType()));
        }
        return copyOf(info, data);
    }

    /** A tensor that owns a copy of the data (safe to use after this file is closed). */
    public Tensor copy(String name) {
        TensorInfo info = info(name);
        return copyOf(info, map(info));
    }

    /** Whether {@link #tensor} returns a zero-copy view for this tensor. */
    public boolean isZeroCopy(String name) {
        TensorInfo info = info(name);
        return (dataStart + info.begin()) % info.dtype().size() == 0;
    }

    private Tensor copyOf(TensorInfo info, BytePointer data) {
        Tensor t = Torch.empty(info.dtype().scalarType(), info.shape());
        if (info.byteLength() > 0) {
            org.bytedeco.javacpp.Pointer.memcpy(t.data_ptr(), data, info.byteLength());
        }
        return t;
    }

    private BytePointer map(TensorInfo info) {
        if (closed) {
            throw new IllegalStateException(path + " is closed");
        }
        Torch.load();
        long start = dataStart + info.begin();
        long len = info.byteLength();
        long pageStart = start - (start % 4096);
        long mapLen = len + (start - pageStart);
        if (mapLen > Integer.MAX_VALUE) {
            throw new SafetensorsException(path, "tensor '" + info.name() + "' is " + len
                    + " bytes; tensors over 2 GiB are not supported");
        }
        try {
            MappedByteBuffer buf = channel.map(FileChannel.MapMode.READ_ONLY, pageStart, Math.max(mapLen, 1));
            mappings.add(buf);
            return new BytePointer(buf).getPointer(start - pageStart);
        } catch (IOException e) {
            throw new SafetensorsException(path, "cannot map tensor '" + info.name() + "': " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        closed = true;
        mappings.clear();
        try {
            channel.close();
        } catch (IOException e) {
            throw new SafetensorsException(path, "cannot close: " + e.getMessage(), e);
        }
    }
}
