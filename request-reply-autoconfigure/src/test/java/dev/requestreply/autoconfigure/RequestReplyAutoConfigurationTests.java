package dev.requestreply.autoconfigure;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

import dev.requestreply.CorrelationRegistry;
import dev.requestreply.ReplyHandler;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.TestBroker;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.ReplyHandlerBeanPostProcessor;
import dev.requestreply.handler.ReplyHandlerContainers;
import dev.requestreply.requester.RequesterSettings;
import dev.requestreply.responder.ResponderContainers;
import dev.requestreply.responder.ResponderSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class RequestReplyAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, JacksonAutoConfiguration.class,
				RequestReplyAutoConfiguration.class, ReplyHandlerAutoConfiguration.class))
		.withPropertyValues("spring.kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("autoconfig-replies"));

	@Test
	void whenKafkaIsConfiguredThenRequesterAndHandlerBeansExist() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RequestReplyTemplate.class)
				.hasSingleBean(CorrelationRegistry.class)
				.hasSingleBean(PayloadConverter.class)
				.hasSingleBean(RequestReplyKafkaClients.class)
				.hasSingleBean(ReplyHandlerBeanPostProcessor.class)
				.hasSingleBean(ReplyHandlerContainers.class);
			assertThat(context.getBean(RequestReplyTemplate.class).isAccepting()).isTrue();
		});
	}

	@Test
	void whenTransactionIdPrefixIsSetThenHandlersReplyInTransactionsAndRepliesAreReadCommitted() {
		this.contextRunner.withPropertyValues("spring.kafka.producer.transaction-id-prefix=app-tx-")
			.run((context) -> {
				RequestReplyKafkaClients clients = context.getBean(RequestReplyKafkaClients.class);
				assertThat(clients.getTransactionalProducerFactory().getTransactionIdPrefix())
					.isEqualTo("app-tx-request-reply-");
				assertThat(clients.getProducerFactory().transactionCapable()).isFalse();
				assertThat(clients.getReplyConsumerFactory().getConfigurationProperties())
					.containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
			});
	}

	@Test
	void whenNoTransactionIdPrefixIsSetThenNothingIsTransactional() {
		this.contextRunner.run((context) -> {
			RequestReplyKafkaClients clients = context.getBean(RequestReplyKafkaClients.class);
			assertThat(clients.getTransactionalProducerFactory()).isNull();
			// Spring Boot's own default, as before.
			assertThat(clients.getReplyConsumerFactory().getConfigurationProperties())
				.containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
		});
	}

	@Test
	void whenDisabledThenNothingIsConfigured() {
		this.contextRunner.withPropertyValues("request-reply.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestReplyTemplate.class)
				.doesNotHaveBean(CorrelationRegistry.class)
				.doesNotHaveBean(ReplyHandlerContainers.class));
	}

	@Test
	void whenHandlersDisabledThenOnlyTheRequesterIsConfigured() {
		this.contextRunner.withPropertyValues("request-reply.handler.enabled=false")
			.run((context) -> assertThat(context).hasSingleBean(RequestReplyTemplate.class)
				.doesNotHaveBean(ReplyHandlerContainers.class)
				.doesNotHaveBean(ReplyHandlerBeanPostProcessor.class));
	}

	@Test
	void whenSpringKafkaIsAbsentThenNothingIsConfigured() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KafkaTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RequestReplyTemplate.class));
	}

	@Test
	void whenUserDefinesTemplateThenTheRegistryBeanIsItsRegistry() {
		this.contextRunner.withUserConfiguration(UserTemplateConfiguration.class).run((context) -> {
			assertThat(context).hasSingleBean(CorrelationRegistry.class).hasSingleBean(RequestReplyTemplate.class);
			assertThat(context.getBean(CorrelationRegistry.class))
				.isSameAs(context.getBean("userTemplate", RequestReplyTemplate.class).getRegistry());
		});
	}

	@Test
	void whenNoReplyTopicIsSetThenItDerivesFromTheApplicationName() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(KafkaAutoConfiguration.class, JacksonAutoConfiguration.class,
					RequestReplyAutoConfiguration.class))
			.withPropertyValues("spring.kafka.bootstrap-servers=" + TestBroker.bootstrapServers(),
					"spring.application.name=orders")
			.run((context) -> assertThat(context.getBean(RequestReplyTemplate.class).getReplyTopic())
				.isEqualTo("orders-replies"));
	}

	@Test
	void whenPropertiesAreSetThenTemplateUsesThem() {
		this.contextRunner
			.withPropertyValues("request-reply.default-timeout=3s", "request-reply.instance-id=instance-7")
			.run((context) -> {
				RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
				assertThat(template.getDefaultTimeout()).isEqualTo(Duration.ofSeconds(3));
				assertThat(template.getInstanceId()).isEqualTo("instance-7");
			});
	}

	@Test
	void whenHandlerDeclaresTwoPayloadParametersThenStartupFailsNamingBeanAndMethod() {
		this.contextRunner.withUserConfiguration(BadHandlerConfiguration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'badHandler.handle'")
				.hasMessageContaining("exactly one payload parameter"));
	}

	@Test
	void whenHandlerNamesNoTopicThenStartupFails() {
		this.contextRunner.withUserConfiguration(NoTopicHandlerConfiguration.class)
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("'noTopicHandler.handle' names no topic"));
	}

	@Test
	void whenBoundFromNothingThenPropertiesHaveTheirDefaults() {
		RequestReplyProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
			.bindOrCreate("request-reply", RequestReplyProperties.class);
		assertThat(properties.isEnabled()).isTrue();
		assertThat(properties.getDefaultTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getMaxPending()).isEqualTo(100_000);
		assertThat(properties.getDrainTimeout()).isZero();
		assertThat(properties.getHandler().getConcurrency()).isOne();
		assertThat(properties.getHandler().getMaxInHand()).isEqualTo(1000);
		assertThat(properties.getHandler().getMaxConcurrency()).isEqualTo(64);
		assertThat(properties.getHandler().getMaxHandlingTime()).isEqualTo(Duration.ofMinutes(5));
		assertThat(properties.getHandler().getShutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(properties.getHandler().getOffsetMetadataMaxBytes()).isEqualTo(4096);
		assertThat(properties.getHandler().getTransactionTimeout()).isEqualTo(Duration.ofSeconds(10));
	}

	@Test
	void whenHandlerExecutionPropertiesAreSetThenTheContainersUseThem() {
		this.contextRunner
			.withPropertyValues("request-reply.handler.max-in-hand=50", "request-reply.handler.max-concurrency=8",
					"request-reply.handler.max-handling-time=30s", "request-reply.handler.shutdown-timeout=2s",
					"request-reply.handler.offset-metadata-max-bytes=1024")
			.run((context) -> {
				ResponderSettings settings = context.getBean(ResponderContainers.class).getSettings();
				assertThat(settings.maxInHand()).isEqualTo(50);
				assertThat(settings.maxConcurrency()).isEqualTo(8);
				assertThat(settings.maxHandlingTime()).isEqualTo(Duration.ofSeconds(30));
				assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(2));
				assertThat(settings.maxCommitMetadataChars()).isEqualTo(1024);
				assertThat(settings.virtualThreads()).isFalse();
			});
	}

	@Test
	void whenClientPropertiesAreDerivedThenByteSerdesAndOverridesApply() {
		RequestReplyProperties properties = new Binder(new MapConfigurationPropertySource(
				Map.of("request-reply.producer-properties.acks", "1",
						"request-reply.reply-consumer-properties.fetch.max.wait.ms", "50")))
			.bindOrCreate("request-reply", RequestReplyProperties.class);
		Map<String, Object> producer = RequestReplyKafkaClients.producerConfig(
				Map.of(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
						ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx", "ssl.truststore.location", "/trust"),
				properties);
		assertThat(producer).containsEntry(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class)
			.containsEntry(ProducerConfig.LINGER_MS_CONFIG, 0)
			.containsEntry("acks", "1")
			.containsEntry("ssl.truststore.location", "/trust")
			.doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
		assertThat(RequestReplyKafkaClients.producerConfig(Map.of(ProducerConfig.LINGER_MS_CONFIG, 20), properties))
			.containsEntry(ProducerConfig.LINGER_MS_CONFIG, 20);
		Map<String, Object> replyConsumer = RequestReplyKafkaClients
			.replyConsumerConfig(Map.of(ConsumerConfig.GROUP_ID_CONFIG, "users-group"), properties);
		assertThat(replyConsumer).doesNotContainKey(ConsumerConfig.GROUP_ID_CONFIG)
			.containsEntry(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteBufferDeserializer.class)
			.containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
			.containsEntry("fetch.max.wait.ms", "50");
		Map<String, Object> handlerConsumer = RequestReplyKafkaClients
			.handlerConsumerConfig(Map.of(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest"), properties);
		assertThat(handlerConsumer).containsEntry(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
	}

	@Test
	void whenVirtualThreadsAreOffThenFuturesCompleteOnTheRegistrysOwnPool() {
		MockEnvironment environment = new MockEnvironment();
		assertThat(RequestReplyAutoConfiguration.completionExecutor(environment, builder())).isNull();
	}

	@Test
	@EnabledForJreRange(min = JRE.JAVA_21)
	void whenVirtualThreadsAreOnThenFuturesCompleteOnVirtualThreadsNamedAsCompletionThreads() throws Exception {
		MockEnvironment environment = new MockEnvironment().withProperty("spring.threads.virtual.enabled", "true");
		Executor executor = RequestReplyAutoConfiguration.completionExecutor(environment, builder());
		CompletableFuture<Thread> thread = new CompletableFuture<>();
		executor.execute(() -> thread.complete(Thread.currentThread()));
		Thread completing = thread.get(5, TimeUnit.SECONDS);
		assertThat(Thread.class.getMethod("isVirtual").invoke(completing)).isEqualTo(true);
		assertThat(completing.getName()).startsWith(RequesterSettings.COMPLETION_THREAD_PREFIX);
	}

	private static ObjectProvider<SimpleAsyncTaskExecutorBuilder> builder() {
		StaticListableBeanFactory beans = new StaticListableBeanFactory();
		beans.addBean("simpleAsyncTaskExecutorBuilder", new SimpleAsyncTaskExecutorBuilder().concurrencyLimit(1));
		return beans.getBeanProvider(SimpleAsyncTaskExecutorBuilder.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class UserTemplateConfiguration {

		@Bean
		RequestReplyTemplate userTemplate() {
			return dev.requestreply.TestRequests.unstartedTemplate("user-replies");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class BadHandlerConfiguration {

		@Bean
		BadHandler badHandler() {
			return new BadHandler();
		}

	}

	static class BadHandler {

		@ReplyHandler(topics = "bad")
		String handle(String one, String two) {
			return one + two;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoTopicHandlerConfiguration {

		@Bean
		NoTopicHandler noTopicHandler() {
			return new NoTopicHandler();
		}

	}

	static class NoTopicHandler {

		@ReplyHandler(topics = "${missing.topic:}")
		String handle(String one) {
			return one;
		}

	}

}
