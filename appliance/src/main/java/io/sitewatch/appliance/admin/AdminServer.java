package io.sitewatch.appliance.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.security.SecureRandom;
import java.util.Base64;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.unixdomain.server.UnixDomainServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the admin API on a Unix domain socket in the data directory, readable and writable
 * by the service user only (0600 inside the 0700 data directory), or also by one group (0660,
 * with the directory 0750: a packaged box lets admins in group {@code sitewatch} use it without
 * sudo). Jetty sets no permissions itself, so they are set right after binding; the directory's
 * mode and the process umask close that window. With {@code admin.http-port} it also listens on
 * loopback TCP, where {@link LoopbackGuard} stands in for the file permissions.
 */
public final class AdminServer implements AutoCloseable {

    public static final String SOCKET_NAME = "admin.sock";
    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);

    public static final String TOKEN_NAME = "admin.token";

    private final Server server;
    private final Path socket;
    private final Path tokenFile;
    private final String group;
    private final ServerConnector loopback;

    /**
     * @param group    blank: owner-only; else the group whose members may use the socket too
     * @param httpPort 0: the socket only; else loopback HTTP on this port as well, guarded by {@link LoopbackGuard}
     *                 with the token in {@value #TOKEN_NAME} (created on first use)
     */
    public AdminServer(Path dataDir, String group, int httpPort, AdminApi api) throws IOException {
        this.socket = dataDir.resolve(SOCKET_NAME).toAbsolutePath();
        this.tokenFile = dataDir.resolve(TOKEN_NAME).toAbsolutePath();
        this.group = group == null ? "" : group.strip();
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("admin");
        server = new Server(threads);
        server.setStopTimeout(1_000);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        UnixDomainServerConnector connector = new UnixDomainServerConnector(server, new HttpConnectionFactory(config));
        connector.setUnixDomainPath(socket);
        server.addConnector(connector);
        if (httpPort == 0) {
            loopback = null;
            server.setHandler(api.handler());
        } else {
            loopback = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
            loopback.setHost("127.0.0.1");
            loopback.setPort(httpPort);
            server.addConnector(loopback);
            server.setHandler(new LoopbackGuard(api.handler(), loopback, httpPort, token(tokenFile)));
        }
    }

    /** The token in {@code file}, made (0600) if there is none yet; an existing file is made owner-only again. */
    private static String token(Path file) throws IOException {
        if (!Files.exists(file)) {
            byte[] secret = new byte[32];
            new SecureRandom().nextBytes(secret);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, Base64.getUrlEncoder().withoutPadding().encodeToString(secret) + "\n");
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        String token = Files.readString(file).strip();
        if (token.length() < 32) {
            throw new IOException(file + " must hold a token of at least 32 characters (delete it to get a new one)");
        }
        return token;
    }

    public void start() throws IOException {
        GroupPrincipal principal = group.isEmpty() ? null : lookUp(group);
        if (socket.toString().getBytes().length >= UnixDomainServerConnector.MAX_UNIX_DOMAIN_PATH_LENGTH) {
            throw new IOException("the admin socket path is too long for a Unix socket: " + socket
                    + " (use a shorter --data-dir)");
        }
        Files.deleteIfExists(socket); // left by a crash; the data-dir lock says nobody else is serving it
        try {
            server.start();
        } catch (Exception e) {
            throw new IOException("cannot open the admin API on " + socket + (loopback == null ? "" : " and 127.0.0.1:"
                    + loopback.getPort()) + ": " + e.getMessage(), e);
        }
        if (principal == null) {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
            LOG.info("admin API on {} (owner only)", socket);
        } else {
            try {
                Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(principal);
            } catch (IOException e) {
                throw new IOException("admin.socket-group: cannot give " + socket + " to group " + group
                        + "; the service user must be a member of it (" + e.getMessage() + ")", e);
            }
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
            LOG.info("admin API on {} (owner and group {})", socket, group);
        }
        if (loopback != null) {
            LOG.info("admin API also on http://127.0.0.1:{} (bearer token in {})", loopback.getLocalPort(), tokenFile);
        }
    }

    /** The loopback HTTP port, or 0 when there is none. */
    public int httpPort() {
        return loopback == null ? 0 : loopback.getLocalPort();
    }

    private GroupPrincipal lookUp(String name) throws IOException {
        try {
            return socket.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(name);
        } catch (UserPrincipalNotFoundException e) {
            throw new IOException("admin.socket-group: there is no group '" + name + "' on this system");
        }
    }

    public Path socket() {
        return socket;
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            LOG.warn("admin server did not stop cleanly: {}", e.toString());
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", socket, e.toString());
        }
    }
}
