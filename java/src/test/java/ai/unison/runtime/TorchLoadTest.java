package ai.unison.runtime;

import ai.unison.natives.UnisonCpu;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** What {@link Torch#load} does before libtorch loads: the OpenMP wait policy. */
class TorchLoadTest {
    private static boolean glueBuilt() {
        try {
            return UnisonCpu.unison_cpu_abi() == UnisonCpu.ABI;
        } catch (LinkageError e) {
            return false;
        }
    }

    @Test
    void setenvDefaultSetsAnUnsetVariableOnceAndNeverOverwrites() {
        assumeTrue(glueBuilt(), "the CPU glue is not built here");
        String name = "UNISON_TEST_SETENV_" + ProcessHandle.current().pid();
        assertEquals(1, UnisonCpu.unison_cpu_setenv_default(name, "first"), "an unset variable is set");
        assertEquals(0, UnisonCpu.unison_cpu_setenv_default(name, "second"), "a set variable is left alone");
        assertEquals(0, UnisonCpu.unison_cpu_setenv_default("PATH", "/nowhere"), "the user's environment wins");
    }

    @Test
    void thePolicyInForceIsReportedWithItsSource() {
        String policy = Torch.openMpWaitPolicy();
        String own = System.getenv(Torch.OMP_WAIT_POLICY);
        if (own != null) {
            assertEquals(own + " (from the environment)", policy);
        } else if (glueBuilt() && !policy.contains("loaded before")) {
            assertEquals("PASSIVE", policy);
        } else {
            assertFalse(policy.isBlank());
        }
    }
}
