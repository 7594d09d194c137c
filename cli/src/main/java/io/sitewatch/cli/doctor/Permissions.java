package io.sitewatch.cli.doctor;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The data directory holds password hashes and private keys. Nobody but its owner (the service user) and, when
 * {@code admin.socket-group} is set, that group may enter it; of those who may enter, only the owner may read the
 * secrets in it; everything in it belongs to the owner, or the service cannot write it.
 */
final class Permissions {

    private static final List<String> SECRETS = List.of("sitewatch.db", "sitewatch.db-wal", "sitewatch.db-shm",
            "demo.json", "tls/ca-key.pem", "tls/server.p12", "tls/server.p12.pass");
    private static final Set<PosixFilePermission> OTHERS = Set.of(PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);
    private static final Set<PosixFilePermission> GROUP_READ_WRITE = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE);

    private Permissions() {}

    static Finding check(Path dir, String socketGroup) {
        PosixFileAttributes root;
        try {
            root = attributes(dir);
        } catch (NoSuchFileException e) {
            return Finding.info("permissions", dir + " does not exist yet: sitewatch creates it at first start", null);
        } catch (IOException e) {
            return Finding.skip("permissions", "cannot look at " + dir + ": " + e.getMessage());
        }
        String owner = root.owner().getName();
        String mode = socketGroup.isEmpty() ? "0700" : "0750";
        List<String> problems = new ArrayList<>();
        String fix = null;
        Set<PosixFilePermission> perms = root.permissions();
        if (perms.stream().anyMatch(OTHERS::contains) || perms.contains(PosixFilePermission.GROUP_WRITE)) {
            problems.add(dir + " is " + PosixFilePermissions.toString(perms));
            fix = "sudo chmod " + mode + " " + dir;
        }
        boolean partial = false;
        for (String name : SECRETS) {
            try {
                PosixFileAttributes file = attributes(dir.resolve(name));
                if (!file.owner().equals(root.owner())) {
                    problems.add(name + " belongs to " + file.owner().getName() + ", not " + owner);
                    fix = fix != null ? fix : "sudo chown -R " + owner + ":" + root.group().getName() + " " + dir;
                } else if (file.permissions().stream().anyMatch(p -> exposed(p, perms))) {
                    problems.add(name + " is " + PosixFilePermissions.toString(file.permissions()));
                    fix = fix != null ? fix : "sudo chmod 0600 " + dir.resolve(name);
                }
            } catch (NoSuchFileException e) {
                // not there (yet): nothing to protect
            } catch (AccessDeniedException e) {
                partial = true;
            } catch (IOException e) {
                problems.add("cannot look at " + name + ": " + e.getMessage());
            }
        }
        problems.addAll(socket(dir.resolve("admin.sock"), socketGroup));
        if (!problems.isEmpty()) {
            return Finding.fail("permissions", String.join("; ", problems), fix != null ? fix
                    : "restart sitewatch: it sets the admin socket's permissions at start");
        }
        return Finding.ok("permissions", dir + " " + PosixFilePermissions.toString(perms) + " " + owner + ":"
                + root.group().getName() + ", secrets owner-only" + (partial ? " (tls/ not readable here: run with "
                + "sudo for a full check)" : ""));
    }

    /** A file's permission matters only for those who may enter the data directory. */
    private static boolean exposed(PosixFilePermission p, Set<PosixFilePermission> dir) {
        boolean group = p.name().startsWith("GROUP") && dir.contains(PosixFilePermission.GROUP_EXECUTE);
        boolean others = OTHERS.contains(p) && dir.contains(PosixFilePermission.OTHERS_EXECUTE);
        return group || others;
    }

    private static List<String> socket(Path socket, String socketGroup) {
        try {
            PosixFileAttributes attributes = attributes(socket);
            Set<PosixFilePermission> perms = attributes.permissions();
            if (perms.stream().anyMatch(OTHERS::contains)
                    || (socketGroup.isEmpty() && perms.stream().anyMatch(GROUP_READ_WRITE::contains))) {
                return List.of("admin.sock is " + PosixFilePermissions.toString(perms));
            }
            return List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static PosixFileAttributes attributes(Path path) throws IOException {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }
}
