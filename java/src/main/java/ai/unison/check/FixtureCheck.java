package ai.unison.check;

import java.nio.file.Path;

/** A conformance check for one kind of reference fixture (tokenizer, language model, scheduler, ...). */
public interface FixtureCheck {
    /** Short name printed in reports, e.g. {@code tokenizer} or {@code Qwen2ForCausalLM}. */
    String kind();

    /** Whether this check understands the fixture in {@code dir} (by its config or files). */
    boolean accepts(Path dir);

    /** Runs the check; failures are rows in the report, broken fixtures are exceptions. */
    CheckReport run(Path dir) throws Exception;
}
