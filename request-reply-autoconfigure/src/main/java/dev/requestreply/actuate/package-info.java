/**
 * Actuator support of request-reply: the {@code requestreply} endpoint and health indicator.
 */
package dev.requestreply.actuate;
