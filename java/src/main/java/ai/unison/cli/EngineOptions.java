package ai.unison.cli;

import ai.unison.Unison;
import ai.unison.api.Options;
import java.nio.file.Path;
import java.util.function.BiFunction;
import picocli.CommandLine.Option;

/** Where the engine's models are and where they run: {@code --models}, {@code --device}; shared by run, batch and eval. */
final class EngineOptions {
    @Option(names = "--models", paramLabel = "DIR", description = "models folder (default: models/ of the Unison-J checkout)")
    Path models = Home.models();

    @Option(names = "--device", description = "auto, cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device = "auto";

    /** Opens the engine on these models and device. */
    Unison open(BiFunction<Path, Options, Unison> opener) {
        return opener.apply(models, Options.builder().device(device).build());
    }
}
