package io.sitewatch.appliance.http;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ResourceHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.resource.Resource;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web apps' files (the landing page, {@code /site/}, {@code /operator/}, {@code /lib/}) from the classpath,
 * served by Jetty's {@link ResourceHandler}. From the fat jar that means mounting the jar as a file system, which
 * indexes all of its ~15,000 entries: about a third of a second of a 2-core box's CPU, which {@code /signal} and
 * {@code /healthz} need not wait for (issue 11). So the handler is built by {@link #prepare} once the appliance is
 * serving, or by the first request for a file if that comes sooner; it is released when the server stops.
 */
final class WebFiles extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(WebFiles.class);

    private final String root;
    private volatile ResourceHandler files;
    /** No files at {@link #root} (an appliance built without the web module): nothing to serve, nothing to retry. */
    private volatile boolean absent;
    private ResourceFactory.Closeable resources; // guarded by this

    /** @param root the classpath directory of the files, e.g. {@code sitewatch/web/} */
    WebFiles(String root) {
        this.root = root;
    }

    /** Builds the handler now, so that the first page is served without the wait. */
    void prepare() {
        try {
            files();
        } catch (Exception e) {
            if (isRunning()) {
                LOG.warn("cannot serve the web apps from {}: {}", root, e.toString());
            }
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        ResourceHandler handler = files();
        return handler != null && handler.handle(request, response, callback);
    }

    /** The handler, built on first use; null when there are no files to serve. */
    private ResourceHandler files() throws Exception {
        ResourceHandler ready = files;
        return ready != null || absent ? ready : build();
    }

    private synchronized ResourceHandler build() throws Exception {
        if (files == null && !absent) {
            if (!isRunning()) {
                throw new IllegalStateException("the web server is not running");
            }
            resources = ResourceFactory.closeable();
            Resource base = resources.newClassLoaderResource(root);
            if (base == null) {
                absent = true;
                LOG.info("no web apps to serve: {} is not on the classpath", root);
                return null;
            }
            ResourceHandler handler = new ResourceHandler();
            handler.setBaseResource(base);
            handler.setDirAllowed(false);
            handler.setWelcomeFiles("index.html");
            handler.setEtags(true);
            // Plain modules without hashed names: always revalidate, so an upgrade is seen at once.
            handler.setCacheControl("no-cache");
            handler.setServer(getServer());
            handler.start();
            files = handler;
        }
        return files;
    }

    @Override
    protected synchronized void doStop() throws Exception {
        if (files != null) {
            files.stop();
            files = null;
        }
        if (resources != null) {
            resources.close();
            resources = null;
        }
        super.doStop();
    }
}
