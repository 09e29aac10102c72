/** The {@code anomalyops} command line: one picocli command class per subcommand. */
package dev.anomalyops.app.cli;
