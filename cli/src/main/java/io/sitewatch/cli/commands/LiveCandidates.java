package io.sitewatch.cli.commands;

import java.util.Iterator;

/**
 * picocli completion candidates read from the running appliance (see {@link LiveValues}). The command tree's
 * factory gives each the tree's live values.
 */
public abstract class LiveCandidates implements Iterable<String> {

    private final LiveValues live;
    private final LiveValues.Kind kind;

    LiveCandidates(LiveValues live, LiveValues.Kind kind) {
        this.live = live;
        this.kind = kind;
    }

    @Override
    public Iterator<String> iterator() {
        return live.values(kind).iterator();
    }

    public static final class SiteIds extends LiveCandidates {
        public SiteIds(LiveValues live) {
            super(live, LiveValues.Kind.SITES);
        }
    }

    public static final class OperatorNames extends LiveCandidates {
        public OperatorNames(LiveValues live) {
            super(live, LiveValues.Kind.OPERATORS);
        }
    }

    public static final class SessionIds extends LiveCandidates {
        public SessionIds(LiveValues live) {
            super(live, LiveValues.Kind.SESSIONS);
        }
    }

    public static final class RoomNames extends LiveCandidates {
        public RoomNames(LiveValues live) {
            super(live, LiveValues.Kind.ROOMS);
        }
    }
}
