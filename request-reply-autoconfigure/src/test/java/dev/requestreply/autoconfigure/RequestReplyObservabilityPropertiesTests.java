package dev.requestreply.autoconfigure;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binding of the observability settings of {@link RequestReplyProperties}.
 */
class RequestReplyObservabilityPropertiesTests {

	private static RequestReplyProperties bind(Map<String, String> values) {
		return new Binder(new MapConfigurationPropertySource(values))
			.bindOrCreate("request-reply", Bindable.of(RequestReplyProperties.class));
	}

	@Test
	void whenNothingSetThenDefaultsApply() {
		RequestReplyProperties properties = bind(Map.of());
		assertThat(properties.getEndpoint().getMaxOldest()).isEqualTo(10);
		assertThat(properties.getMetrics().isPercentileHistogram()).isFalse();
		assertThat(properties.getObservation().isEnabled()).isTrue();
	}

	@Test
	void whenSetThenBound() {
		RequestReplyProperties properties = bind(Map.of("request-reply.endpoint.max-oldest", "3",
				"request-reply.metrics.percentile-histogram", "true", "request-reply.observation.enabled", "false"));
		assertThat(properties.getEndpoint().getMaxOldest()).isEqualTo(3);
		assertThat(properties.getMetrics().isPercentileHistogram()).isTrue();
		assertThat(properties.getObservation().isEnabled()).isFalse();
	}

}
