package dev.requestreply.handler;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.BiFunction;

import dev.requestreply.ReplyContext;
import dev.requestreply.convert.PayloadConverter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jspecify.annotations.Nullable;

/**
 * Calls one {@link dev.requestreply.ReplyHandler @ReplyHandler} method for a request: reads its
 * arguments (payload, {@code @Header} parameters, {@link ReplyContext}) and adapts what it
 * returns. The invocation side of a handler, used by the responder engine
 * ({@code dev.requestreply.responder}), which decides when and on which thread it runs.
 *
 * @since 0.3.0
 */
public final class HandlerInvoker {

	private final ReplyHandlerEndpoint endpoint;

	private final PayloadConverter converter;

	private final int maxRequestBytes;

	private final HandlerArguments arguments;

	// Set for a Kotlin suspend function, or a method returning a Flow.
	private final @Nullable BiFunction<Object[], HandlerCallContext, Object> coroutines;

	/**
	 * Create the invoker of a handler method.
	 * @param endpoint the handler
	 * @param converter the converter of request payloads
	 * @param maxRequestBytes the largest request value converted; larger ones are malformed
	 * @param handlerThreads where a Kotlin {@code suspend} handler resumes, and a {@code Flow}
	 * it returns is collected: the handler's own threads
	 */
	public HandlerInvoker(ReplyHandlerEndpoint endpoint, PayloadConverter converter, int maxRequestBytes,
			Executor handlerThreads) {
		this.endpoint = endpoint;
		this.converter = converter;
		this.maxRequestBytes = maxRequestBytes;
		this.arguments = HandlerArguments.of(endpoint.method());
		this.coroutines = CoroutineHandlers.call(endpoint, handlerThreads);
	}

	/**
	 * Return the arguments of a call for a request.
	 * @param request the request record
	 * @param context the call's context
	 * @return the arguments
	 * @throws MalformedRequestException if the request has no value, a value too large, or one
	 * that does not convert, or a required header is missing or does not convert
	 */
	public Object[] arguments(ConsumerRecord<byte[], byte[]> request, ReplyContext context) {
		try {
			return this.arguments.resolve(payload(request), context);
		}
		catch (MalformedRequestException ex) {
			throw ex;
		}
		catch (RuntimeException ex) {
			MalformedRequestException malformed = new MalformedRequestException(ex.getMessage());
			malformed.initCause(ex);
			throw malformed;
		}
	}

	private @Nullable Object payload(ConsumerRecord<byte[], byte[]> request) {
		if (request.value() == null) {
			throw new MalformedRequestException("Request has no value");
		}
		if (request.value().length > this.maxRequestBytes) {
			throw new MalformedRequestException("Request of " + request.value().length
					+ " bytes is larger than request-reply.handler.max-request-size (" + this.maxRequestBytes
					+ " bytes)");
		}
		return this.converter.fromBytes(request.value(), this.endpoint.payloadType());
	}

	/**
	 * Call the method on the calling thread, with the context current on it. A returned
	 * {@code CompletionStage} (or single-value reactive type) is cancelled when the context is.
	 * A Kotlin {@code suspend} function runs as a coroutine, its result as a stage's; a
	 * {@code Flow} is a publisher.
	 * @param arguments the arguments
	 * @param context the call's context
	 * @return the result: completed with what the method returned (a {@code Stream},
	 * {@code Flow.Publisher} or multi-value reactive type as a publisher), or when its stage
	 * completes; failed with what the method threw or its stage failed with
	 */
	public CompletableFuture<Object> invoke(Object[] arguments, HandlerCallContext context) {
		return HandlerResults.invoke(this.endpoint, arguments, context, this.coroutines);
	}

	/**
	 * Return the one reply value of a result, for a request that wants one reply: the elements of
	 * a {@code Stream} or {@code Flow.Publisher} as a list (a publisher is cut when the context
	 * is cancelled), any other value as it is. A lazy {@code Stream} runs on the calling thread.
	 * @param value the result
	 * @param context the call's context
	 * @return the reply value, or failed with what producing it failed with
	 */
	public static CompletableFuture<Object> single(Object value, @Nullable ReplyContext context) {
		try {
			return HandlerResults.single(value, context);
		}
		catch (RuntimeException ex) {
			return CompletableFuture.failedFuture(ex);
		}
	}

	/**
	 * Return the failure inside a {@code CompletionException} or {@code ExecutionException}.
	 * @param failure a failure
	 * @return the innermost wrapped cause
	 */
	public static Throwable unwrap(Throwable failure) {
		return HandlerResults.unwrap(failure);
	}

}
