package ai.unison.check;

import ai.unison.io.SafetensorsFile;
import ai.unison.io.SafetensorsWriter;
import ai.unison.io.TensorInfo;
import ai.unison.runtime.NativeScope;
import ai.unison.runtime.Torch;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Reads every safetensors file of a folder, writes it back with our writer and checks it is identical. */
final class SafetensorsRoundTrip {
    private SafetensorsRoundTrip() {
    }

    static void addRows(Path dir, CheckReport report) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
        }
        for (Path f : files) {
            report.add(roundTrip(f));
        }
    }

    static Comparison roundTrip(Path file) throws IOException {
        Path tmp = Files.createTempFile("roundtrip", ".safetensors");
        String name = "safetensors round trip " + file.getFileName();
        try (NativeScope scope = NativeScope.open(); SafetensorsFile in = SafetensorsFile.open(file)) {
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (String n : in.names()) {
                tensors.put(n, in.tensor(n));
            }
            SafetensorsWriter.write(tmp, tensors, in.metadata());
            try (SafetensorsFile back = SafetensorsFile.open(tmp)) {
                if (!back.names().equals(in.names()) || !back.metadata().equals(in.metadata())) {
                    return Comparison.exact(name, false, "names or metadata differ");
                }
                for (String n : in.names()) {
                    TensorInfo a = in.info(n);
                    TensorInfo b = back.info(n);
                    if (a.dtype() != b.dtype() || !Arrays.equals(a.shape(), b.shape())
                            || !Arrays.equals(Torch.toBytes(in.tensor(n)), Torch.toBytes(back.tensor(n)))) {
                        return Comparison.exact(name, false, "tensor '" + n + "' differs");
                    }
                }
            }
            return Comparison.exact(name, true, in.names().size() + " tensors");
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
