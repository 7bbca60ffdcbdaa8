package dev.requestreply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.requester.ReplyTopicSettings;
import dev.requestreply.requester.RequesterEngine;
import dev.requestreply.requester.RequesterSettings;
import dev.requestreply.requester.TestRegistries;
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
	public static CompletableFuture<String> register(CorrelationRegistry registry, String topic, Duration timeout) {
		return TestRegistries.register(registry, topic, timeout);
	}

	/**
	 * Create a template that is never started (no broker needed), with a registry of its own.
	 */
	public static RequestReplyTemplate unstartedTemplate(String replyTopic) {
		RequesterSettings settings = RequesterSettings
			.builder(new ReplyTopicSettings(replyTopic, false, 1, (short) -1, Duration.ofSeconds(1)))
			.autoStartup(false)
			.instanceId("unit-instance")
			.build();
		return new RequestReplyTemplate(new RequesterEngine(
				new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(Map.of())),
				new DefaultKafkaConsumerFactory<>(Map.of()), Map.of(), new PayloadConverter(JsonMapper.builder().build()),
				settings));
	}

}
