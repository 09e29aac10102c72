/**
 * Test fixtures and contract kits shared by all modules through anomaly-core's test-jar: the registry
 * contract suite, architecture rules, bundle fixtures, the location of the shared datasets and child-JVM
 * helpers.
 */
package dev.anomalyops.core.testing;
