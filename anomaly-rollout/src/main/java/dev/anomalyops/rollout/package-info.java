/**
 * Rolling models out safely: {@link dev.anomalyops.rollout.TrafficRouter} splits traffic between variants with
 * sticky, consistently hashed user assignment; {@link dev.anomalyops.rollout.CanaryController} moves a new model
 * version through traffic stages behind health gates and rolls it back on its own;
 * {@link dev.anomalyops.rollout.AbTest} decides whether one variant is better than another, with an honest
 * "not enough data yet".
 */
@NullMarked
package dev.anomalyops.rollout;

import org.jspecify.annotations.NullMarked;
