package dev.requestreply;

import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.Header;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.messaging.Message;
import org.springframework.messaging.handler.annotation.SendTo;
import org.springframework.messaging.support.MessageBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The scenarios of Spring Kafka's own {@code ReplyingKafkaTemplateTests} (4.1), each checking what
 * Spring's test checks, both ways: a {@code RequestReplyTemplate} against {@code @KafkaListener}
 * {@code @SendTo} listeners written as in those tests, and Spring's {@code ReplyingKafkaTemplate},
 * configured as in those tests, against {@code @ReplyHandler} methods. One application holds both
 * sides, started once for the class.
 */
class ReplyingKafkaTemplateScenariosTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	static final String A_REQUEST = TestBroker.uniqueTopic("rkt-a-request");

	static final String L_REQUEST = TestBroker.uniqueTopic("rkt-l-request");

	static final Queue<String> received = new ConcurrentLinkedQueue<>();

	static ConfigurableApplicationContext context;

	static RequestReplyTemplate template;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { ScenariosApp.class }, "test.a-request=" + A_REQUEST,
				"test.l-request=" + L_REQUEST, "spring.application.name=rkt-scenarios",
				"spring.kafka.consumer.auto-offset-reset=earliest", "spring.kafka.consumer.group-id=rkt-scenarios-peer");
		template = context.getBean(RequestReplyTemplate.class);
	}

	// testGood, our side: the request part, then sendAndReceive(record2, Duration.ZERO)

	@Test
	void whenTimeoutIsZeroOrNegativeThenRequestIsSentAndFutureFailsWithTimeout() throws Exception {
		assertThat(template.request(A_REQUEST, "foo", String.class, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
			.isEqualTo("FOO");
		for (Duration timeout : new Duration[] { Duration.ZERO, Duration.ofSeconds(-1) }) {
			String payload = "slow" + timeout.toMillis();
			assertThatExceptionOfType(ExecutionException.class)
				.isThrownBy(() -> template.request(A_REQUEST, payload, String.class, timeout).get(10, TimeUnit.SECONDS))
				.withCauseExactlyInstanceOf(RequestTimeoutException.class);
			// As Spring's template, the record is sent all the same.
			Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> received.contains(payload));
		}
	}

	// userDefinedException, our side: a reply error detector in place of setReplyErrorChecker

	@Test
	void whenSendToListenerSignalsAnErrorInAHeaderOfItsOwnThenReplyErrorDetectorFailsTheRequest() {
		long errors = template.getRegistry().errorCount();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request(L_REQUEST, "foo", String.class, Duration.ofSeconds(30))
				.get(30, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(RemoteHandlerException.class)
			.satisfies((ex) -> {
				RemoteHandlerException remote = (RemoteHandlerException) ex.getCause();
				assertThat(remote.getErrorType()).isEqualTo(IllegalStateException.class.getName());
				assertThat(remote.getRemoteMessage()).contains("user error");
			});
		assertThat(template.getRegistry().errorCount()).isEqualTo(errors + 1);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ScenariosApp {

		@Bean
		SendToListeners sendToListeners() {
			return new SendToListeners();
		}

		// Spring's test: template.setReplyErrorChecker(record -> ... "serverSentAnError" ...)
		@Bean
		ReplyErrorDetector serverSentAnError() {
			return (reply) -> {
				Header error = reply.headers().lastHeader("serverSentAnError");
				return (error != null) ? new IllegalStateException(new String(error.value())) : null;
			};
		}

	}

	/**
	 * Listeners as in Spring Kafka's {@code ReplyingKafkaTemplateTests.Config}.
	 */
	static class SendToListeners {

		@KafkaListener(topics = "${test.a-request}")
		@SendTo
		String handleA(String in) {
			received.add(in);
			return in.toUpperCase(java.util.Locale.ROOT);
		}

		@KafkaListener(topics = "${test.l-request}")
		@SendTo
		Message<String> handleL(String in) {
			return MessageBuilder.withPayload(in.toUpperCase(java.util.Locale.ROOT))
				.setHeader("serverSentAnError", "user error")
				.build();
		}

	}

}
