package io.sitewatch.appliance.store;

import java.util.List;
import java.util.Optional;

public interface SiteRepository {

    /** A site and its first token, written together. */
    record Enrolment(Site site, TokenRecord token) {}

    List<Site> list();

    Optional<Site> find(String id);

    /** Adds the site and its token in one transaction; {@link StoreException.Conflict} if the id exists. */
    void add(Enrolment enrolment);

    /** Adds all sites and tokens in one transaction, or none ({@link StoreException.Conflict} names the id). */
    void addAll(List<Enrolment> enrolments);

    /** Replaces name, location, group and enabled; false if there is no such site. */
    boolean update(Site site);

    /** Removes the site and all its tokens; false if there is no such site. */
    boolean remove(String id);

    /** Removes these sites and their tokens in one transaction; returns how many existed. */
    int removeAll(List<String> ids);

    /** Deletes every token of the site and stores the new one, in one transaction. */
    boolean replaceToken(String siteId, TokenRecord token);
}
