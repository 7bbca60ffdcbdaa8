/**
 * The requester's engine, behind {@link dev.requestreply.requester.RequesterEngine}: pending
 * requests, their timeouts and completion, sending, the reply consumers and the matching of replies,
 * and the checks that refuse a request whose reply cannot come.
 */
@NullMarked
package dev.requestreply.requester;

import org.jspecify.annotations.NullMarked;
