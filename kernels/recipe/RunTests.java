import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.PrintWriter;
import java.util.Arrays;

/**
 * Runs JUnit test classes by name where there is no Maven (the GPU bundle of gpu-recipe.sh). Exits 0 when
 * at least one test ran and none failed; tests skipped by an assumption (no GPU, no kernels) are reported.
 */
public final class RunTests {
    private RunTests() {
    }

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: RunTests CLASS...   e.g. ai.unison.runtime.KernelsCudaTest");
            System.exit(2);
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(Arrays.stream(args).map(DiscoverySelectors::selectClass).toList())
                .build();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(request, listener);
        TestExecutionSummary summary = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        summary.printFailuresTo(out, 30);
        summary.printTo(out);
        boolean ok = summary.getTotalFailureCount() == 0 && summary.getTestsSucceededCount() > 0;
        System.exit(ok ? 0 : 1);
    }
}
