package dev.requestreply;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.KafkaReplyTimeoutException;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.requestreply.RequestReplyFuture;
import org.springframework.kafka.requestreply.RequestReplyMessageFuture;
import org.springframework.kafka.support.JsonKafkaHeaderMapper;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.TopicPartitionOffset;
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

	// Released by the test once a request with a timeout of zero or less has failed.
	static volatile CountDownLatch slowReplies = new CountDownLatch(0);

	static final String L_REQUEST = TestBroker.uniqueTopic("rkt-l-request");

	static final String A_HANDLER = TestBroker.uniqueTopic("rkt-a-handler");

	static final String G_HANDLER = TestBroker.uniqueTopic("rkt-g-handler");

	static final String D_REQUEST = TestBroker.uniqueTopic("rkt-d-request");

	static final String CUSTOM_HANDLER = TestBroker.uniqueTopic("rkt-custom-handler");

	static final String K_REQUEST = TestBroker.uniqueTopic("rkt-k-request");

	static final Queue<Integer> receivedKeys = new ConcurrentLinkedQueue<>();

	static final String CUSTOM_REPLIES = TestBroker.createTopic("rkt-custom-replies", 5);

	static final Queue<String> received = new ConcurrentLinkedQueue<>();

	static ConfigurableApplicationContext context;

	static RequestReplyTemplate template;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { ScenariosApp.class }, "test.a-request=" + A_REQUEST,
				
				"test.l-request=" + L_REQUEST, 
				"test.a-handler=" + A_HANDLER, "test.g-handler=" + G_HANDLER, "test.d-request=" + D_REQUEST,
				"test.custom-handler=" + CUSTOM_HANDLER, "test.custom-replies=" + CUSTOM_REPLIES,
				"test.k-request=" + K_REQUEST, "request-reply.key-format=kafka",
				// The @SendTo listeners reply with the key they read: an Integer.
				"spring.kafka.producer.key-serializer=org.apache.kafka.common.serialization.IntegerSerializer",
				"request-reply.topics." + D_REQUEST + ".correlation-id-header=customCorrelation", "spring.application.name=rkt-scenarios",
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
			// The listener holds its reply until the future failed: the request ends at the timer's
			// next tick (10 ms), which a @KafkaListener answering at once could otherwise beat.
			slowReplies = new CountDownLatch(1);
			try {
				assertThatExceptionOfType(ExecutionException.class)
					.isThrownBy(() -> template.request(A_REQUEST, payload, String.class, timeout)
						.get(10, TimeUnit.SECONDS))
					.withCauseExactlyInstanceOf(RequestTimeoutException.class);
			}
			finally {
				slowReplies.countDown();
			}
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

	// testGood, Spring's side: its template against a @ReplyHandler that adds no header of its own

	@Test
	void whenReplyingKafkaTemplateRequestsHandlerWithoutResponderHeadersThenReplyCarriesOnlyTheHandlersHeaders()
			throws Exception {
		ReplyingKafkaTemplate<Integer, String, String> replying = replying(TestBroker.createTopic("rkt-a-replies", 5));
		Headers headers = new RecordHeaders();
		headers.add("baz", "buz".getBytes(StandardCharsets.UTF_8));
		ProducerRecord<Integer, String> record = new ProducerRecord<>(A_HANDLER, null, null, 1, "foo", headers);
		RequestReplyFuture<Integer, String, String> future = replying.sendAndReceive(record);
		future.getSendFuture().get(10, TimeUnit.SECONDS);
		ConsumerRecord<Integer, String> consumerRecord = future.get(30, TimeUnit.SECONDS);
		assertThat(consumerRecord.value()).isEqualTo("FOO");
		assertThat(consumerRecord.key()).isEqualTo(1);
		Map<String, Object> receivedHeaders = new HashMap<>();
		new JsonKafkaHeaderMapper().toHeaders(consumerRecord.headers(), receivedHeaders);
		assertThat(receivedHeaders).containsKey("baz");
		assertThat(receivedHeaders).hasSize(2);
		ProducerRecord<Integer, String> record2 = new ProducerRecord<>(A_HANDLER, null, null, null, "slow", headers);
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> replying.sendAndReceive(record2, Duration.ZERO).get(10, TimeUnit.SECONDS))
			.withCauseExactlyInstanceOf(KafkaReplyTimeoutException.class);
	}

	// withCustomHeaders, Spring's side: its template with three header names of its own against a
	// @ReplyHandler naming the same (Spring's listener there sends its reply by hand)

	@Test
	void whenReplyingKafkaTemplateUsesHeaderNamesOfItsOwnThenHandlerNamingThemAnswersOnTheNamedPartition()
			throws Exception {
		ReplyingKafkaTemplate<Integer, String, String> replying = replying(
				new ContainerProperties(new TopicPartitionOffset(TestBroker.createTopic("rkt-g-replies", 2), 1)));
		replying.setCorrelationHeaderName("custom.correlation.id");
		replying.setReplyTopicHeaderName("custom.reply.to");
		replying.setReplyPartitionHeaderName("custom.reply.partition");
		ProducerRecord<Integer, String> record = new ProducerRecord<>(G_HANDLER, null, null, null, "foo",
				new RecordHeaders());
		RequestReplyFuture<Integer, String, String> future = replying.sendAndReceive(record);
		future.getSendFuture().get(10, TimeUnit.SECONDS);
		ConsumerRecord<Integer, String> consumerRecord = future.get(30, TimeUnit.SECONDS);
		assertThat(consumerRecord.value()).isEqualTo("fooWithCustomHeaders");
		assertThat(consumerRecord.partition()).isEqualTo(1);
		// The handler copied the correlation header onto its reply: reserved, so sent once.
		assertThat(consumerRecord.headers().headers("custom.correlation.id")).hasSize(1);
	}

	// testCustomReplyTopicHeaderIsNotDuplicated, Spring's side: a reply topic header of its own set on
	// the message, and a handler whose replies always go to one topic, as @SendTo("topic")

	@Test
	void whenHandlerHasAFixedReplyTopicThenReplyingKafkaTemplateGetsTheReplyThere() throws Exception {
		String customReplyHeaderName = "X-Custom-Reply-Header";
		ReplyingKafkaTemplate<Integer, String, String> replying = replying(CUSTOM_REPLIES);
		replying.setReplyTopicHeaderName(customReplyHeaderName);
		Message<String> message = MessageBuilder.withPayload("expected_message")
			.setHeader(customReplyHeaderName, CUSTOM_REPLIES)
			.setHeader(KafkaHeaders.TOPIC, CUSTOM_HANDLER)
			.build();
		RequestReplyMessageFuture<Integer, String> future = replying.sendAndReceive(message, Duration.ofSeconds(30));
		future.getSendFuture().get(10, TimeUnit.SECONDS);
		Message<?> resultingMessage = future.get(30, TimeUnit.SECONDS);
		assertThat(resultingMessage.getPayload()).isEqualTo("OK");
		// Spring's listener adds a type hint, so its header arrives as a String; ours arrive as bytes.
		assertThat(resultingMessage.getHeaders().get("originalPayload"))
			.isEqualTo("expected_message".getBytes(StandardCharsets.UTF_8));
	}

	@Test
	void whenFixedReplyTopicIsNotAllowedThenStartupFailsNamingTheHandler() {
		assertThatExceptionOfType(Exception.class)
			.isThrownBy(() -> apps.start(new Class<?>[] { ForbiddenReplyTopicApp.class },
					"spring.application.name=rkt-forbidden", "test.forbidden-handler="
							+ TestBroker.uniqueTopic("rkt-forbidden-handler")))
			.withStackTraceContaining("@ReplyHandler method 'forbiddenReplyTopic.answer' names replyTopic 'audit-log', "
					+ "which is refused: 'audit-log' matches none of request-reply.handler.allowed-reply-topics");
	}

	// testGood's Integer key, our side: a listener whose key deserializer is IntegerDeserializer

	@Test
	void whenKeyFormatIsKafkaThenIntegerKeyReachesListenerWithIntegerDeserializer() throws Exception {
		assertThat(template.request(new ProducerRecord<>(K_REQUEST, 1, "foo"), String.class, Duration.ofSeconds(30))
			.get(30, TimeUnit.SECONDS)).isEqualTo("FOO");
		assertThat(receivedKeys).containsExactly(1);
	}

	// The D/E/F listeners, our side: a container factory with setCorrelationHeaderName("customCorrelation"),
	// and request-reply.topics.<topic>.correlation-id-header naming it

	@Test
	void whenSendToListenerUsesCorrelationHeaderOfItsOwnThenTopicSettingNamingItGetsTheReply() throws Exception {
		assertThat(template.request(D_REQUEST, "foo", String.class, Duration.ofSeconds(30)).get(30, TimeUnit.SECONDS))
			.isEqualTo("Foo");
	}

	/**
	 * Spring's template as its tests create it ({@code createTemplate}): a shared reply topic, Integer
	 * keys, String values, started and assigned; closed after the test.
	 */
	private static ReplyingKafkaTemplate<Integer, String, String> replying(String replyTopic)
			throws InterruptedException {
		return replying(new ContainerProperties(replyTopic));
	}

	private static ReplyingKafkaTemplate<Integer, String, String> replying(ContainerProperties replies)
			throws InterruptedException {
		DefaultKafkaProducerFactory<Integer, String> producerFactory = new DefaultKafkaProducerFactory<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
						ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, IntegerSerializer.class,
						ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class));
		DefaultKafkaConsumerFactory<Integer, String> consumerFactory = new DefaultKafkaConsumerFactory<>(
				Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers(),
						ConsumerConfig.GROUP_ID_CONFIG, TestBroker.uniqueTopic("rkt-group"),
						ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, IntegerDeserializer.class,
						ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class));
		ReplyingKafkaTemplate<Integer, String, String> replying = new ReplyingKafkaTemplate<>(producerFactory,
				new KafkaMessageListenerContainer<>(consumerFactory, replies));
		replying.setSharedReplyTopic(true);
		replying.setDefaultReplyTimeout(Duration.ofSeconds(30));
		apps.closing((AutoCloseable) producerFactory::destroy);
		apps.closing((AutoCloseable) replying::destroy);
		apps.closing((AutoCloseable) replying::stop);
		replying.start();
		assertThat(replying.waitForAssignment(Duration.ofSeconds(30))).isTrue();
		return replying;
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ScenariosApp {

		@Bean
		ReplyHandlers replyHandlers() {
			return new ReplyHandlers();
		}

		@Bean
		SendToListeners sendToListeners() {
			return new SendToListeners();
		}

		// Spring's customListenerContainerFactory, on Boot's settings
		@Bean
		ConcurrentKafkaListenerContainerFactory<Object, Object> customListenerContainerFactory(
				ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
				ObjectProvider<ConsumerFactory<Object, Object>> consumerFactory) {
			ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
			configurer.configure(factory, consumerFactory.getObject());
			factory.setCorrelationHeaderName("customCorrelation");
			return factory;
		}

		// Spring's test: template.setReplyErrorChecker(record -> ... "serverSentAnError" ...)
		@Bean
		ReplyErrorDetector serverSentAnError() {
			return (reply) -> {
				Header error = reply.headers().lastHeader("serverSentAnError");
				return (error != null)
						? new IllegalStateException(new String(error.value(), StandardCharsets.UTF_8)) : null;
			};
		}

	}

	/**
	 * Handlers answering as the listeners of Spring Kafka's {@code ReplyingKafkaTemplateTests}.
	 */
	static class ReplyHandlers {

		// As handleA, with the container factory's setReplyHeadersConfigurer((k, v) -> k.equals("baz")).
		@ReplyHandler(topics = "${test.a-handler}", responderHeaders = "false")
		String handleA(String in, ReplyContext context) {
			context.header("baz").ifPresent((baz) -> context.addReplyHeader("baz", baz));
			return in.toUpperCase(java.util.Locale.ROOT);
		}

		// As gListener, which reads custom.reply.to, custom.reply.partition and custom.correlation.id.
		@ReplyHandler(topics = "${test.g-handler}", correlationIdHeader = "custom.correlation.id",
				replyTopicHeader = "custom.reply.to", replyPartitionHeader = "custom.reply.partition")
		String handleG(String in, ReplyContext context) {
			context.addReplyHeader("custom.correlation.id", context.headers().lastHeader("custom.correlation.id").value());
			return in + "WithCustomHeaders";
		}

		// As handleCustomReplyHeaderNoReplyPartition: @SendTo(CUSTOM_REPLY_HEADER_REPLY).
		@ReplyHandler(topics = "${test.custom-handler}", replyTopic = "${test.custom-replies}",
				responderHeaders = "false")
		String handleCustomReplyHeader(String in, ReplyContext context) {
			context.addReplyHeader("originalPayload", in);
			return "OK";
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ForbiddenReplyTopicApp {

		@Bean
		ForbiddenReplyTopic forbiddenReplyTopic() {
			return new ForbiddenReplyTopic();
		}

	}

	static class ForbiddenReplyTopic {

		@ReplyHandler(topics = "${test.forbidden-handler}", replyTopic = "audit-log")
		String answer(String in) {
			return in;
		}

	}

	/**
	 * Listeners as in Spring Kafka's {@code ReplyingKafkaTemplateTests.Config}.
	 */
	static class SendToListeners {

		@KafkaListener(topics = "${test.a-request}")
		@SendTo
		String handleA(String in) throws InterruptedException {
			received.add(in);
			if (in.startsWith("slow")) {
				slowReplies.await(10, TimeUnit.SECONDS);
			}
			return in.toUpperCase(java.util.Locale.ROOT);
		}

		@KafkaListener(topics = "${test.d-request}", containerFactory = "customListenerContainerFactory")
		@SendTo
		String dListener3(String in) {
			return in.substring(0, 1).toUpperCase(java.util.Locale.ROOT) + in.substring(1);
		}

		@KafkaListener(topics = "${test.k-request}",
				properties = "key.deserializer=org.apache.kafka.common.serialization.IntegerDeserializer")
		@SendTo
		String handleK(ConsumerRecord<Integer, String> in) {
			receivedKeys.add(in.key());
			return in.value().toUpperCase(java.util.Locale.ROOT);
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
