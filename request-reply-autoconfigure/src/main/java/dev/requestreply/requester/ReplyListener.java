package dev.requestreply.requester;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

import dev.requestreply.RequestReplyException;
import dev.requestreply.correlation.ReplyDispatcher;
import dev.requestreply.security.AuthorizationMonitor;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import org.springframework.core.log.LogAccessor;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.listener.BatchAcknowledgingMessageListener;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.ContainerProperties.AckMode;
import org.springframework.kafka.listener.ContainerProperties.AssignmentCommitOption;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * The reply consumer: prepares the reply topic, then reads every partition of it from its end,
 * without a consumer group (so it never commits offsets), handing each reply to a
 * {@link ReplyDispatcher}. Once {@link #start()} returned, a reply to a request sent afterwards is
 * never missed.
 *
 * @since 0.2.0
 */
public final class ReplyListener {

	private static final LogAccessor logger = new LogAccessor(ReplyListener.class);

	private final ConsumerFactory<?, ByteBuffer> consumerFactory;

	private final ReplyTopicProvisioner provisioner;

	private final ReplyDispatcher dispatcher;

	private final String topic;

	private final AuthorizationMonitor authorization;

	private volatile KafkaMessageListenerContainer<Object, ByteBuffer> container;

	/**
	 * Create a reply listener.
	 * @param consumerFactory the factory of the reply consumer; it must have no {@code group.id}
	 * and deliver values as {@link ByteBuffer}
	 * @param adminConfig the Kafka admin client configuration, to create and describe the reply
	 * topic
	 * @param settings how to prepare the reply topic
	 * @param dispatcher where replies go
	 * @param onDenied called each time the broker refuses the reply consumer (it retries
	 * meanwhile), to fail what cannot get a reply
	 */
	public ReplyListener(ConsumerFactory<?, ByteBuffer> consumerFactory, Map<String, Object> adminConfig,
			ReplyTopicSettings settings, ReplyDispatcher dispatcher, Runnable onDenied) {
		this.consumerFactory = consumerFactory;
		this.provisioner = new ReplyTopicProvisioner(adminConfig, settings);
		this.dispatcher = dispatcher;
		this.topic = settings.topic();
		this.authorization = new AuthorizationMonitor("READ and DESCRIBE on reply topic '" + this.topic + "'",
				onDenied);
	}

	/**
	 * Prepare the reply topic and start reading it from its end.
	 * @return the number of partitions read
	 * @throws dev.requestreply.RequestReplyException if the topic cannot be prepared in time
	 */
	public int start() {
		List<TopicPartitionOffset> positions = this.provisioner.positionsAtEnd();
		ContainerProperties properties = new ContainerProperties(positions.toArray(TopicPartitionOffset[]::new));
		// No consumer group: nothing is ever committed, so each poll avoids the broker's commit linger.
		properties.setAckMode(AckMode.MANUAL);
		properties.setAssignmentCommitOption(AssignmentCommitOption.NEVER);
		properties.setClientId("request-reply-" + this.topic);
		properties.setMessageListener((BatchAcknowledgingMessageListener<Object, ByteBuffer>) (records, ack) -> {
			for (ConsumerRecord<Object, ByteBuffer> record : records) {
				dispatch(record);
			}
		});
		@SuppressWarnings("unchecked")
		ConsumerFactory<Object, ByteBuffer> factory = (ConsumerFactory<Object, ByteBuffer>) this.consumerFactory;
		KafkaMessageListenerContainer<Object, ByteBuffer> started = new KafkaMessageListenerContainer<>(factory,
				properties);
		started.setBeanName("requestReplyReplyContainer");
		this.authorization.watch(started);
		started.start();
		this.container = started;
		return positions.size();
	}

	private void dispatch(ConsumerRecord<Object, ByteBuffer> record) {
		try {
			this.dispatcher.dispatch(record);
		}
		catch (RuntimeException ex) {
			logger.error(ex, () -> "Failed to dispatch reply at " + record.topic() + "-" + record.partition() + "@"
					+ record.offset());
		}
	}

	/**
	 * Return whether the reply consumer runs and the broker lets it read the reply topic.
	 * @return whether replies are read
	 */
	public boolean isReading() {
		KafkaMessageListenerContainer<?, ByteBuffer> current = this.container;
		return current != null && current.isRunning() && !this.authorization.isDenied();
	}

	/**
	 * Return why a request cannot get its reply now, or {@code null} when it can.
	 * @param action what is attempted, for the message
	 * @return the failure the request ends with, or {@code null}
	 */
	public RequestReplyException refusal(String action) {
		return this.authorization.isDenied() ? this.authorization.failure(action) : null;
	}

	/**
	 * Stop reading replies.
	 */
	public void stop() {
		KafkaMessageListenerContainer<?, ByteBuffer> current = this.container;
		if (current != null) {
			current.stop();
		}
		this.container = null;
	}

}
