package ai.unison.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The weights of one model: a single safetensors file, a folder with one, or a sharded folder with
 * a {@code *.safetensors.index.json} weight map. Tensors are looked up by their upstream names.
 */
public final class Checkpoint implements AutoCloseable {
    private final Path location;
    private final Map<String, SafetensorsFile> byName;
    private final List<SafetensorsFile> files;

    private Checkpoint(Path location, Map<String, SafetensorsFile> byName, List<SafetensorsFile> files) {
        this.location = location;
        this.byName = byName;
        this.files = files;
    }

    /** Opens a safetensors file, or a folder holding one file or an index with shards. */
    public static Checkpoint open(Path location) {
        if (Files.isRegularFile(location)) {
            SafetensorsFile f = SafetensorsFile.open(location);
            Map<String, SafetensorsFile> map = new LinkedHashMap<>();
            f.names().forEach(n -> map.put(n, f));
            return new Checkpoint(location, map, List.of(f));
        }
        if (!Files.isDirectory(location)) {
            throw new SafetensorsException(location, "no such checkpoint file or folder");
        }
        List<Path> indexes = list(location, ".safetensors.index.json");
        if (!indexes.isEmpty()) {
            return openIndex(location, indexes.get(0));
        }
        List<Path> singles = list(location, ".safetensors");
        if (singles.isEmpty()) {
            throw new SafetensorsException(location, "folder holds no *.safetensors file");
        }
        Map<String, SafetensorsFile> map = new LinkedHashMap<>();
        List<SafetensorsFile> files = new ArrayList<>();
        for (Path p : singles) {
            SafetensorsFile f = SafetensorsFile.open(p);
            files.add(f);
            for (String n : f.names()) {
                SafetensorsFile prev = map.putIfAbsent(n, f);
                if (prev != null) {
                    files.forEach(SafetensorsFile::close);
                    throw new SafetensorsException(location, "tensor '" + n + "' is in both " + prev.path().getFileName()
                            + " and " + p.getFileName());
                }
            }
        }
        return new Checkpoint(location, map, files);
    }

    private static Checkpoint openIndex(Path dir, Path index) {
        JsonNode weightMap;
        try {
            JsonNode root = new ObjectMapper().readTree(index.toFile());
            weightMap = root.get("weight_map");
        } catch (IOException e) {
            throw new SafetensorsException(index, "index is not valid JSON: " + e.getMessage(), e);
        }
        if (weightMap == null || !weightMap.isObject()) {
            throw new SafetensorsException(index, "missing field 'weight_map'");
        }
        Map<String, SafetensorsFile> shards = new LinkedHashMap<>();
        Map<String, SafetensorsFile> byName = new LinkedHashMap<>();
        try {
            var it = weightMap.fields();
            while (it.hasNext()) {
                var e = it.next();
                String shard = e.getValue().asText();
                SafetensorsFile f = shards.computeIfAbsent(shard, s -> {
                    Path p = dir.resolve(s);
                    if (!Files.isRegularFile(p)) {
                        throw new SafetensorsException(index, "weight_map names shard '" + s
                                + "' for tensor '" + e.getKey() + "', but " + p + " does not exist");
                    }
                    return SafetensorsFile.open(p);
                });
                if (!f.contains(e.getKey())) {
                    throw new SafetensorsException(f.path(), "missing tensor '" + e.getKey()
                            + "' that " + index.getFileName() + " places in this shard");
                }
                byName.put(e.getKey(), f);
            }
        } catch (RuntimeException e) {
            shards.values().forEach(SafetensorsFile::close);
            throw e;
        }
        return new Checkpoint(dir, byName, new ArrayList<>(shards.values()));
    }

    private static List<Path> list(Path dir, String suffix) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new SafetensorsException(dir, "cannot list folder: " + e.getMessage(), e);
        }
    }

    public Path location() {
        return location;
    }

    public List<String> names() {
        return List.copyOf(byName.keySet());
    }

    public boolean contains(String name) {
        return byName.containsKey(name);
    }

    public TensorInfo info(String name) {
        return file(name).info(name);
    }

    /** The tensor as stored (zero-copy where aligned); valid while this checkpoint is open. */
    public Tensor tensor(String name) {
        return file(name).tensor(name);
    }

    /** The tensor, checked against the shape the model's config implies. */
    public Tensor tensor(String name, long... expectedShape) {
        TensorInfo info = info(name);
        if (!Arrays.equals(info.shape(), expectedShape)) {
            throw new SafetensorsException(file(name).path(), "tensor '" + name + "' has shape "
                    + Arrays.toString(info.shape()) + ", the config implies " + Arrays.toString(expectedShape));
        }
        return tensor(name);
    }

    private SafetensorsFile file(String name) {
        SafetensorsFile f = byName.get(name);
        if (f == null) {
            throw new SafetensorsException(location, "missing tensor '" + name + "'");
        }
        return f;
    }

    @Override
    public void close() {
        files.forEach(SafetensorsFile::close);
    }
}
