package io.sitewatch.cli.shell;

import io.sitewatch.appliance.admin.dto.AdminDto.Status;
import io.sitewatch.cli.client.AdminClient;
import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.commands.Context;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.AttributedStyle;

/**
 * The shell's prompt, e.g. {@code sitewatch[box ✓ 3/4 sites 2 ops]>}: which appliance, whether it answers, how
 * many sites are online and operators connected. Read once per command (one status request), never polled.
 */
final class Prompt {

    private final Context context;
    private final Path dataDir;
    private final Terminal terminal;
    private final boolean unicode;
    private String text;

    Prompt(Context context, Path dataDir, Terminal terminal) {
        this.context = context;
        this.dataDir = dataDir;
        this.terminal = terminal;
        this.unicode = StandardCharsets.UTF_8.equals(terminal.encoding());
    }

    String text() {
        if (text == null) {
            refresh();
        }
        return text;
    }

    void refresh() {
        AttributedStringBuilder p = new AttributedStringBuilder().append("sitewatch[");
        try (AdminClient client = context.connect(dataDir)) {
            Status s = client.get("/v1/status", Status.class);
            p.append(URI.create(s.deviceUrl()).getHost()).append(' ')
                    .append(unicode ? "✓" : "ok", AttributedStyle.DEFAULT.foreground(AttributedStyle.GREEN))
                    .append(String.format(" %d/%d sites %d ops", s.sessions().getOrDefault("site", 0), s.sites(),
                            s.sessions().getOrDefault("operator", 0)));
        } catch (AdminException e) {
            p.append(unicode ? "✗ " : "down ", AttributedStyle.DEFAULT.foreground(AttributedStyle.RED))
                    .append(e instanceof AdminException.NotRunning ? "not running"
                            : e instanceof AdminException.Denied ? "permission denied" : "no answer");
        }
        text = p.append("]> ").toAnsi(terminal);
    }
}
