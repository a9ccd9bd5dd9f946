package ai.unison.cli;

import ai.unison.runtime.Torch;
import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[]{"unison-j " + (v == null ? "dev" : v) + " (libtorch " + Torch.libtorchVersion() + ")"};
    }
}
