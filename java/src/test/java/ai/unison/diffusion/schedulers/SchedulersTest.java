package ai.unison.diffusion.schedulers;

import ai.unison.TestFixtures;
import ai.unison.io.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SchedulersTest {
    @TempDir
    Path dir;

    private Path config(String json) throws IOException {
        Path f = dir.resolve("scheduler_config.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void dispatchesOnClassName() {
        try (Scheduler s = Schedulers.fromConfig(TestFixtures.dir("schedulers/dpmpp-2m"))) {
            assertInstanceOf(DPMSolverMultistepScheduler.class, s);
            assertEquals("DPMSolverMultistepScheduler", s.className());
        }
    }

    @Test
    void rejectsUnknownClassNamingItAndTheImplementedOnes() throws IOException {
        Path f = config("{\"_class_name\": \"LMSDiscreteScheduler\"}");
        ConfigException e = assertThrows(ConfigException.class, () -> Schedulers.fromConfig(f));
        assertTrue(e.getMessage().contains("LMSDiscreteScheduler"), e.getMessage());
        assertTrue(e.getMessage().contains("UniPCMultistepScheduler"), e.getMessage());
        assertTrue(e.getMessage().contains(f.toString()), e.getMessage());
    }

    @Test
    void rejectsConfigWithoutClassName() throws IOException {
        Path f = config("{\"num_train_timesteps\": 1000}");
        ConfigException e = assertThrows(ConfigException.class, () -> Schedulers.fromConfig(f));
        assertTrue(e.getMessage().contains("_class_name"), e.getMessage());
    }

    @Test
    void rejectsUnknownFieldThatAsksForSomething() throws IOException {
        Path f = config("{\"_class_name\": \"EulerDiscreteScheduler\", \"use_magic_sigmas\": true}");
        ConfigException e = assertThrows(ConfigException.class, () -> Schedulers.fromConfig(f));
        assertTrue(e.getMessage().contains("use_magic_sigmas=true"), e.getMessage());
    }

    @Test
    void ignoresUnknownFieldsThatAreNullOrFalseAndMetadata() throws IOException {
        Path f = config("{\"_class_name\": \"EulerDiscreteScheduler\", \"_diffusers_version\": \"9.9\", "
                + "\"use_magic_sigmas\": false, \"magic_terminal\": null}");
        try (Scheduler s = Schedulers.fromConfig(f)) {
            s.setTimesteps(4);
            assertEquals(4, s.timesteps().length);
        }
    }

    @Test
    void rejectsUnimplementedValuesNamingTheField() {
        Map<String, Map<String, Object>> cases = Map.of(
                "thresholding", Map.of("thresholding", true),
                "beta_schedule", Map.of("beta_schedule", "sigmoid"),
                "use_beta_sigmas", Map.of("use_beta_sigmas", true),
                "solver_p", Map.of("solver_p", "DDIMScheduler"),
                "prediction_type", Map.of("prediction_type", "x_start"),
                "solver_type", Map.of("solver_type", "bh3"));
        for (Map.Entry<String, Map<String, Object>> c : cases.entrySet()) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> Schedulers.create("unipc", c.getValue()), c.getKey());
            assertTrue(e.getMessage().contains("'" + c.getKey() + "'"), e.getMessage());
        }
        ConfigException order = assertThrows(ConfigException.class,
                () -> Schedulers.create("dpm++2m", Map.of("solver_order", 3)));
        assertTrue(order.getMessage().contains("solver_order"), order.getMessage());
        ConfigException sde = assertThrows(ConfigException.class,
                () -> Schedulers.create("dpm++2m", Map.of("algorithm_type", "sde-dpmsolver++")));
        assertTrue(sde.getMessage().contains("algorithm_type"), sde.getMessage());
        ConfigException log = assertThrows(ConfigException.class,
                () -> Schedulers.create("euler", Map.of("interpolation_type", "log_linear")));
        assertTrue(log.getMessage().contains("interpolation_type"), log.getMessage());
        ConfigException flowEps = assertThrows(ConfigException.class, () -> Schedulers.create("unipc",
                Map.of("prediction_type", "flow_prediction", "predict_x0", false)));
        assertTrue(flowEps.getMessage().contains("predict_x0"), flowEps.getMessage());
    }

    @Test
    void rejectsValuesOfTheWrongType() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> Schedulers.create("flow-euler", Map.of("shift", "five")));
        assertTrue(e.getMessage().contains("'shift'"), e.getMessage());
    }

    @Test
    void createWithOverridesMatchesWansConfig() {
        try (Scheduler fromFile = Schedulers.fromConfig(TestFixtures.dir("unipc-flow")
                .resolve("scheduler_config_unipc_shift5.json"));
             Scheduler created = Schedulers.wanUniPC(5.0)) {
            fromFile.setTimesteps(50);
            created.setTimesteps(50);
            assertArrayEquals(fromFile.timesteps(), created.timesteps());
            assertArrayEquals(fromFile.sigmas(), created.sigmas());
        }
    }

    @Test
    void overridesReplaceFieldsOfALoadedConfig() {
        Path f = TestFixtures.dir("unipc-flow").resolve("scheduler_config_unipc_shift3.json");
        Map<String, Object> shift5 = new HashMap<>();
        shift5.put("flow_shift", 5.0);
        try (Scheduler s = Schedulers.fromConfig(f, shift5); Scheduler wan5 = Schedulers.wanUniPC(5.0)) {
            s.setTimesteps(10);
            wan5.setTimesteps(10);
            assertArrayEquals(wan5.timesteps(), s.timesteps());
            assertEquals(978.0, s.timesteps()[1]);
        }
    }

    @Test
    void aliasesNameTheImplementedClasses() {
        for (Map.Entry<String, String> a : Schedulers.aliases().entrySet()) {
            try (Scheduler s = Schedulers.create(a.getKey(), Map.of())) {
                assertEquals(a.getValue(), s.className());
            }
        }
        assertEquals(6, Schedulers.classNames().size());
    }
}
