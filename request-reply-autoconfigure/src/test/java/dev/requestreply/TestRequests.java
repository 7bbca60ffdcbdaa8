package dev.requestreply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.correlation.PendingRequests;
import dev.requestreply.requester.ReplyTopicSettings;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * Pending requests and templates without a broker, for tests of what reads the registry.
 */
public final class TestRequests {

	private TestRequests() {
	}

	/**
	 * Register a pending request as {@link RequestReplyTemplate} does, without sending it.
	 */
	public static CompletableFuture<String> register(PendingRequests registry, String topic, Duration timeout) {
		return registry.register(topic, String.class, timeout);
	}

	/**
	 * Create a template that is never started (no broker needed) over the given registry.
	 */
	public static RequestReplyTemplate unstartedTemplate(PendingRequests registry, String replyTopic) {
		RequestReplyTemplate template = new RequestReplyTemplate(
				new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of())),
				new DefaultKafkaConsumerFactory<>(Map.of()), Map.of(), registry,
				new PayloadConverter(JsonMapper.builder().build()),
				new ReplyTopicSettings(replyTopic, false, 1, (short) -1, Duration.ofSeconds(1))) {

			@Override
			public boolean isAutoStartup() {
				return false;
			}

		};
		template.setInstanceId("unit-instance");
		return template;
	}

}
