package org.tutti.server.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tutti.server.testing.ExternalTools;
import org.tutti.server.testing.ProcessRunner;
import org.tutti.server.testing.RepoFiles;
import org.tutti.server.testing.TempFiles;

/** {@code deploy/cloud-init/tutti-vm.yaml} passes cloud-init's own schema check. */
class CloudInitIT {
    private static final String FILE = "deploy/cloud-init/tutti-vm.yaml";

    @Test
    void theCloudConfigPassesCloudInitsSchema() throws Exception {
        ExternalTools.require("cloud-init", "cloud-init");
        ProcessRunner.Result check = schema(RepoFiles.resolve(FILE));
        assertEquals(0, check.exitCode(), check.output()); // the wording of "valid" differs between versions
    }

    @Test
    void theSchemaCheckFindsAFaultPlantedInACopy() throws Exception {
        ExternalTools.require("cloud-init", "cloud-init");
        Path copy = TempFiles.file("tutti-vm", ".yaml");
        String original = Files.readString(RepoFiles.resolve(FILE));
        assertTrue(original.contains("package_update: true"));
        Files.writeString(copy, original.replace("package_update: true", "package_update: yes please"));
        ProcessRunner.Result check = schema(copy);
        assertNotEquals(0, check.exitCode(), check.output());
        assertTrue(check.output().contains("package_update"), check.output());
    }

    private static ProcessRunner.Result schema(Path file) throws Exception {
        return ProcessRunner.run(RepoFiles.root(), List.of("cloud-init", "schema", "--config-file", file.toString()));
    }
}
