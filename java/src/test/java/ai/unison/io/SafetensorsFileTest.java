package ai.unison.io;

import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SafetensorsFileTest {
    @TempDir
    Path tmp;

    /** Writes a raw safetensors file: 8-byte length, header text, data bytes. */
    private Path raw(String header, int dataBytes) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(h.length).put(h);
        Path f = Files.createTempFile(tmp, "t", ".safetensors");
        Files.write(f, b.array());
        return f;
    }

    private static String error(Path f) {
        return assertThrows(SafetensorsException.class, () -> SafetensorsFile.open(f).close()).getMessage();
    }

    @Test
    void roundTripsEveryDtypeBitExactly() {
        Path f = tmp.resolve("all.safetensors");
        try (NativeScope s = NativeScope.open()) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            Tensor base = Torch.fromFloats(new float[]{1.5f, -2.25f, 3f, 0f, 7f, -1f}, 2, 3);
            for (SafeDType d : SafeDType.values()) {
                tensors.put("t_" + d, base.to(d.scalarType()));
            }
            SafetensorsWriter.write(f, tensors, Map.of("format", "pt"));
            try (SafetensorsFile in = SafetensorsFile.open(f)) {
                assertEquals(Map.of("format", "pt"), in.metadata());
                for (SafeDType d : SafeDType.values()) {
                    TensorInfo info = in.info("t_" + d);
                    assertEquals(d, info.dtype());
                    assertArrayEquals(new long[]{2, 3}, info.shape());
                    assertArrayEquals(Torch.toBytes(tensors.get("t_" + d)), Torch.toBytes(in.tensor("t_" + d)));
                    assertArrayEquals(Torch.toBytes(tensors.get("t_" + d)), Torch.toBytes(in.copy("t_" + d)));
                }
            }
        }
    }

    @Test
    void wrapsAlignedDataWithoutCopyingAndCopiesMisaligned() throws IOException {
        // header of 8+N bytes where the data start is aligned to 4 for the first tensor
        String aligned = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}";
        while ((8 + aligned.length()) % 8 != 0) {
            aligned += " ";
        }
        Path f = raw(aligned, 8);
        try (SafetensorsFile in = SafetensorsFile.open(f)) {
            assertTrue(in.isZeroCopy("a"));
            assertArrayEquals(new float[]{0f, 0f}, Torch.toFloats(in.tensor("a")));
        }
        String odd = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        while ((8 + odd.length()) % 4 != 1) {
            odd += " ";
        }
        Path g = raw(odd, 4);
        try (SafetensorsFile in = SafetensorsFile.open(g)) {
            assertFalse(in.isZeroCopy("a"));
            assertArrayEquals(new float[]{0f}, Torch.toFloats(in.tensor("a")));
        }
    }

    @Test
    void rejectsFileShorterThanLengthField() throws IOException {
        Path f = tmp.resolve("short.safetensors");
        Files.write(f, new byte[]{1, 2, 3});
        String msg = error(f);
        assertTrue(msg.contains("short.safetensors") && msg.contains("3 bytes"), msg);
    }

    @Test
    void rejectsHeaderLongerThanFile() throws IOException {
        Path f = tmp.resolve("long.safetensors");
        Files.write(f, ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).array());
        String msg = error(f);
        assertTrue(msg.contains("header length 1000") && msg.contains("beyond the file"), msg);
    }

    @Test
    void rejectsInvalidJson() throws IOException {
        String msg = error(raw("{\"a\": [1,", 0));
        assertTrue(msg.contains("not valid JSON"), msg);
    }

    @Test
    void rejectsOffsetsBeyondData() throws IOException {
        String msg = error(raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8));
        assertTrue(msg.contains("'w'") && msg.contains("end 16") && msg.contains("8 bytes"), msg);
    }

    @Test
    void rejectsOverlappingTensors() throws IOException {
        String msg = error(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", 12));
        assertTrue(msg.contains("'a'") && msg.contains("'b'") && msg.contains("overlap"), msg);
    }

    @Test
    void rejectsByteLengthThatDoesNotMatchShape() throws IOException {
        String msg = error(raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", 8));
        assertTrue(msg.contains("'a'") && msg.contains("byte length 8") && msg.contains("= 12"), msg);
    }

    @Test
    void rejectsUnknownDtype() throws IOException {
        String msg = error(raw("{\"a\":{\"dtype\":\"F4\",\"shape\":[2],\"data_offsets\":[0,1]}}", 1));
        assertTrue(msg.contains("'a'") && msg.contains("dtype 'F4'"), msg);
    }

    @Test
    void rejectsEntryWithoutDtype() throws IOException {
        String msg = error(raw("{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8));
        assertTrue(msg.contains("'a'") && msg.contains("'dtype'"), msg);
    }

    @Test
    void namesMissingTensorAndFile() throws IOException {
        Path f = raw("{\"a\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}", 1);
        try (SafetensorsFile in = SafetensorsFile.open(f)) {
            String msg = assertThrows(SafetensorsException.class, () -> in.tensor("missing.weight")).getMessage();
            assertTrue(msg.contains("missing.weight") && msg.contains(f.getFileName().toString()), msg);
        }
    }

    @Test
    void writerPadsHeaderToEightBytes() throws IOException {
        Path f = tmp.resolve("pad.safetensors");
        try (NativeScope s = NativeScope.open()) {
            SafetensorsWriter.write(f, Map.of("x", Torch.empty(ScalarType.Float, 3)), Map.of());
        }
        long headerLen = ByteBuffer.wrap(Files.readAllBytes(f), 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLen % 8);
        assertEquals(8 + headerLen + 12, Files.size(f));
    }
}
