package dev.requestreply.responder;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.handler.ReplyTooLargeException;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.jspecify.annotations.Nullable;

import org.springframework.core.log.LogAccessor;

/**
 * Sends the replies of one handler: values, error replies and the parts of a stream, each with
 * the headers of the wire format; a reply that cannot be sent is counted and logged, and the
 * request is still let go. A reply larger than the producer sends is not written: an error reply
 * ({@link ReplyTooLargeException}, {@code RESOURCE_EXHAUSTED}) goes in its place, or, for an
 * element of a stream, ends the stream.
 */
final class ReplySender {

	private static final LogAccessor logger = new LogAccessor(ReplySender.class);

	private final ReplyWriter writer;

	private final WireFormat wire;

	// Null when the handler's replies carry no rr_responder.
	private final byte @Nullable [] responder;

	private final ReplyHandlerStats stats;

	private final String handlerId;

	private final @Nullable IdempotencyWindow window;

	private final ReplySizeLimit limit;

	/**
	 * Create a sender that names the responder on its replies (or not, for {@code null}),
	 * remembers the replies it sent in the given window, or none, and sends none larger than the
	 * limit.
	 */
	ReplySender(ReplyWriter writer, @Nullable String responder, ReplyHandlerStats stats, String handlerId,
			@Nullable IdempotencyWindow window, ReplySizeLimit limit) {
		this(writer, WireFormat.standard(), responder, stats, handlerId, window, limit);
	}

	/**
	 * Create a sender that writes the addressing headers under the names of the given codec.
	 */
	ReplySender(ReplyWriter writer, WireFormat wire, @Nullable String responder, ReplyHandlerStats stats,
			String handlerId, @Nullable IdempotencyWindow window, ReplySizeLimit limit) {
		this.writer = writer;
		this.wire = wire;
		this.responder = (responder != null) ? responder.getBytes(StandardCharsets.UTF_8) : null;
		this.stats = stats;
		this.handlerId = handlerId;
		this.window = window;
		this.limit = limit;
	}

	/**
	 * Return the reply remembered for an earlier delivery of this request, if any.
	 */
	IdempotencyWindow.@Nullable Remembered remembered(ReplyAddress address) {
		return (this.window != null && !address.stream()) ? this.window.find(address) : null;
	}

	/**
	 * Send a remembered reply again.
	 */
	void replay(InHandRequest request, ReplyAddress address, IdempotencyWindow.Remembered remembered,
			Runnable whenSent) {
		replay(request, address, remembered, (sent) -> whenSent.run());
	}

	/**
	 * Send a remembered reply again, telling whether it was sent.
	 */
	void replay(InHandRequest request, ReplyAddress address, IdempotencyWindow.Remembered remembered,
			Consumer<Boolean> whenSent) {
		send(request, address, remembered.value(), remembered.copyHeaders(), true, false, whenSent);
	}

	/**
	 * Send one reply (a value or an error); for a stream request it is the end of the stream.
	 */
	void reply(InHandRequest request, ReplyAddress address, byte @Nullable [] value, @Nullable Throwable failure,
			Runnable whenSent) {
		reply(request, address, value, failure, (sent) -> whenSent.run());
	}

	/**
	 * Send one reply, telling whether it was sent ({@code false}: it could not be, or an error
	 * reply went in its place).
	 */
	void reply(InHandRequest request, ReplyAddress address, byte @Nullable [] value, @Nullable Throwable failure,
			Consumer<Boolean> whenSent) {
		send(request, address, value, failure, null, address.stream() ? 0L : null, whenSent);
	}

	/**
	 * Send one part of a stream: an element ({@code sequence} set) or its end ({@code end} set).
	 * @return {@code null}, or why an element was not sent (the caller ends the stream with it)
	 */
	@Nullable ReplyTooLargeException send(InHandRequest request, ReplyAddress address, byte @Nullable [] value,
			@Nullable Throwable failure, @Nullable Long sequence, @Nullable Long end, Runnable whenSent) {
		return send(request, address, value, failure, sequence, end, (sent) -> whenSent.run());
	}

	private @Nullable ReplyTooLargeException send(InHandRequest request, ReplyAddress address,
			byte @Nullable [] value, @Nullable Throwable failure, @Nullable Long sequence, @Nullable Long end,
			Consumer<Boolean> whenSent) {
		RecordHeaders headers = headers(address, failure, sequence, end);
		if (address.context() != null) {
			address.context().copyReplyHeadersTo(headers, this.wire);
		}
		byte[] sent = value;
		long size = ReplySizeLimit.sizeOf(key(address), value, headers);
		if (this.limit.exceeded(size)) {
			ReplyTooLargeException tooLarge = new ReplyTooLargeException("The " + ((sequence != null) ? "element"
					: "reply") + " was " + size + " bytes, more than the responder's producer sends ("
					+ this.limit.maxBytes() + " bytes: max.request.size, less " + ReplySizeLimit.HEADROOM
					+ " for headers added on sending); it was not sent");
			this.stats.record(ReplyHandlerStats.Event.REPLY_FAILED);
			logger.warn(() -> "Handler " + this.handlerId + ": " + tooLarge.getMessage() + " (to topic '"
					+ address.topic() + "'); answering " + ErrorCodeMapping.codeOf(tooLarge) + " instead");
			if (sequence != null) {
				whenSent.accept(false);
				return tooLarge;
			}
			// Without the handler's own reply headers, which may be what is too large.
			headers = headers(address, tooLarge, null, end);
			sent = null;
		}
		send(request, address, sent, headers, sequence == null, this.window != null && !address.stream(), whenSent);
		return null;
	}

	private RecordHeaders headers(ReplyAddress address, @Nullable Throwable failure, @Nullable Long sequence,
			@Nullable Long end) {
		return this.wire.replyHeaders(address.request(), this.responder, failure,
				(failure != null) ? ErrorCodeMapping.codeOf(failure) : null, sequence, end);
	}

	// Stream parts share a key so that they land on one partition, in order.
	private static byte @Nullable [] key(ReplyAddress address) {
		return (address.key() != null || !address.stream()) ? address.key() : address.request().correlationId();
	}

	/**
	 * The request ended without its last reply.
	 */
	void discard(InHandRequest request) {
		this.writer.discard(request);
	}

	private void send(InHandRequest request, ReplyAddress address, byte @Nullable [] value, RecordHeaders headers,
			boolean last, boolean remember, Consumer<Boolean> whenSent) {
		if (remember && this.window != null) {
			// Remembered before it is sent, so that a redelivery right behind this request finds it;
			// taken before sending, as an observing template adds trace headers to the record.
			this.window.remember(address, value, headers.toArray());
		}
		ProducerRecord<byte[], byte[]> reply = new ProducerRecord<>(address.topic(),
				address.request().replyPartition(), key(address), value, headers);
		try {
			this.writer.write(request, reply, last).whenComplete((result, ex) -> {
				if (ex != null) {
					failed(address, ex, remember);
				}
				whenSent.accept(ex == null);
			});
		}
		catch (RuntimeException ex) {
			failed(address, ex, remember);
			whenSent.accept(false);
		}
	}

	private void failed(ReplyAddress address, Throwable ex, boolean remembered) {
		if (remembered && this.window != null) {
			this.window.forget(address);
		}
		this.stats.record(ReplyHandlerStats.Event.REPLY_FAILED);
		logger.warn(ex, () -> "Handler " + this.handlerId + " could not send its reply to topic '" + address.topic()
				+ "'");
	}

}
