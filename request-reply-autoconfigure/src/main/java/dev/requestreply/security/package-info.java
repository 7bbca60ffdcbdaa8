/**
 * What request-reply does when the broker refuses one of its clients: authorization failures.
 */
package dev.requestreply.security;
