package ai.unison.diffusion.wan;

import ai.unison.io.ConfigException;
import ai.unison.runtime.DType;
import ai.unison.text.UMT5EncoderModel;
import org.bytedeco.pytorch.Device;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * A Wan pipeline in the diffusers folder layout ({@code Wan-AI/Wan2.1-VACE-1.3B-diffusers}):
 * {@code transformer/}, {@code vae/}, {@code text_encoder/} (each a {@code config.json} with single or
 * sharded safetensors), {@code tokenizer/} and {@code scheduler/scheduler_config.json}. A missing
 * component is an error naming the folder, the component and the file that was expected.
 */
public final class WanModelFolder {
    private final Path root;

    private WanModelFolder(Path root) {
        this.root = root;
    }

    public static WanModelFolder of(Path root) {
        if (!Files.isDirectory(root)) {
            throw new ConfigException(root, "no such model folder");
        }
        return new WanModelFolder(root);
    }

    public Path root() {
        return root;
    }

    public WanTransformer3DModel transformer(DType dtype, Device device) {
        return WanTransformer3DModel.load(weightsComponent("transformer"), dtype, device);
    }

    public WanVACETransformer3DModel vaceTransformer(DType dtype, Device device) {
        return WanVACETransformer3DModel.load(weightsComponent("transformer"), dtype, device);
    }

    public AutoencoderKLWan vae(DType dtype, Device device) {
        return AutoencoderKLWan.load(weightsComponent("vae"), dtype, device);
    }

    public UMT5EncoderModel textEncoder(DType dtype, Device device) {
        return UMT5EncoderModel.load(weightsComponent("text_encoder"), dtype, device);
    }

    /** {@code scheduler/scheduler_config.json}. */
    public Path schedulerConfig() {
        return file("scheduler", "scheduler_config.json");
    }

    /** The {@code tokenizer/} folder (tokenizer.json or the sentencepiece files). */
    public Path tokenizer() {
        Path dir = root.resolve("tokenizer");
        if (!Files.isDirectory(dir)) {
            throw new ConfigException(root, "model folder has no 'tokenizer' component (expected " + dir + ")");
        }
        return dir;
    }

    /** {@code <root>/<name>} holding a config.json and at least one safetensors file. */
    Path weightsComponent(String name) {
        Path config = file(name, "config.json");
        Path dir = config.getParent();
        try (Stream<Path> s = Files.list(dir)) {
            if (s.noneMatch(p -> p.getFileName().toString().endsWith(".safetensors"))) {
                throw new ConfigException(root, "component '" + name + "' has a config.json but no *.safetensors"
                        + " weights in " + dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return dir;
    }

    private Path file(String component, String fileName) {
        Path f = root.resolve(component).resolve(fileName);
        if (!Files.isRegularFile(f)) {
            throw new ConfigException(root, "model folder has no '" + component + "' component (expected " + f + ")");
        }
        return f;
    }
}
