package dev.requestreply.autoconfigure;

import java.time.Duration;
import java.util.Map;

import dev.requestreply.CorrelationRegistry;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.TestRequests;
import dev.requestreply.actuate.RequestReplyEndpoint;
import dev.requestreply.actuate.RequestReplyHealthIndicator;
import dev.requestreply.actuate.RequestReplyTopicStatistics;
import dev.requestreply.observation.CompletionThreadsMeterBinder;
import dev.requestreply.observation.RequestReplyMeterBinder;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import org.springframework.boot.actuate.autoconfigure.endpoint.EndpointAutoConfiguration;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The conditions of the endpoint, health and metrics auto-configurations, without a broker: the
 * template is a bean that never starts.
 */
class RequestReplyActuatorAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(EndpointAutoConfiguration.class,
				RequestReplyEndpointAutoConfiguration.class, RequestReplyHealthContributorAutoConfiguration.class,
				RequestReplyMetricsAutoConfiguration.class))
		.withUserConfiguration(UnstartedRequestReply.class);

	@Test
	void whenEndpointExposedThenEndpointBeanExists() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=requestreply")
			.run((context) -> {
				assertThat(context).hasSingleBean(RequestReplyEndpoint.class);
				assertThat(context).hasSingleBean(RequestReplyTopicStatistics.class);
				assertThat(context.getBean(RequestReplyEndpoint.class).requestReply().replyTopic())
					.isEqualTo("runner-replies");
			});
	}

	@Test
	void whenEndpointNotExposedThenNoEndpointBean() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(RequestReplyEndpoint.class));
	}

	@Test
	void whenEndpointAccessNoneThenNoEndpointBean() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=requestreply",
					"management.endpoint.requestreply.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestReplyEndpoint.class));
	}

	@Test
	void whenMaxOldestSetThenEndpointListsAtMostThatMany() {
		this.contextRunner
			.withPropertyValues("management.endpoints.web.exposure.include=requestreply",
					"request-reply.endpoint.max-oldest=1")
			.run((context) -> {
				CorrelationRegistry registry = context.getBean(CorrelationRegistry.class);
				TestRequests.register(registry, "a", Duration.ofSeconds(30));
				TestRequests.register(registry, "b", Duration.ofSeconds(30));
				assertThat(context.getBean(RequestReplyEndpoint.class).requestReply().oldestPending()).hasSize(1);
			});
	}

	@Test
	void whenActuatorAbsentThenNoEndpointBean() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=requestreply")
			.withClassLoader(new FilteredClassLoader(Endpoint.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RequestReplyEndpoint.class);
			});
	}

	@Test
	void whenTemplateNotRunningThenHealthIsDownWithReason() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RequestReplyHealthIndicator.class);
			var health = context.getBean(RequestReplyHealthIndicator.class).health();
			assertThat(health.getStatus()).isEqualTo(Status.DOWN);
			assertThat(health.getDetails()).containsEntry("reason",
					"reply consumer of 'runner-replies' is not running");
		});
	}

	@Test
	void whenHealthRegistryPresentThenContributorIsNamedRequestreply() {
		this.contextRunner.withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class))
			.run((context) -> assertThat(context.getBean(HealthContributorRegistry.class).getContributor("requestreply"))
				.isInstanceOf(RequestReplyHealthIndicator.class));
	}

	@Test
	void whenHealthIndicatorDisabledThenNoHealthBean() {
		this.contextRunner.withPropertyValues("management.health.requestreply.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestReplyHealthIndicator.class));
	}

	@Test
	void whenHealthModuleAbsentThenNoHealthBean() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(HealthIndicator.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RequestReplyHealthIndicator.class);
			});
	}

	@Test
	void whenMeterRegistryPresentThenMeterBinderExists() {
		this.contextRunner.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
			.run((context) -> assertThat(context).hasSingleBean(RequestReplyMeterBinder.class)
				.hasSingleBean(CompletionThreadsMeterBinder.class));
	}

	@Test
	void whenNoMeterRegistryThenNoMeterBinder() {
		this.contextRunner.run((context) -> assertThat(context).doesNotHaveBean(RequestReplyMeterBinder.class));
	}

	@Test
	void whenMicrometerAbsentThenNoMeterBinder() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(MeterRegistry.class))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(RequestReplyMeterBinder.class);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class UnstartedRequestReply {

		@Bean
		RequestReplyTemplate requestReplyTemplate() {
			return TestRequests.unstartedTemplate("runner-replies");
		}

		@Bean
		CorrelationRegistry correlationRegistry(RequestReplyTemplate template) {
			return template.getRegistry();
		}

		@Bean
		RequestReplyKafkaClients requestReplyKafkaClients() {
			return new RequestReplyKafkaClients(Map.of(), Map.of(), Map.of(), new RequestReplyProperties());
		}

	}

}
