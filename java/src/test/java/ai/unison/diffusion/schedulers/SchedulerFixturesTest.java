package ai.unison.diffusion.schedulers;

import ai.unison.TestFixtures;
import ai.unison.check.CheckReport;
import ai.unison.check.Comparison;
import ai.unison.check.FixtureRunner;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every scheduler fixture case: timesteps, sigmas and trajectories against upstream diffusers. */
class SchedulerFixturesTest {
    static List<Path> caseDirs() throws IOException {
        try (Stream<Path> s = Files.list(TestFixtures.dir("schedulers"))) {
            return Stream.concat(s.filter(Files::isDirectory).sorted(), Stream.of(TestFixtures.dir("unipc-flow")))
                    .toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesUpstream() throws IOException {
        return caseDirs().stream().map(dir -> DynamicTest.dynamicTest(dir.getFileName().toString(), () -> {
            CheckReport r = FixtureRunner.run(dir);
            assertEquals("scheduler", r.kind());
            List<String> names = r.rows().stream().map(Comparison::name).toList();
            assertTrue(names.stream().anyMatch(n -> n.endsWith("timesteps")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith("samples (free-running)")), names.toString());
            assertTrue(names.stream().anyMatch(n -> n.endsWith("samples (step by step)")), names.toString());
            assertTrue(r.passed(), r.render());
        }));
    }

    @Test
    void flowFolderChecksEveryCase() throws Exception {
        CheckReport r = FixtureRunner.run(TestFixtures.dir("unipc-flow"));
        assertEquals(6, r.rows().stream().filter(c -> c.name().endsWith("samples (free-running)")).count(), r.render());
    }

    @Test
    void parentFolderChecksEveryCase() throws Exception {
        CheckReport r = FixtureRunner.run(TestFixtures.dir("schedulers"));
        assertEquals(8, r.rows().stream().filter(c -> c.name().endsWith("samples (free-running)")).count(), r.render());
        assertTrue(r.passed(), r.render());
    }
}
