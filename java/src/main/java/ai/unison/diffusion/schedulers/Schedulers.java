package ai.unison.diffusion.schedulers;

import ai.unison.io.ConfigException;
import ai.unison.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Creates schedulers from diffusers' {@code scheduler_config.json} (dispatching on {@code _class_name})
 * or by name with per-request overrides. Unknown classes, unimplemented values and unknown fields that
 * ask for something are {@link ConfigException}s naming the file and field.
 *
 * <pre>{@code
 * Scheduler s = Schedulers.fromConfig(modelDir.resolve("scheduler"));
 * Scheduler wan = Schedulers.create("unipc", Map.of("prediction_type", "flow_prediction",
 *         "use_flow_sigmas", true, "flow_shift", 5.0));
 * }</pre>
 */
public final class Schedulers {
    private static final Map<String, Function<ConfigReader, Scheduler>> CLASSES = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        CLASSES.put("UniPCMultistepScheduler", UniPCMultistepScheduler::new);
        CLASSES.put("FlowMatchEulerDiscreteScheduler", FlowMatchEulerDiscreteScheduler::new);
        CLASSES.put("DDIMScheduler", DDIMScheduler::new);
        CLASSES.put("EulerDiscreteScheduler", EulerDiscreteScheduler::new);
        CLASSES.put("EulerAncestralDiscreteScheduler", EulerAncestralDiscreteScheduler::new);
        CLASSES.put("DPMSolverMultistepScheduler", DPMSolverMultistepScheduler::new);
        ALIASES.put("unipc", "UniPCMultistepScheduler");
        ALIASES.put("flow-euler", "FlowMatchEulerDiscreteScheduler");
        ALIASES.put("ddim", "DDIMScheduler");
        ALIASES.put("euler", "EulerDiscreteScheduler");
        ALIASES.put("euler-ancestral", "EulerAncestralDiscreteScheduler");
        ALIASES.put("dpm++2m", "DPMSolverMultistepScheduler");
    }

    private Schedulers() {
    }

    /** The implemented diffusers class names. */
    public static List<String> classNames() {
        return List.copyOf(CLASSES.keySet());
    }

    /** The short names {@link #create} also accepts, mapped to class names. */
    public static Map<String, String> aliases() {
        return Map.copyOf(ALIASES);
    }

    /** A scheduler from a {@code scheduler_config.json}, or a folder holding one. */
    public static Scheduler fromConfig(Path file) {
        return fromConfig(file, Map.of());
    }

    /** As {@link #fromConfig(Path)}, with fields replaced by {@code overrides} (e.g. {@code flow_shift}). */
    public static Scheduler fromConfig(Path file, Map<String, ?> overrides) {
        Path f = Files.isDirectory(file) ? file.resolve("scheduler_config.json") : file;
        JsonNode tree = Json.readTree(f);
        if (!tree.isObject()) {
            throw new ConfigException(f, "expected a JSON object");
        }
        ObjectNode node = ((ObjectNode) tree).deepCopy();
        if (!node.hasNonNull("_class_name")) {
            throw new ConfigException(f, "missing required field '_class_name' (which scheduler to build)");
        }
        return build(f, node.get("_class_name").asText(), node, overrides);
    }

    /**
     * A scheduler by class name or alias ({@code unipc}, {@code flow-euler}, {@code ddim}, {@code euler},
     * {@code euler-ancestral}, {@code dpm++2m}) with upstream defaults except {@code overrides}. The
     * defaults are diffusers' constructor defaults: plain {@code unipc} is UniPC on a DDPM schedule
     * with epsilon prediction; Wan's flow mode is {@link #wanUniPC} or the model's own
     * {@code scheduler_config.json} through {@link #fromConfig(Path, Map)}.
     */
    public static Scheduler create(String name, Map<String, ?> overrides) {
        String className = ALIASES.getOrDefault(name.toLowerCase(Locale.ROOT), name);
        return build(Path.of("<" + className + ">"), className, Json.MAPPER.createObjectNode(), overrides);
    }

    /** Wan2.1's sampler: UniPC in flow-matching mode with the given shift (5 for 720p, 3 for 480p). */
    public static Scheduler wanUniPC(double flowShift) {
        return create("UniPCMultistepScheduler", Map.of("prediction_type", "flow_prediction",
                "use_flow_sigmas", true, "flow_shift", flowShift));
    }

    private static Scheduler build(Path source, String className, ObjectNode node, Map<String, ?> overrides) {
        Function<ConfigReader, Scheduler> ctor = CLASSES.get(className);
        if (ctor == null) {
            throw new ConfigException(source, "unknown scheduler class '" + className + "'; implemented: "
                    + String.join(", ", CLASSES.keySet()) + " (aliases " + String.join(", ", ALIASES.keySet()) + ")");
        }
        for (Map.Entry<String, ?> e : overrides.entrySet()) {
            node.set(e.getKey(), Json.MAPPER.valueToTree(e.getValue()));
        }
        return ctor.apply(new ConfigReader(source, className, node));
    }
}
