package io.sitewatch.faults.signal;

import io.sitewatch.appliance.it.TestAppliance;
import io.sitewatch.faults.Secrets;
import java.util.Set;
import java.util.UUID;

/** Sites and operators for the signaling phases, every token and password written down in {@link Secrets}. */
final class Provision {

    private Provision() {}

    static String site(TestAppliance app, String id, String group) {
        return Secrets.issued(app.site(id, group));
    }

    /** An operator with a password of its own and a login-lifetime token. */
    static String operator(TestAppliance app, String name, Set<String> groups) {
        String password = Secrets.issued("faults-" + UUID.randomUUID());
        app.appliance.registry().addOperator(name, password, groups);
        return Secrets.issued(app.appliance.registry().issueOperatorToken(name, null).token());
    }
}
