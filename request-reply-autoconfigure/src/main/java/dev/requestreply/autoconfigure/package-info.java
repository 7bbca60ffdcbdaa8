/**
 * Spring Boot auto-configuration of request-reply.
 */
@NullMarked
package dev.requestreply.autoconfigure;

import org.jspecify.annotations.NullMarked;
