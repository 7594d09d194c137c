package io.sitewatch.cli.commands;

import picocli.CommandLine;

/** picocli's own factory, except that live completion candidates get the tree's {@link LiveValues}. */
public final class CommandFactory implements CommandLine.IFactory {

    private final Context context;

    public CommandFactory(Context context) {
        this.context = context;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
        if (LiveCandidates.class.isAssignableFrom(type)) {
            return type.getConstructor(LiveValues.class).newInstance(context.live());
        }
        return CommandLine.defaultFactory().create(type);
    }
}
