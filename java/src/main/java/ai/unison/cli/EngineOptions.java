package ai.unison.cli;

import ai.unison.Unison;
import ai.unison.api.Options;
import ai.unison.runtime.Threads;
import java.nio.file.Path;
import java.util.function.BiFunction;
import picocli.CommandLine.Option;

/**
 * Where the engine's models are and where they run: {@code --models}, {@code --device}, {@code --threads};
 * shared by run, batch and eval.
 */
final class EngineOptions {
    @Option(names = "--models", paramLabel = "DIR", description = "models folder (default: models/ of the Unison-J checkout)")
    Path models = Home.models();

    @Option(names = "--device", description = "auto, cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device = "auto";

    @Option(names = "--threads", paramLabel = "N",
            description = "CPU intra-op threads (default: one per core; on a machine other processes also load, 1 is"
                    + " often much faster: OpenMP regions wait for every thread)")
    int threads;

    /** Opens the engine on these models and device. */
    Unison open(BiFunction<Path, Options, Unison> opener) {
        if (threads < 0) {
            throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
        }
        Threads.set(threads);
        return opener.apply(models, Options.builder().device(device).build());
    }
}
