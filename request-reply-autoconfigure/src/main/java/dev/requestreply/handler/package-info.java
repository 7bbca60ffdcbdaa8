/**
 * Discovery and invocation of {@link dev.requestreply.ReplyHandler @ReplyHandler} methods.
 */
package dev.requestreply.handler;
