/**
 * Actuator support of request-reply: the {@code requestreply} endpoint and health indicator.
 */
@NullMarked
package dev.requestreply.actuate;

import org.jspecify.annotations.NullMarked;
