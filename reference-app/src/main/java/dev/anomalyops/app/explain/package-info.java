/**
 * {@code POST /v1/explain} for the reference server, independent of the HTTP library: a JSON body in, a
 * status and a JSON body out, asynchronously, so that the server's event loop never waits for an explanation.
 */
package dev.anomalyops.app.explain;
