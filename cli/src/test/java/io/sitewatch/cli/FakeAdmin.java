package io.sitewatch.cli;

import io.sitewatch.cli.client.AdminException;
import io.sitewatch.cli.client.AdminTransport;
import io.sitewatch.cli.commands.Context;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import org.jline.terminal.Terminal;

/**
 * An admin API in memory: canned answers per {@code "METHOD /path"} (the query string ignored unless an answer
 * names it), a record of the requests, and event streams that stay open until the reading thread is interrupted.
 * Commands run against it through the real command tree, without sockets.
 */
public final class FakeAdmin implements AdminTransport {

    public record Call(String method, String path, String body) {}

    public record Result(int exit, String out, String err) {}

    private final Map<String, Reply> answers = new ConcurrentHashMap<>();
    private final Map<String, String> streams = new ConcurrentHashMap<>();
    public final List<Call> calls = new CopyOnWriteArrayList<>();
    /** Counted down when a stream has been opened and its canned lines read: the command is now waiting. */
    public volatile CountDownLatch streaming = new CountDownLatch(1);
    private volatile AdminException failure;
    /** When set, streams end once it opens (as when the appliance stops) instead of staying open. */
    public volatile CountDownLatch streamsEndOn;

    public FakeAdmin answer(String request, String json) {
        return answer(request, 200, json);
    }

    public FakeAdmin answer(String request, int status, String json) {
        answers.put(request, new Reply(status, json.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    /** A refusal as the appliance words it. */
    public FakeAdmin refuse(String request, int status, String message) {
        return answer(request, status, "{\"error\":\"x\",\"message\":\"" + message + "\"}");
    }

    /** JSON lines a stream at this path starts with; it then stays open until interrupted. */
    public FakeAdmin stream(String path, String... lines) {
        streams.put(path, String.join("\n", lines) + "\n");
        return this;
    }

    /** Every connection and request fails like this from now on (not running, permission denied). */
    public FakeAdmin failWith(AdminException e) {
        failure = e;
        return this;
    }

    public Context context() {
        return context(Optional::empty);
    }

    public Context context(Context.Terminals terminals) {
        return new Context(dir -> {
            if (failure != null) {
                throw failure;
            }
            return this;
        }, terminals);
    }

    /** Runs a command line as {@code sitewatch ARGS} would, with no terminal. */
    public Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        try (Context context = context()) {
            int exit = Main.commandLine(new PrintWriter(out), new PrintWriter(err), context).execute(args);
            return new Result(exit, out.toString(), err.toString());
        }
    }

    public Context contextWith(Terminal terminal) {
        return context(() -> Optional.of(terminal));
    }

    @Override
    public Reply exchange(String method, String path, byte[] json) throws AdminException {
        failIfTold();
        calls.add(new Call(method, path, json == null ? null : new String(json, StandardCharsets.UTF_8)));
        Reply reply = answers.get(method + " " + path);
        if (reply == null) {
            reply = answers.get(method + " " + path.replaceFirst("\\?.*", ""));
        }
        if (reply == null) {
            return new Reply(404, "{\"error\":\"not-found\",\"message\":\"no such endpoint: %s\"}"
                    .formatted(path).getBytes(StandardCharsets.UTF_8));
        }
        return reply;
    }

    @Override
    public InputStream open(String path) throws AdminException {
        failIfTold();
        calls.add(new Call("STREAM", path, null));
        String lines = streams.get(path.replaceFirst("\\?.*", ""));
        if (lines == null) {
            throw new AdminException("no stream at " + path);
        }
        return new InputStream() {
            private final InputStream canned = new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8));

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (canned.available() > 0) {
                    return canned.read(b, off, len);
                }
                streaming.countDown();
                CountDownLatch end = streamsEndOn;
                try {
                    (end == null ? new CountDownLatch(1) : end).await(); // open with nothing new, until it ends
                } catch (InterruptedException e) {
                    throw new InterruptedIOException();
                }
                return -1;
            }
        };
    }

    private void failIfTold() throws AdminException {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        // nothing to release
    }
}
