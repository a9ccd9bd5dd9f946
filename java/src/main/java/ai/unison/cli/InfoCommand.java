package ai.unison.cli;

import ai.unison.runtime.Devices;
import ai.unison.runtime.Threads;
import ai.unison.runtime.Torch;
import ai.unison.io.ModelIndex;
import org.bytedeco.pytorch.global.torch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show libtorch version, device, threads, dtype support and the models found.")
final class InfoCommand implements Callable<Integer> {
    @Option(names = "--models", description = "models folder (default: models/ of the Unison-J checkout)")
    Path models = Home.models();

    @Override
    public Integer call() {
        Torch.load();
        System.out.println("unison-j      " + new VersionProvider().getVersion()[0]);
        System.out.println("libtorch      " + Torch.libtorchVersion() + " (JavaCPP presets " + Torch.presetsVersion() + ")");
        System.out.println("java          " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")");
        boolean cuda = Devices.cudaAvailable();
        System.out.println("devices       cpu" + (cuda ? ", cuda (" + torch.cuda_device_count() + " GPU)" : " (no CUDA device)"));
        System.out.println("default       " + (cuda ? "cuda:0" : "cpu"));
        System.out.println("threads       " + Threads.get() + " intra-op, " + Runtime.getRuntime().availableProcessors() + " cores");
        System.out.println("openmp wait   " + Torch.openMpWaitPolicy());
        System.out.println("dtypes        " + DTypeProbe.describe(cuda));
        System.out.println("models        " + models.toAbsolutePath().normalize());
        var found = ModelIndex.scan(models);
        if (found.isEmpty()) {
            System.out.println("              (none found)");
        }
        for (var m : found) {
            System.out.println("  " + m.describe());
        }
        return 0;
    }
}
