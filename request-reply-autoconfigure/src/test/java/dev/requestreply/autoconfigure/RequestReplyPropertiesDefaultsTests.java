package dev.requestreply.autoconfigure;

import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.handler.ReplyHandlerIdempotency;
import dev.requestreply.handler.ReplyHandlerPolicy;
import dev.requestreply.requester.RequesterSettings;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each default is declared once per layer: the engine classes hold their own, and the properties
 * (whose literals the configuration metadata shows users) must agree with them.
 */
class RequestReplyPropertiesDefaultsTests {

	private final RequestReplyProperties properties = new RequestReplyProperties();

	@Test
	void whenNothingIsSetThenTheDefaultTimeoutIsTheTemplates() {
		assertThat(this.properties.getDefaultTimeout()).isEqualTo(RequestReplyTemplate.DEFAULT_TIMEOUT);
	}

	@Test
	void whenNothingIsSetThenTheFailFastDefaultsAreTheTemplatesAndPublishers() {
		assertThat(this.properties.isFailFastWithoutResponders()).isFalse();
		assertThat(this.properties.getResponderCheckInterval()).isEqualTo(RequesterSettings.DEFAULT_RESPONDER_CHECK_INTERVAL);
		assertThat(this.properties.getReplyPathTimeout()).isEqualTo(RequestReplyTemplate.DEFAULT_REPLY_PATH_TIMEOUT);
		assertThat(this.properties.getStreamBuffer()).isEqualTo(RequesterSettings.DEFAULT_STREAM_BUFFER);
	}

	@Test
	void whenNothingIsSetThenTheRegistryLimitsAreTheRegistrys() {
		assertThat(this.properties.getMaxPending()).isEqualTo(RequesterSettings.DEFAULT_MAX_PENDING);
		assertThat(this.properties.getLateReplyWindow()).isEqualTo(RequesterSettings.DEFAULT_LATE_REPLY_WINDOW);
	}

	@Test
	void whenNothingIsSetThenTheHandlerLimitsAreThePolicys() {
		assertThat(this.properties.getHandler().getMaxRequestSize().toBytes())
			.isEqualTo(ReplyHandlerPolicy.DEFAULT.maxRequestBytes());
		assertThat(this.properties.getHandler().getAllowedReplyTopics())
			.isEqualTo(ReplyHandlerPolicy.DEFAULT.allowedReplyTopics());
	}

	@Test
	void whenNothingIsSetThenTheIdempotencyWindowIsTheHandlers() {
		RequestReplyProperties.Idempotency idempotency = this.properties.getHandler().getIdempotency();
		assertThat(new ReplyHandlerIdempotency(idempotency.isEnabled(), idempotency.getMaxEntries(),
				idempotency.getWindow()))
			.isEqualTo(ReplyHandlerIdempotency.DEFAULT);
	}

}
