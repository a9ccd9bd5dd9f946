package ai.unison.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.pytorch.Tensor;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;

/** Writes tensors as a safetensors file: header padded to 8 bytes, data in the given order, atomically. */
public final class SafetensorsWriter {
    private static final ObjectMapper JSON = new ObjectMapper();

    private SafetensorsWriter() {
    }

    /** Writes {@code tensors} in iteration order; a {@link java.util.LinkedHashMap} keeps it stable. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            Tensor t = e.getValue();
            SafeDType dtype = SafeDType.of(t.scalar_type());
            long bytes = t.numel() * dtype.size();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", dtype.name());
            var shape = entry.putArray("shape");
            for (long s : Torch.shape(t)) {
                shape.add(s);
            }
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        byte[] headerBytes = new byte[padded];
        System.arraycopy(json, 0, headerBytes, 0, json.length);
        for (int i = json.length; i < padded; i++) {
            headerBytes[i] = ' ';
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, file.getFileName().toString(), ".tmp");
            try (OutputStream out = Files.newOutputStream(tmp)) {
                out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array());
                out.write(headerBytes);
                for (Tensor t : tensors.values()) {
                    writeData(out, t);
                }
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new SafetensorsException(file, "cannot write: " + e.getMessage(), e);
        }
    }

    private static void writeData(OutputStream out, Tensor t) throws IOException {
        try (NativeScope scope = NativeScope.open()) {
            Tensor c = t.cpu().contiguous();
            long n = c.nbytes();
            BytePointer p = new BytePointer(c.data_ptr()).capacity(n);
            byte[] chunk = new byte[(int) Math.min(n, 1 << 20)];
            for (long pos = 0; pos < n; pos += chunk.length) {
                int len = (int) Math.min(chunk.length, n - pos);
                p.position(pos).get(chunk, 0, len);
                out.write(chunk, 0, len);
            }
        }
    }
}
