package ai.unison.diffusion.schedulers;

import java.util.Arrays;

/** What the model predicts, as upstream's {@code prediction_type} names it. */
public enum PredictionType {
    /** The noise ε added to the clean sample. */
    EPSILON("epsilon"),
    /** The clean sample x0 itself. */
    SAMPLE("sample"),
    /** The velocity {@code alpha * eps - sigma * x0} (Salimans and Ho 2022). */
    V_PREDICTION("v_prediction"),
    /** The rectified-flow velocity {@code noise - x0}. */
    FLOW_PREDICTION("flow_prediction");

    private final String configName;

    PredictionType(String configName) {
        this.configName = configName;
    }

    public String configName() {
        return configName;
    }

    /** Reads {@code prediction_type}, accepting only the types the scheduler implements. */
    static PredictionType read(ConfigReader cfg, String def, PredictionType... allowed) {
        String[] names = Arrays.stream(allowed).map(PredictionType::configName).toArray(String[]::new);
        String name = cfg.choice("prediction_type", def, names);
        for (PredictionType p : allowed) {
            if (p.configName.equals(name)) {
                return p;
            }
        }
        throw new IllegalStateException(name);
    }
}
