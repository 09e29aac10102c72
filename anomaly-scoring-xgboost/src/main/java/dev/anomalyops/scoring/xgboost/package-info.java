/**
 * The {@code xgboost4j} engine: XGBoost's native library behind the Scorer SPI. Requires glibc 2.14+, libstdc++
 * and OpenMP's {@code libgomp.so.1} (Debian: {@code apt-get install libgomp1}); scoring uses one OpenMP thread
 * per call by default, because more threads spin-wait and slow everything down on a busy machine.
 */
@NullMarked
package dev.anomalyops.scoring.xgboost;

import org.jspecify.annotations.NullMarked;
