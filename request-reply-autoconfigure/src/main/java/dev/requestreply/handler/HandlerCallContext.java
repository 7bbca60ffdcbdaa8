package dev.requestreply.handler;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.requestreply.ReplyContext;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;
import org.springframework.util.Assert;

/**
 * The {@link ReplyContext} of one request in hand: read from its record, cancelled when its
 * requester gives up or the request ends before the method did (marked at once, its actions run
 * after, see {@link #markCancelled()}). Created and cancelled by the responder engine
 * ({@code dev.requestreply.responder}); application code sees it as a {@link ReplyContext}.
 *
 * @since 0.3.0
 */
public final class HandlerCallContext implements ReplyContext {

	private static final LogAccessor logger = new LogAccessor(HandlerCallContext.class);

	private final ConsumerRecord<byte[], byte[]> record;

	private final RequestHeaders request;

	// Guarded by this; null once cancelled (actions registered after run at once).
	private @Nullable List<Runnable> cancelActions = new ArrayList<>();

	private volatile boolean cancelled;

	private final RecordHeaders replyHeaders = new RecordHeaders();

	/**
	 * Create the context of a request.
	 * @param record the request's record
	 * @param request its request-reply headers
	 */
	public HandlerCallContext(ConsumerRecord<byte[], byte[]> record, RequestHeaders request) {
		this.record = record;
		this.request = request;
	}

	@Override
	public byte[] correlationId() {
		return this.request.correlationId().clone();
	}

	@Override
	public Optional<Instant> deadline() {
		return (this.request.deadlineMillis() != RequestHeaders.NO_DEADLINE)
				? Optional.of(Instant.ofEpochMilli(this.request.deadlineMillis())) : Optional.empty();
	}

	@Override
	public boolean isCancelled() {
		return this.cancelled;
	}

	@Override
	public void onCancel(Runnable action) {
		Assert.notNull(action, "'action' must not be null");
		synchronized (this) {
			if (this.cancelActions != null) {
				this.cancelActions.add(action);
				return;
			}
		}
		run(action);
	}

	/**
	 * Mark the request cancelled and run the actions registered so far, on the calling thread
	 * (user code: never a consumer thread).
	 * @return whether this call cancelled it
	 */
	public boolean cancel() {
		List<Runnable> actions = takeActions();
		if (actions == null) {
			return false;
		}
		actions.forEach(HandlerCallContext::run);
		return true;
	}

	/**
	 * Mark the request cancelled at once, without running its actions: {@link #isCancelled()}
	 * is true from now on, and an action registered after runs at once, on the thread that
	 * registers it. So the engine sets the flag on its own thread, and runs the actions (user
	 * code) on a handler thread, before it interrupts the method.
	 * @return what runs the actions registered so far, in order, each failure logged; or
	 * {@code null} when there were none, or the request was cancelled before
	 * @since 0.4.0
	 */
	public @Nullable Runnable markCancelled() {
		List<Runnable> actions = takeActions();
		return (actions == null || actions.isEmpty()) ? null : () -> actions.forEach(HandlerCallContext::run);
	}

	// Marks it cancelled: the actions registered so far, or null if it was cancelled before.
	private synchronized @Nullable List<Runnable> takeActions() {
		List<Runnable> actions = this.cancelActions;
		this.cancelActions = null;
		this.cancelled = true;
		return actions;
	}

	private static void run(Runnable action) {
		try {
			action.run();
		}
		catch (RuntimeException ex) {
			logger.warn(ex, () -> "A ReplyContext.onCancel action failed");
		}
	}

	@Override
	public String topic() {
		return this.record.topic();
	}

	@Override
	public int partition() {
		return this.record.partition();
	}

	@Override
	public long offset() {
		return this.record.offset();
	}

	@Override
	public byte @Nullable [] key() {
		return this.record.key();
	}

	@Override
	public Headers headers() {
		return this.record.headers();
	}

	@Override
	public void addReplyHeader(String name, byte[] value) {
		Assert.hasText(name, "'name' must not be empty");
		synchronized (this.replyHeaders) {
			this.replyHeaders.add(name, value);
		}
	}

	/**
	 * Add the headers the handler set to a reply's headers.
	 * @param reply the headers of a reply
	 */
	public void copyReplyHeadersTo(Headers reply) {
		copyReplyHeadersTo(reply, WireFormat.standard());
	}

	/**
	 * Add the headers the handler set to a reply's headers, less those the given codec writes.
	 * @param reply the headers of a reply
	 * @param wire the codec of the handler's replies
	 * @since 0.4.0
	 */
	public void copyReplyHeadersTo(Headers reply, WireFormat wire) {
		synchronized (this.replyHeaders) {
			wire.addReplyHeaders(reply, this.replyHeaders);
		}
	}

	@Override
	public String toString() {
		return "ReplyContext[" + this.record.topic() + "-" + this.record.partition() + "@" + this.record.offset()
				+ ", cancelled=" + this.cancelled + "]";
	}

}
