/**
 * What request-reply does when the broker refuses one of its clients: authorization failures.
 */
@NullMarked
package dev.requestreply.security;

import org.jspecify.annotations.NullMarked;
