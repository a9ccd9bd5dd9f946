package ai.unison.check;

import ai.unison.TestFixtures;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs every shared fixture whose kind is implemented, plus the safetensors round trip of all of them. */
class FixturesTest {
    static List<Path> fixtureDirs() throws IOException {
        try (Stream<Path> s = Files.walk(TestFixtures.root(), 2)) {
            return s.filter(Files::isDirectory)
                    .filter(d -> Files.isRegularFile(d.resolve("README.md")))
                    .filter(d -> !d.equals(TestFixtures.root()))
                    .sorted().toList();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyImplementedFixturePasses() throws IOException {
        return fixtureDirs().stream().map(dir -> DynamicTest.dynamicTest(
                TestFixtures.root().relativize(dir).toString(), () -> {
                    CheckReport r = FixtureRunner.run(dir);
                    System.out.print(r.render());
                    assertTrue(r.passed() || r.rows().isEmpty(), r.render());
                }));
    }
}
