package dev.requestreply.responder;

import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.producer.ProducerRecord;

import org.springframework.kafka.core.KafkaTemplate;

/**
 * Where a handler's replies are written: straight to the producer, or in transactions that also
 * commit the request's offset ({@link TransactionalReplies}).
 */
interface ReplyWriter {

	/**
	 * Write one reply of a request.
	 * @param request the request
	 * @param reply the reply record
	 * @param last whether it is the request's last reply (its one reply, or the end of its stream)
	 * @return completed once the reply is written (committed, with transactions)
	 */
	CompletableFuture<?> write(InHandRequest request, ProducerRecord<byte[], byte[]> reply, boolean last);

	/**
	 * The request ended before its last reply: what was written for it is dropped, if it can be.
	 * @param request the request
	 */
	default void discard(InHandRequest request) {
	}

	/**
	 * Return a writer that sends each reply as it comes, but for the last replies a handler
	 * thread holds back while it takes one queued request after the other ({@link ReplyBurst}).
	 * @param template the template to send with
	 * @return the writer
	 */
	static ReplyWriter direct(KafkaTemplate<byte[], byte[]> template) {
		return (request, reply, last) -> {
			if (!last || request == null) {
				return template.send(reply);
			}
			CompletableFuture<Object> sent = new CompletableFuture<>();
			Runnable send = () -> {
				try {
					template.send(reply).whenComplete((result, ex) -> {
						if (ex != null) {
							sent.completeExceptionally(ex);
						}
						else {
							sent.complete(result);
						}
					});
				}
				catch (RuntimeException ex) {
					sent.completeExceptionally(ex);
				}
			};
			if (!ReplyBurst.hold(send)) {
				send.run();
			}
			return sent;
		};
	}

}
