package io.sitewatch.appliance.signal;

import java.util.Optional;

/** The registered sites, as the core needs them to validate {@code watch}. */
public interface SiteDirectory {

    record SiteInfo(String id, String name, String group, boolean enabled) {}

    Optional<SiteInfo> find(String siteId);
}
