/**
 * The reference application: the {@code anomalyops} command line and, later, the reference inference
 * server. It only wires SDK modules together; any logic worth reusing belongs in a library module.
 */
package dev.anomalyops.app;
