package dev.requestreply.responder;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

import dev.requestreply.ReplyHandler;
import dev.requestreply.handler.ReplyHandlerBeanPostProcessor;
import dev.requestreply.handler.ReplyHandlerEndpoint;

/**
 * The start of the handlers in queue mode: what they need checked (their ordering, no
 * transactions, Kafka clients and brokers with share groups), and their share groups prepared, so
 * that a misfit fails the start with one clear message rather than consumers that never get a
 * record.
 */
final class QueueModeStart {

	private QueueModeStart() {
	}

	/**
	 * Check what queue mode needs, for the handlers that run in it, and prepare their share
	 * groups.
	 * @param queued the handlers in queue mode
	 * @param settings the handlers' settings
	 * @param adminConfig the configuration of an admin client of the cluster
	 * @param transactional whether replies are sent in transactions
	 * @param shareGroupOf the share group of a handler
	 * @return the brokers' delivery limit (0 without queue handlers)
	 */
	static int prepare(List<ReplyHandlerEndpoint> queued, ResponderSettings settings, Map<String, Object> adminConfig,
			boolean transactional, Function<ReplyHandlerEndpoint, String> shareGroupOf) {
		if (queued.isEmpty()) {
			return 0;
		}
		List<String> ids = queued.stream().map(ReplyHandlerEndpoint::id).toList();
		for (ReplyHandlerEndpoint endpoint : queued) {
			if (endpoint.orderingExplicit() && endpoint.ordering() != ReplyHandler.Ordering.NONE) {
				throw new IllegalStateException(
						ReplyHandlerBeanPostProcessor.queueOrderingMessage(endpoint.id(), endpoint.ordering()));
			}
		}
		if (transactional) {
			throw new IllegalStateException("@ReplyHandler " + ids + " run(s) in queue mode, and replies are sent in "
					+ "transactions (spring.kafka.producer.transaction-id-prefix), but share groups have no "
					+ "transactional acknowledgement: a reply and its request's acknowledgement cannot commit together. "
					+ "Remove the transaction id prefix, or set queue = false / request-reply.handler.queue=false");
		}
		QueueMode.requireClients(ids, QueueModeStart.class.getClassLoader());
		try (ShareGroupSetup setup = QueueMode.setup(adminConfig)) {
			setup.requireShareGroups(ids);
			for (ReplyHandlerEndpoint endpoint : queued) {
				setup.startFrom(shareGroupOf.apply(endpoint), settings.queue().history());
				Integer concurrency = endpoint.concurrency();
				setup.checkSpread(endpoint.id(), endpoint.topics(),
						(concurrency != null) ? concurrency : settings.queue().consumers(),
						(concurrency != null) ? "@ReplyHandler concurrency" : "request-reply.handler.queue-consumers");
			}
			return setup.deliveryLimit();
		}
	}

}
