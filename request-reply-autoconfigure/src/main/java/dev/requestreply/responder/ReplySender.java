package dev.requestreply.responder;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.handler.ReplyHandlerStats;
import dev.requestreply.wire.WireFormat;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Sends the replies of one handler: values, error replies and the parts of a stream, each with
 * the headers of the wire format; a reply that cannot be sent is counted and logged, and the
 * request is still let go.
 */
final class ReplySender {

	private static final LogAccessor logger = new LogAccessor(ReplySender.class);

	private final KafkaTemplate<byte[], byte[]> template;

	private final byte[] responder;

	private final ReplyHandlerStats stats;

	private final String handlerId;

	private final IdempotencyWindow window;

	ReplySender(KafkaTemplate<byte[], byte[]> template, String responder, ReplyHandlerStats stats, String handlerId) {
		this(template, responder, stats, handlerId, null);
	}

	/**
	 * Create a sender that remembers the replies it sent in the given window, or none.
	 */
	ReplySender(KafkaTemplate<byte[], byte[]> template, String responder, ReplyHandlerStats stats, String handlerId,
			IdempotencyWindow window) {
		this.template = template;
		this.responder = responder.getBytes(StandardCharsets.UTF_8);
		this.stats = stats;
		this.handlerId = handlerId;
		this.window = window;
	}

	/**
	 * Return the reply remembered for an earlier delivery of this request, if any.
	 */
	IdempotencyWindow.Remembered remembered(ReplyAddress address) {
		return (this.window != null && !address.stream()) ? this.window.find(address) : null;
	}

	/**
	 * Send a remembered reply again.
	 */
	void replay(ReplyAddress address, IdempotencyWindow.Remembered remembered, Runnable whenSent) {
		send(address, remembered.value(), remembered.copyHeaders(), false, whenSent);
	}

	/**
	 * Send one reply (a value or an error); for a stream request it is the end of the stream.
	 * @return completed when the reply was sent, failed (after it was counted) when it could not be
	 */
	CompletableFuture<Void> reply(ReplyAddress address, byte[] value, Throwable failure, Runnable whenSent) {
		return send(address, value, failure, null, address.stream() ? 0L : null, whenSent);
	}

	/**
	 * Send one part of a stream: an element ({@code sequence} set) or its end ({@code end} set).
	 */
	CompletableFuture<Void> send(ReplyAddress address, byte[] value, Throwable failure, Long sequence, Long end,
			Runnable whenSent) {
		RecordHeaders headers = WireFormat.replyHeaders(address.request(), this.responder, failure,
				(failure != null) ? ErrorCodeMapping.codeOf(failure) : null, sequence, end);
		if (address.context() != null) {
			address.context().copyReplyHeadersTo(headers);
		}
		return send(address, value, headers, this.window != null && !address.stream(), whenSent);
	}

	private CompletableFuture<Void> send(ReplyAddress address, byte[] value, RecordHeaders headers, boolean remember,
			Runnable whenSent) {
		CompletableFuture<Void> sent = new CompletableFuture<>();
		if (remember) {
			// Remembered before it is sent, so that a redelivery right behind this request finds it;
			// taken before sending, as an observing template adds trace headers to the record.
			this.window.remember(address, value, headers.toArray());
		}
		// Stream parts share a key so that they land on one partition, in order.
		byte[] key = (address.key() != null || !address.stream()) ? address.key() : address.request().correlationId();
		ProducerRecord<byte[], byte[]> reply = new ProducerRecord<>(address.topic(),
				address.request().replyPartition(), key, value, headers);
		send(address, reply, remember, whenSent, sent);
		return sent;
	}

	private void send(ReplyAddress address, ProducerRecord<byte[], byte[]> reply, boolean remember,
			Runnable whenSent, CompletableFuture<Void> sent) {
		try {
			this.template.send(reply).whenComplete((result, ex) -> {
				if (ex != null) {
					failed(address, ex, remember);
				}
				whenSent.run();
				if (ex != null) {
					sent.completeExceptionally(ex);
				}
				else {
					sent.complete(null);
				}
			});
		}
		catch (RuntimeException ex) {
			failed(address, ex, remember);
			whenSent.run();
			sent.completeExceptionally(ex);
		}
	}

	private void failed(ReplyAddress address, Throwable ex, boolean remembered) {
		if (remembered) {
			this.window.forget(address);
		}
		this.stats.record(ReplyHandlerStats.Event.REPLY_FAILED);
		logger.warn(ex, () -> "Handler " + this.handlerId + " could not send its reply to topic '" + address.topic()
				+ "'");
	}

}
