package dev.requestreply

import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext
import kotlinx.coroutines.ThreadContextElement
import kotlinx.coroutines.currentCoroutineContext

/**
 * The [ReplyContext] of a request as an element of a coroutine's context. The coroutine of a
 * `suspend` [ReplyHandler] carries it, and so do the coroutines it starts: on whichever thread
 * they resume, [ReplyContext.current] returns it, so that requests sent from them inherit the
 * request's deadline.
 *
 * @property replyContext the context of the request
 * @since 0.3.0
 */
class ReplyContextElement(val replyContext: ReplyContext) : ThreadContextElement<ReplyContext?>,
	AbstractCoroutineContextElement(Key) {

	/**
	 * The key of the element in a coroutine's context.
	 */
	companion object Key : CoroutineContext.Key<ReplyContextElement>

	override fun updateThreadContext(context: CoroutineContext): ReplyContext? =
		CurrentReplyContext.swap(replyContext)

	override fun restoreThreadContext(context: CoroutineContext, oldState: ReplyContext?) {
		CurrentReplyContext.swap(oldState)
	}

	override fun toString(): String = "ReplyContextElement($replyContext)"

}

/**
 * Return the [ReplyContext] of the request the calling coroutine handles: the one in its
 * context, or else the one current on its thread.
 *
 * @return the context, or `null` outside a handler
 * @since 0.3.0
 */
suspend fun currentReplyContext(): ReplyContext? =
	currentCoroutineContext()[ReplyContextElement]?.replyContext ?: CurrentReplyContext.get()
