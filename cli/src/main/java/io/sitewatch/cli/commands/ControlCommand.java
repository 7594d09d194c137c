package io.sitewatch.cli.commands;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sitewatch.appliance.signal.SignalViews.ControlView;
import io.sitewatch.cli.client.AdminClient;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;

@Command(name = "control", description = "Which operator holds which site (its primary); 'release SITE' frees one.")
public final class ControlCommand extends AdminCommand {

    @Override
    void run(AdminClient client) throws Exception {
        List<ControlView> controls = client.get("/v1/control", new TypeReference<List<ControlView>>() {});
        if (json) {
            Printer.json(out(), controls);
            return;
        }
        List<List<String>> rows = new ArrayList<>();
        for (ControlView c : controls) {
            rows.add(List.of(c.site(), c.operator(), c.primary()));
        }
        Printer.table(out(), List.of("SITE", "PRIMARY", "SESSION"), rows);
    }
}
