/**
 * Spring Boot auto-configuration of request-reply.
 */
package dev.requestreply.autoconfigure;
