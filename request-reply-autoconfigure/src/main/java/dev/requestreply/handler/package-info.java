/**
 * Discovery and invocation of {@link dev.requestreply.ReplyHandler @ReplyHandler} methods.
 */
@NullMarked
package dev.requestreply.handler;

import org.jspecify.annotations.NullMarked;
