package dev.requestreply

import java.util.concurrent.CancellationException
import java.util.concurrent.CompletableFuture
import kotlinx.coroutines.awaitCancellation
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow

/**
 * One call of a suspend handler that runs until it is cancelled: when it started, what stopped
 * it, and whether its request's context was cancelled by then.
 */
class CancelledCall {

	val started = CompletableFuture<Long>()

	val stopped = CompletableFuture<Throwable>()

	@Volatile
	var stoppedAt = 0L

	@Volatile
	var contextCancelled = false

	/**
	 * Suspend until the coroutine is cancelled, and record it.
	 */
	suspend fun run(context: ReplyContext?): Nothing {
		started.complete(System.nanoTime())
		try {
			awaitCancellation()
		}
		catch (ex: CancellationException) {
			stoppedAt = System.nanoTime()
			contextCancelled = context?.isCancelled ?: false
			stopped.complete(ex)
			throw ex
		}
	}

}

/**
 * Return an endless flow of ticks, a few milliseconds apart, that completes [stopped] with what
 * cancelled its collection.
 */
fun endlessTicks(stopped: CompletableFuture<Throwable>): Flow<Long> = flow {
	var tick = 0L
	try {
		while (true) {
			emit(tick++)
			delay(10)
		}
	}
	catch (ex: CancellationException) {
		stopped.complete(ex)
		throw ex
	}
}
