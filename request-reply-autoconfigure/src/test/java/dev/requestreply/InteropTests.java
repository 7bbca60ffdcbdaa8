package dev.requestreply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.interop.RequestReplyErrorChecker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.requestreply.RequestReplyFuture;
import org.springframework.messaging.handler.annotation.SendTo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Interoperability with Spring Kafka's own request-reply, both ways.
 */
class InteropTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@Test
	void whenReplyingKafkaTemplateRequestsThenReplyHandlerAnswers() throws Exception {
		withReplyingTemplate(false, (topic, replying) -> {
			RequestReplyFuture<String, String, String> future = replying
				.sendAndReceive(new ProducerRecord<>(topic, "from spring kafka"));
			ConsumerRecord<String, String> reply = future.get(30, TimeUnit.SECONDS);
			assertThat(reply.value()).isEqualTo("FROM SPRING KAFKA");
		});
	}

	@Test
	void whenReplyHandlerFailsThenReplyingKafkaTemplateWithErrorCheckerFailsWithRemoteHandlerException()
			throws Exception {
		withReplyingTemplate(true, (topic, replying) -> {
			RequestReplyFuture<String, String, String> future = replying
				.sendAndReceive(new ProducerRecord<>(topic, "fail"));
			assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(30, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RemoteHandlerException.class)
				.satisfies((ex) -> {
					RemoteHandlerException remote = (RemoteHandlerException) ex.getCause();
					assertThat(remote.getErrorType()).isEqualTo(IllegalArgumentException.class.getName());
					assertThat(remote.getRemoteMessage()).isEqualTo("cannot upper 'fail'");
				});
		});
	}

	private void withReplyingTemplate(boolean errorChecker, ReplyingCall call) throws Exception {
		String topic = TestBroker.uniqueTopic("interop-handler");
		String replyTopic = TestBroker.createTopic("interop-rkt-replies", 1);
		try (ConfigurableApplicationContext responder = apps.startAssigned(
				new Class<?>[] { ReplyHandlerApp.class }, "test.topic=" + topic,
				"spring.application.name=interop-responder")) {
			DefaultKafkaProducerFactory<String, String> producerFactory = new DefaultKafkaProducerFactory<>(
					Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
							ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
							ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
			DefaultKafkaConsumerFactory<String, String> consumerFactory = new DefaultKafkaConsumerFactory<>(
					Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
							ConsumerConfig.GROUP_ID_CONFIG, "interop-rkt-" + replyTopic,
							ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
							ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
			KafkaMessageListenerContainer<String, String> replies = new KafkaMessageListenerContainer<>(
					consumerFactory, new ContainerProperties(replyTopic));
			ReplyingKafkaTemplate<String, String, String> replying = new ReplyingKafkaTemplate<>(producerFactory,
					replies);
			replying.setDefaultReplyTimeout(Duration.ofSeconds(30));
			if (errorChecker) {
				replying.setReplyErrorChecker(responder.getBean(RequestReplyErrorChecker.class));
			}
			replying.start();
			try {
				assertThat(replying.waitForAssignment(Duration.ofSeconds(30))).isTrue();
				call.run(topic, replying);
			}
			finally {
				replying.stop();
				replying.destroy();
				producerFactory.destroy();
			}
		}
	}

	@Test
	void whenRequestReplyTemplateRequestsThenKafkaListenerWithSendToAnswers() throws Exception {
		String topic = TestBroker.uniqueTopic("interop-sendto");
		try (ConfigurableApplicationContext context = apps.start(new Class<?>[] { SendToApp.class },
				"test.topic=" + topic, "spring.application.name=interop-sendto",
				"spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.consumer.group-id=interop-sendto")) {
			RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
			assertThat(template.request(topic, "ping", String.class, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
				.isEqualTo("PONG");
			assertThat(template.getRegistry().completedCount()).isOne();
		}
	}

	@Test
	void whenKafkaListenerWithErrorHandlerThrowsThenRequestFailsWithRemoteHandlerException() {
		String topic = TestBroker.uniqueTopic("interop-sendto-error");
		try (ConfigurableApplicationContext context = apps.start(new Class<?>[] { SendToApp.class },
				"test.topic=" + topic, "spring.application.name=interop-sendto-error",
				"spring.kafka.consumer.auto-offset-reset=earliest",
				"spring.kafka.consumer.group-id=interop-sendto-error")) {
			RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
			long start = System.nanoTime();
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> template.request(topic, "fail", String.class, Duration.ofSeconds(30))
					.get(30, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RemoteHandlerException.class)
				.satisfies((ex) -> {
					RemoteHandlerException remote = (RemoteHandlerException) ex.getCause();
					assertThat(remote.getErrorType()).isEqualTo(IllegalStateException.class.getName());
					assertThat(remote.getRemoteMessage()).isEqualTo("no pong for 'fail'");
					assertThat(remote.getErrorCode()).isEqualTo(ReplyErrorCodes.INTERNAL);
				});
			assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
			assertThat(template.getRegistry().errorCount()).isOne();
		}
	}

	@FunctionalInterface
	private interface ReplyingCall {

		void run(String topic, ReplyingKafkaTemplate<String, String, String> replying) throws Exception;

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ReplyHandlerApp {

		@Bean
		Upper upper() {
			return new Upper();
		}

	}

	static class Upper {

		@ReplyHandler(topics = "${test.topic}")
		String upper(String text) {
			if (text.equals("fail")) {
				throw new IllegalArgumentException("cannot upper 'fail'");
			}
			return text.toUpperCase(java.util.Locale.ROOT);
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SendToApp {

		@Bean
		PingListener pingListener() {
			return new PingListener();
		}

	}

	static class PingListener {

		@KafkaListener(topics = "${test.topic}", errorHandler = "requestReplyListenerErrorHandler")
		@SendTo
		String pong(String text) {
			if (text.equals("fail")) {
				throw new IllegalStateException("no pong for 'fail'");
			}
			return text.equals("ping") ? "PONG" : "?";
		}

	}

}
