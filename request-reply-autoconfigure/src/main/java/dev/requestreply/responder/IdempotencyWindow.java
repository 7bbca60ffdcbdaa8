package dev.requestreply.responder;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerIdempotency;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The replies a handler sent recently on this instance, by reply topic and correlation id, so
 * that a request delivered again is answered with the same reply instead of running the handler
 * again. Bounded in number (the oldest is forgotten first) and in time.
 */
final class IdempotencyWindow {

	private final int maxEntries;

	private final long windowNanos;

	private final LongSupplier nanoClock;

	private final Map<Key, Remembered> replies = new LinkedHashMap<>();

	/**
	 * Return the window of a handler, or {@code null} when it does not remember its replies.
	 */
	static @Nullable IdempotencyWindow of(ReplyHandlerIdempotency settings, ReplyHandlerEndpoint endpoint) {
		return (settings.allHandlers() || endpoint.idempotent())
				? new IdempotencyWindow(settings.maxEntries(), settings.window()) : null;
	}

	IdempotencyWindow(int maxEntries, Duration window) {
		this(maxEntries, window, System::nanoTime);
	}

	IdempotencyWindow(int maxEntries, Duration window, LongSupplier nanoClock) {
		Assert.isTrue(maxEntries > 0, "'maxEntries' must be positive");
		Assert.isTrue(window != null && !window.isNegative() && !window.isZero(), "'window' must be positive");
		this.maxEntries = maxEntries;
		this.windowNanos = window.toNanos();
		this.nanoClock = nanoClock;
	}

	/**
	 * Return the reply sent to an earlier delivery of this request, or {@code null}.
	 */
	synchronized @Nullable Remembered find(ReplyAddress address) {
		forgetExpired(this.nanoClock.getAsLong());
		return this.replies.get(key(address));
	}

	/**
	 * Remember the reply sent to a request.
	 */
	synchronized void remember(ReplyAddress address, byte @Nullable [] value, Header[] headers) {
		long now = this.nanoClock.getAsLong();
		forgetExpired(now);
		Key key = key(address);
		// Re-inserted at the end, so that the map stays in the order of remembering.
		this.replies.remove(key);
		this.replies.put(key, new Remembered(value, headers, now));
		if (this.replies.size() > this.maxEntries) {
			Iterator<Remembered> oldest = this.replies.values().iterator();
			oldest.next();
			oldest.remove();
		}
	}

	/**
	 * Forget the reply to a request, one that could not be sent.
	 */
	synchronized void forget(ReplyAddress address) {
		this.replies.remove(key(address));
	}

	synchronized int size() {
		return this.replies.size();
	}

	private void forgetExpired(long now) {
		Iterator<Remembered> oldest = this.replies.values().iterator();
		while (oldest.hasNext() && now - oldest.next().rememberedNanos() >= this.windowNanos) {
			oldest.remove();
		}
	}

	private static Key key(ReplyAddress address) {
		return new Key(address.topic(), ByteBuffer.wrap(address.request().correlationId()));
	}

	private record Key(String replyTopic, ByteBuffer correlationId) {

	}

	/**
	 * A reply as it was sent: its value and headers.
	 */
	record Remembered(byte @Nullable [] value, Header[] headers, long rememberedNanos) {

		RecordHeaders copyHeaders() {
			return new RecordHeaders(this.headers.clone());
		}

	}

}
