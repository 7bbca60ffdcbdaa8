/**
 * Conversion of request and reply payloads to and from record bytes.
 */
package dev.requestreply.convert;
