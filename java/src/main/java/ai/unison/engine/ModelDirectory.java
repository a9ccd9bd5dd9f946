package ai.unison.engine;

import ai.unison.api.Options;
import ai.unison.api.UnisonException;
import ai.unison.io.ModelIndex;
import ai.unison.route.Expert;
import ai.unison.route.Planner;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Collectors;

/**
 * Finds and loads the models an engine needs in a models folder: the planner (a folder whose
 * {@code config.json} names {@value #PLANNER_ARCHITECTURE}, required) and the generation experts
 * (diffusers folders whose {@code model_index.json} names a pipeline with a loader, optional: without
 * one, understanding still works and generation fails naming what is installed). What is missing
 * is an error that names it and lists what the folder holds.
 */
public final class ModelDirectory {
    public static final String PLANNER_ARCHITECTURE = "Qwen2_5_VLForConditionalGeneration";
    public static final String EXPERT_PIPELINE = "WanVACEPipeline";
    /** A text-only planner (our byte-level tiny planner is a Qwen2 with the signal tokens). */
    public static final String TINY_PLANNER_ARCHITECTURE = "Qwen2ForCausalLM";

    /** Loaders by architecture: the model packages register theirs here as they land. */
    private static final Map<String, BiFunction<Path, Options, Planner>> PLANNERS = Map.of(
            PLANNER_ARCHITECTURE, (dir, options) -> LmPlannerAdapter.open(dir, options.device()),
            TINY_PLANNER_ARCHITECTURE, (dir, options) -> LmPlannerAdapter.open(dir, options.device()));
    private static final Map<String, BiFunction<Path, Options, Expert>> EXPERTS = Map.of(
            EXPERT_PIPELINE, (dir, options) -> WanVaceExpert.open(dir, options.device()));

    /** The loaded models; the caller owns them until it hands them to an engine. */
    public record Loaded(Planner planner, List<Expert> experts) {}

    private ModelDirectory() {
    }

    public static Loaded load(Path models, Options options) {
        Path dir = models.toAbsolutePath().normalize();
        List<ModelIndex.Entry> found = Files.isDirectory(dir) ? ModelIndex.scan(dir) : List.of();
        ModelIndex.Entry plannerEntry = found.stream().filter(e -> e.architecture().equals(PLANNER_ARCHITECTURE))
                .findFirst().orElseGet(() -> found.stream()
                        .filter(e -> e.architecture().equals(TINY_PLANNER_ARCHITECTURE)
                                && e.dir().getFileName().toString().startsWith("planner"))
                        .findFirst().orElse(null));
        if (plannerEntry == null) {
            boolean expert = found.stream().anyMatch(e -> e.architecture().equals(EXPERT_PIPELINE));
            String needs = "the planner (a folder with config.json whose \"architectures\" names " + PLANNER_ARCHITECTURE + ")"
                    + (expert ? "" : " and a generation expert (a diffusers folder with model_index.json whose \"_class_name\" is "
                    + EXPERT_PIPELINE + ")");
            String where = Files.isDirectory(dir) ? "the models folder " + dir + " lacks " + needs + "; it holds " + describe(found)
                    : "there is no models folder at " + dir + "; it needs " + needs;
            throw new UnisonException(UnisonException.Reason.MISSING_MODEL, "cannot open the engine: " + where
                    + ". The tiny models are trained into models/ (see models/README.md); or pass --models DIR");
        }
        BiFunction<Path, Options, Planner> plannerLoader = PLANNERS.get(plannerEntry.architecture());
        if (plannerLoader == null) {
            throw new UnisonException(UnisonException.Reason.MISSING_MODEL, "found the planner "
                    + plannerEntry.dir() + " (" + plannerEntry.architecture()
                    + ") but this build has no loader for it yet");
        }
        Planner planner = plannerLoader.apply(plannerEntry.dir(), options);
        List<Expert> experts = new ArrayList<>();
        try {
            for (ModelIndex.Entry e : found) {
                BiFunction<Path, Options, Expert> loader = EXPERTS.get(e.architecture());
                if (loader != null) {
                    experts.add(loader.apply(e.dir(), options));
                }
            }
            connectProjectors(planner, experts);
        } catch (RuntimeException | Error e) {
            experts.forEach(Expert::close);
            planner.close();
            throw e;
        }
        return new Loaded(planner, experts);
    }

    /**
     * When an expert has Unison's projector, the planner sends its last hidden states with every
     * generation plan; the projector's input width must be the planner's hidden size.
     */
    private static void connectProjectors(Planner planner, List<Expert> experts) {
        for (Expert e : experts) {
            if (e instanceof WanVaceExpert w && w.pipeline().projectorInputs() > 0 && planner instanceof LmPlannerAdapter p) {
                if (p.hiddenSize() != w.pipeline().projectorInputs()) {
                    throw new UnisonException(UnisonException.Reason.MISSING_MODEL, "the projector of "
                            + w.pipeline().root() + " reads " + w.pipeline().projectorInputs()
                            + "-wide planner states, but the planner " + p.version() + " has hidden size " + p.hiddenSize());
                }
                p.emitHiddenStates(true);
            }
        }
    }

    private static String describe(List<ModelIndex.Entry> found) {
        if (found.isEmpty()) {
            return "no models";
        }
        return found.stream().map(e -> e.dir().getFileName() + "/ (" + e.architecture() + ")")
                .collect(Collectors.joining(", "));
    }
}
