package dev.requestreply.autoconfigure;

import java.util.HashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executor;

import dev.requestreply.CorrelationRegistry;
import dev.requestreply.ReplyErrorDetector;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.RequestReplyTemplateCustomizer;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.ReplyHandlerBeanPostProcessor;
import dev.requestreply.observation.RequestReplyObservationConvention;
import dev.requestreply.requester.ReplyTopicSettings;
import dev.requestreply.requester.RequesterEngine;
import dev.requestreply.requester.RequesterSettings;
import dev.requestreply.wire.HeaderNames;
import io.micrometer.observation.ObservationRegistry;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.PropertyMapper;
import org.springframework.boot.kafka.autoconfigure.DefaultKafkaProducerFactoryCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration;
import org.springframework.boot.task.SimpleAsyncTaskExecutorBuilder;
import org.springframework.boot.thread.Threading;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.util.StringUtils;

/**
 * Auto-configuration of the requester side of request-reply: the {@link RequestReplyTemplate} over
 * its engine, the engine's {@link CorrelationRegistry} and the Kafka clients they share with the
 * handlers. With an
 * {@link ObservationRegistry} bean (and {@code request-reply.observation.enabled}, the default),
 * round trips and the records sent are observed, so a tracer carries the trace context in the
 * record headers.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = KafkaAutoConfiguration.class,
		afterName = { "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration",
				"org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration",
				"org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration" })
@ConditionalOnClass(KafkaTemplate.class)
@ConditionalOnBooleanProperty(name = "request-reply.enabled", matchIfMissing = true)
@ConditionalOnBean({ ProducerFactory.class, ConsumerFactory.class, KafkaAdmin.class })
@EnableConfigurationProperties(RequestReplyProperties.class)
public final class RequestReplyAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	PayloadConverter requestReplyPayloadConverter(ObjectProvider<JsonMapper> jsonMapper) {
		return new PayloadConverter(jsonMapper.getIfAvailable(() -> JsonMapper.builder().build()));
	}

	@Bean
	@ConditionalOnMissingBean
	RequestReplyKafkaClients requestReplyKafkaClients(ProducerFactory<?, ?> producerFactory,
			ConsumerFactory<?, ?> consumerFactory, KafkaAdmin kafkaAdmin, RequestReplyProperties properties,
			ObjectProvider<DefaultKafkaProducerFactoryCustomizer> producerCustomizers,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		// spring.kafka.producer.transaction-id-prefix switches handlers to transactional replies.
		RequestReplyKafkaClients clients = new RequestReplyKafkaClients(producerFactory.getConfigurationProperties(),
				consumerFactory.getConfigurationProperties(), kafkaAdmin.getConfigurationProperties(), properties,
				producerFactory.getTransactionIdPrefix());
		producerCustomizers.orderedStream().forEach((customizer) -> {
			customizer.customize(clients.getProducerFactory());
			if (clients.getTransactionalProducerFactory() != null) {
				customizer.customize(clients.getTransactionalProducerFactory());
			}
		});
		observationRegistry(properties, observationRegistry).ifPresent((registry) -> {
			clients.getKafkaTemplate().setObservationRegistry(registry);
			clients.getKafkaTemplate().setObservationEnabled(true);
		});
		return clients;
	}

	@Bean
	@ConditionalOnMissingBean
	RequestReplyTemplate requestReplyTemplate(RequestReplyKafkaClients clients, PayloadConverter converter,
			RequestReplyProperties properties, Environment environment,
			ObjectProvider<ObservationRegistry> observationRegistry,
			ObjectProvider<RequestReplyObservationConvention> observationConvention,
			ObjectProvider<RequestReplyTemplateCustomizer> customizers,
			ObjectProvider<ReplyErrorDetector> replyErrorDetector,
			ObjectProvider<ReplyHandlerBeanPostProcessor> handlers,
			ObjectProvider<SimpleAsyncTaskExecutorBuilder> virtualThreadsBuilder) {
		RequesterSettings.Builder settings = RequesterSettings
			.builder(new ReplyTopicSettings(replyTopic(properties, environment), properties.isCreateReplyTopic(),
					properties.getReplyTopicPartitions(), properties.getReplyTopicReplicationFactor(),
					properties.getStartupTimeout()))
			.replyPartitions(properties.getReplyPartitions())
			.defaultTimeout(properties.getDefaultTimeout())
			.drainTimeout(properties.getDrainTimeout())
			.replyPathTimeout(properties.getReplyPathTimeout())
			.responderCheckInterval(
					properties.isFailFastWithoutResponders() ? properties.getResponderCheckInterval() : null)
			.localResponderTopics(() -> handlerTopics(handlers))
			.streamBuffer(properties.getStreamBuffer())
			.maxPending(properties.getMaxPending())
			.lateReplyWindow(properties.getLateReplyWindow())
			.completionExecutor(completionExecutor(environment, virtualThreadsBuilder))
			.virtualThreads(Threading.VIRTUAL.isActive(environment))
			.replyErrorDetector(replyErrorDetector.getIfUnique())
			.keyFormat(properties.getKeyFormat());
		PropertyMapper.get().from(properties::getInstanceId).whenHasText().to(settings::instanceId);
		properties.getTopics().forEach((topic, names) -> settings.headerNames(topic, headerNames(names)));
		observationRegistry(properties, observationRegistry).ifPresent(
				(observations) -> settings.observations(observations, observationConvention.getIfUnique()));
		customizers.orderedStream().forEach((customizer) -> customizer.customize(settings));
		return new RequestReplyTemplate(new RequesterEngine(clients.getKafkaTemplate(),
				clients.getReplyConsumerFactory(), clients.getAdminConfig(), converter, settings.build()));
	}

	static HeaderNames headerNames(RequestReplyProperties.Topic topic) {
		return new HeaderNames(
				Objects.requireNonNullElse(topic.getCorrelationIdHeader(), HeaderNames.DEFAULT.correlationId()),
				Objects.requireNonNullElse(topic.getReplyTopicHeader(), HeaderNames.DEFAULT.replyTopic()),
				Objects.requireNonNullElse(topic.getReplyPartitionHeader(), HeaderNames.DEFAULT.replyPartition()));
	}

	/**
	 * The template's registry, read-only: not replaceable, and not conditional (a template of
	 * one's own brings its registry).
	 */
	@Bean(destroyMethod = "")
	CorrelationRegistry correlationRegistry(RequestReplyTemplate template) {
		return template.getRegistry();
	}

	/**
	 * The executor futures complete on: with spring.threads.virtual.enabled (Java 21+), a virtual
	 * thread per completion, from Boot's builder (so its task decorator applies); else
	 * {@code null}, for the engine's own pool of platform threads.
	 */
	static @Nullable Executor completionExecutor(Environment environment,
			ObjectProvider<SimpleAsyncTaskExecutorBuilder> builder) {
		if (!Threading.VIRTUAL.isActive(environment)) {
			return null;
		}
		return builder.getIfAvailable(SimpleAsyncTaskExecutorBuilder::new)
			.virtualThreads(true)
			// No limit: a limited executor would make the engine's threads wait for a permit.
			.concurrencyLimit(null)
			.threadNamePrefix(RequesterSettings.COMPLETION_THREAD_PREFIX)
			.build();
	}

	// The topics of the @ReplyHandler methods found in this application (none without handlers).
	private static Set<String> handlerTopics(ObjectProvider<ReplyHandlerBeanPostProcessor> handlers) {
		ReplyHandlerBeanPostProcessor discoverer = handlers.getIfUnique();
		if (discoverer == null) {
			return Set.of();
		}
		Set<String> topics = new HashSet<>();
		discoverer.getEndpoints().forEach((endpoint) -> topics.addAll(endpoint.topics()));
		return topics;
	}

	static Optional<ObservationRegistry> observationRegistry(RequestReplyProperties properties,
			ObjectProvider<ObservationRegistry> observationRegistry) {
		return properties.getObservation().isEnabled() ? Optional.ofNullable(observationRegistry.getIfUnique())
				: Optional.empty();
	}

	static String replyTopic(RequestReplyProperties properties, Environment environment) {
		if (StringUtils.hasText(properties.getReplyTopic())) {
			return properties.getReplyTopic();
		}
		String applicationName = environment.getProperty("spring.application.name");
		return (StringUtils.hasText(applicationName) ? applicationName : "request-reply") + "-replies";
	}

}
