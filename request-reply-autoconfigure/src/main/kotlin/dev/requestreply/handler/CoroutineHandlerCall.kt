package dev.requestreply.handler

import dev.requestreply.ReplyContextElement
import java.lang.reflect.InvocationTargetException
import java.util.concurrent.Executor
import java.util.function.BiFunction
import kotlin.coroutines.CoroutineContext
import kotlin.coroutines.EmptyCoroutineContext
import kotlin.coroutines.intrinsics.suspendCoroutineUninterceptedOrReturn
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.asCoroutineDispatcher
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.future.future
import kotlinx.coroutines.jdk9.asPublisher
import kotlinx.coroutines.slf4j.MDCContext
import org.springframework.core.PropagationContextElement
import org.springframework.util.ClassUtils

/**
 * Calls a handler method written in Kotlin that is a `suspend` function or returns a [Flow].
 *
 * A `suspend` function runs as a coroutine started on the calling handler thread (so that its
 * first steps run as a Java method would) and resumed on the handler's executor, never on a
 * thread of the library; the request's context is in the coroutine's context
 * ([ReplyContextElement]). What it returns is a future, cancelled (and the coroutine with it)
 * when the request is, and failed with a `CancellationException` when the coroutine cancelled
 * itself. With Micrometer's context propagation on the class path, what it captures on the
 * handler thread (the request's observation, so a tracer's span; whatever else is registered
 * with it) is restored on every thread the coroutine resumes on; with `kotlinx-coroutines-slf4j`,
 * the MDC of the call too. A [Flow] becomes a `Flow.Publisher` collected on the same executor,
 * with back-pressure: elements are collected only as fast as they are asked for.
 *
 * Created only for such a method (see `CoroutineHandlers`), so that an application without
 * Kotlin never loads it.
 */
internal class CoroutineHandlerCall(private val endpoint: ReplyHandlerEndpoint, executor: Executor) :
	BiFunction<Array<Any?>, HandlerCallContext, Any?> {

	private val dispatcher = executor.asCoroutineDispatcher()

	private val suspending = CoroutineHandlers.isSuspending(endpoint.method())

	/**
	 * Call the method: a `suspend` function returns a future of its result; what a plain one
	 * throws is thrown, wrapped in an `InvocationTargetException`.
	 */
	override fun apply(arguments: Array<Any?>, context: HandlerCallContext): Any? {
		val coroutineContext = dispatcher + ReplyContextElement(context) + propagation()
		if (!suspending) {
			return adapt(endpoint.method().invoke(endpoint.bean(), *arguments), coroutineContext)
		}
		return CoroutineScope(coroutineContext).future(start = CoroutineStart.UNDISPATCHED) {
			adapt(invokeSuspending(arguments), coroutineContext)
		}
	}

	private suspend fun invokeSuspending(arguments: Array<Any?>): Any? =
		suspendCoroutineUninterceptedOrReturn { continuation ->
			try {
				endpoint.method().invoke(endpoint.bean(), *arguments, continuation)
			}
			catch (ex: InvocationTargetException) {
				throw ex.targetException
			}
		}

	// Captured on the calling handler thread, inside the request's observation and with its MDC.
	private fun propagation(): CoroutineContext =
		(if (contextPropagation) PropagationContextElement() else EmptyCoroutineContext) +
			(if (mdc) MDCContext() else EmptyCoroutineContext)

	@Suppress("UNCHECKED_CAST")
	private fun adapt(result: Any?, context: CoroutineContext): Any? = when (result) {
		is Unit -> null
		is Flow<*> -> (result as Flow<Any>).asPublisher(context)
		else -> result
	}

	private companion object {

		val contextPropagation = ClassUtils.isPresent("io.micrometer.context.ContextSnapshotFactory",
			CoroutineHandlerCall::class.java.classLoader)

		val mdc = ClassUtils.isPresent("kotlinx.coroutines.slf4j.MDCContext", CoroutineHandlerCall::class.java.classLoader)

	}

}
