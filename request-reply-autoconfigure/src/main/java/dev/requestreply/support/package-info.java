/**
 * Small pieces shared by the requester and responder engines.
 */
@NullMarked
package dev.requestreply.support;

import org.jspecify.annotations.NullMarked;
