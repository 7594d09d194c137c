package io.sitewatch.cli.commands;

import static org.assertj.core.api.Assertions.assertThat;

import io.sitewatch.cli.FakeAdmin;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bash completion script, run by bash itself. */
class CompletionScriptTest {

    @TempDir
    Path dir;

    @Test
    void bashCompletesCommandsSubcommandsAndOptions() throws Exception {
        Path script = dir.resolve("sitewatch.bash");
        Files.writeString(script, new FakeAdmin().run("completion", "bash").out());
        assertThat(bash("bash -n " + script)).isEmpty();
        assertThat(complete(script, "sitewatch", "wa")).isEqualTo("watch");
        assertThat(complete(script, "sitewatch", "site", "ro")).isEqualTo("rotate-token");
        assertThat(complete(script, "sitewatch", "events", "--fo")).isEqualTo("--follow");
        assertThat(new FakeAdmin().run("completion", "fish").exit()).isEqualTo(2);
    }

    private String complete(Path script, String... words) throws Exception {
        // compopt only works inside a real completion; outside one it would just complain
        return bash("source " + script + "; compopt() { :; }; COMP_WORDS=(" + String.join(" ", words) + "); COMP_CWORD="
                + (words.length - 1) + "; COMP_LINE='" + String.join(" ", words) + "'; COMP_POINT=${#COMP_LINE}; "
                + "_complete_sitewatch; echo \"${COMPREPLY[*]}\"").strip();
    }

    private static String bash(String command) throws Exception {
        Process bash = new ProcessBuilder("bash", "-c", command).redirectErrorStream(true).start();
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
