/**
 * Small pieces shared by the requester and responder engines.
 */
package dev.requestreply.support;
