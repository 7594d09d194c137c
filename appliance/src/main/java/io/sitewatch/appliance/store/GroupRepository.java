package io.sitewatch.appliance.store;

import java.util.List;

/** Site groups (tenants). A group is also created when a site first names it. */
public interface GroupRepository {

    List<String> list();

    /** False if it existed already. */
    boolean add(String name);

    /** False if there is no such group; {@link StoreException.Conflict} while sites belong to it. */
    boolean remove(String name);
}
