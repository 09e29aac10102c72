/**
 * The Alertmanager webhook receiver as a library handler: request bytes and headers in, an HTTP answer and the
 * trigger decisions out ({@link dev.anomalyops.drift.alertmanager.AlertmanagerWebhook}). A server only routes
 * {@code POST /alertmanager/webhook} to it.
 */
@NullMarked
package dev.anomalyops.drift.alertmanager;

import org.jspecify.annotations.NullMarked;
