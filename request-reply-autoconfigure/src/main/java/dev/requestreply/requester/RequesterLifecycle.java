package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.support.LoopThreads;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The Kafka side of a {@link RequesterEngine}, from its start to its stop: at start the reply
 * listener, the gate's monitors and lookups of the responders, the sender; at stop the gate closed,
 * the wait for pending replies, the failure of what is left (with its cancel records, waited for
 * up to {@link #CANCELS_AT_STOP}) and the reply listener stopped.
 */
final class RequesterLifecycle {

	/**
	 * The longest a stop waits for the cancel records of the requests it fails.
	 */
	static final Duration CANCELS_AT_STOP = Duration.ofSeconds(2);

	private static final LogAccessor logger = new LogAccessor(RequesterEngine.class);

	private final KafkaTemplate<byte[], byte[]> kafkaTemplate;

	private final ConsumerFactory<?, ByteBuffer> replyConsumerFactory;

	private final Map<String, Object> adminConfig;

	private final PayloadConverter converter;

	private final RequesterSettings settings;

	private final PendingRequests registry;

	private final RequestGate gate;

	private final CancelRecords cancels;

	private final TopicWires wires;

	RequesterLifecycle(KafkaTemplate<byte[], byte[]> kafkaTemplate, ConsumerFactory<?, ByteBuffer> replyConsumerFactory,
			Map<String, Object> adminConfig, PayloadConverter converter, RequesterSettings settings,
			PendingRequests registry, RequestGate gate, CancelRecords cancels, TopicWires wires) {
		this.kafkaTemplate = kafkaTemplate;
		this.replyConsumerFactory = replyConsumerFactory;
		this.adminConfig = adminConfig;
		this.converter = converter;
		this.settings = settings;
		this.registry = registry;
		this.gate = gate;
		this.cancels = cancels;
		this.wires = wires;
	}

	/**
	 * Prepare the reply topic, position the reply consumers at its end, open the gate and make the
	 * sender.
	 * @return what runs until {@link #stop(Running)}
	 */
	Running start() {
		String replyTopic = this.settings.replyTopic().topic();
		ReplyListener listener = new ReplyListener(this.replyConsumerFactory, this.adminConfig,
				this.settings.replyTopic(),
				new ReplyDispatcher(this.registry, this.converter, this.settings.replyErrorDetector(), this.wires),
				this.settings.replyPartitions(), LoopThreads.of(this.settings.virtualThreads()),
				() -> this.registry.failAll("Reply consumer not authorized to read reply topic '" + replyTopic + "'"));
		int partitions = listener.start();
		Duration interval = this.settings.responderCheckInterval();
		LoopThreads threads = LoopThreads.of(this.settings.virtualThreads());
		ResponderDirectory responders = (interval != null)
				? new ResponderDirectory(this.adminConfig, interval, this.settings.localResponderTopics(), threads)
				: null;
		this.gate.open(listener, new ReplyPathMonitor(listener, this.settings.replyPathTimeout()), responders,
				new ResponderHints(responders, () -> ResponderDirectory.forHints(this.adminConfig,
						ResponderHints.INTERVAL, this.settings.localResponderTopics(), threads), threads));
		RequestSender sender = new RequestSender(this.kafkaTemplate, this.registry, replyTopic,
				this.settings.observationRegistry(), this.settings.observationConvention(), listener, this.cancels,
				this.wires);
		logger.info(() -> "Request-reply ready: replies on '" + replyTopic + "' (" + partitions + " partition(s), "
				+ this.settings.replyPartitions().name().toLowerCase(Locale.ROOT) + "), instance "
				+ this.settings.instanceId());
		return new Running(listener, sender, partitions);
	}

	/**
	 * Refuse new requests, wait up to the drain timeout for the pending ones' replies, fail the
	 * rest, stop reading and wait up to {@link #CANCELS_AT_STOP} for the cancel records of those
	 * failed.
	 * @param current what {@link #start()} started
	 */
	void stop(Running current) {
		this.gate.close();
		Duration drain = this.settings.drainTimeout();
		if (!drain.isZero() && this.registry.pendingCount() > 0) {
			int waiting = this.registry.pendingCount();
			logger.info(() -> "Waiting up to " + drain.toMillis() + " ms for the replies of " + waiting
					+ " pending request(s)");
			this.registry.awaitNoPending(drain);
		}
		// Each request failed here gets its cancel records, so that responders stop working for nobody.
		int failed = this.registry.failAll("RequestReplyTemplate stopped before the reply arrived");
		current.listener().stop();
		if (failed > 0) {
			int unsent = this.cancels.awaitSent(CANCELS_AT_STOP);
			logger.info(() -> "Stopped with " + failed + " pending request(s); their futures failed and their cancel "
					+ "records were sent" + ((unsent > 0) ? " (" + unsent + " not acknowledged within "
							+ CANCELS_AT_STOP.toMillis() + " ms)" : ""));
		}
	}

	/**
	 * What runs between a start and a stop.
	 *
	 * @param listener the reply listener
	 * @param sender the sender of requests
	 * @param partitions the number of reply partitions
	 */
	record Running(ReplyListener listener, RequestSender sender, int partitions) {

	}

}
