package dev.requestreply.docs;

import java.time.Duration;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import dev.requestreply.ReplyHandler;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.TestApps;
import dev.requestreply.TestBroker;
import dev.requestreply.actuate.RequestReplyEndpoint;
import dev.requestreply.actuate.RequestReplyEndpoint.RequestReplyDescriptor;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint's example output in docs/observability.md is what the endpoint answers after the
 * scenario the doc describes: the same fields, the same figures; only ids and times differ. Run
 * with {@code -Ddocs.update=true} to write the output into the doc.
 */
class EndpointExampleTests {

	private static final String DOC = "docs/observability.md";

	// Ids and times: they differ from run to run (a handler's wait for a thread is a time too); the
	// completion threads a pool starts with differ from machine to machine (one per core).
	private static final Set<String> VOLATILE = Set.of("instanceId", "correlationId", "ageMillis", "timeLeftMillis",
			"p50Millis", "p99Millis", "waitTotalNanos", "waitMaxNanos", "lastErrorAt", "threads");

	private static final JsonMapper json = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@Test
	void whenTheDocsScenarioRunsThenTheEndpointAnswersWhatTheDocShows() throws Exception {
		TestBroker.get().addTopics(new NewTopic("example-silent", 1, (short) 1));
		ConfigurableApplicationContext context = apps.startAssigned(new Class<?>[] { App.class },
				"spring.application.name=example", "request-reply.reply-topic=example-replies",
				"request-reply.default-timeout=5s", "management.endpoints.web.exposure.include=requestreply");
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		RequestReplyEndpoint endpoint = context.getBean(RequestReplyEndpoint.class);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> !endpoint.requestReply().replyPartitions().owned().isEmpty());

		assertThat(template.request("example-echo", "a", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("A");
		assertThat(template.request("example-echo", "b", String.class).get(10, TimeUnit.SECONDS)).isEqualTo("B");
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request("example-fail", "x", String.class).get(10, TimeUnit.SECONDS));
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> template.request("example-silent", "y", String.class, Duration.ofMillis(300))
				.get(10, TimeUnit.SECONDS));
		CompletableFuture<String> waiting = template.request("example-silent", "z", String.class,
				Duration.ofSeconds(30));
		compare("endpoint-pending", json.valueToTree(Map.of("oldestPending", endpoint.requestReply().oldestPending())));
		waiting.cancel(true);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			RequestReplyDescriptor figures = endpoint.requestReply();
			assertThat(figures.pending()).isZero();
			// One for the timed-out request, one for the cancelled one.
			assertThat(figures.cancelsSent()).isEqualTo(2);
			assertThat(figures.handlers().get("exampleHandlers.echo").handled()).isEqualTo(2);
			assertThat(figures.handlers().get("exampleHandlers.fail").failed()).isOne();
		});
		compare("endpoint", json.valueToTree(endpoint.requestReply()));
	}

	private static void compare(String example, JsonNode actual) {
		MarkedBlock block = MarkedBlock.get(Docs.file(DOC), "example", example);
		if (MarkedBlock.UPDATE) {
			block.update(json.writeValueAsString(actual));
			return;
		}
		assertThat(json.writeValueAsString(normalized(json.readTree(block.text()))))
			.as("the example '%s' of %s (run the test with -Ddocs.update=true to write it)", example, DOC)
			.isEqualTo(json.writeValueAsString(normalized(actual)));
	}

	private static JsonNode normalized(JsonNode node) {
		if (node instanceof ObjectNode object) {
			ObjectNode copy = json.createObjectNode();
			for (Iterator<Map.Entry<String, JsonNode>> fields = object.properties().iterator(); fields.hasNext();) {
				Map.Entry<String, JsonNode> field = fields.next();
				JsonNode value = field.getValue();
				copy.set(field.getKey(), VOLATILE.contains(field.getKey()) ? kindOf(value) : normalized(value));
			}
			return copy;
		}
		if (node.isArray()) {
			var copy = json.createArrayNode();
			node.forEach((element) -> copy.add(normalized(element)));
			return copy;
		}
		return node;
	}

	private static JsonNode kindOf(JsonNode value) {
		return StringNode.valueOf(value.isNull() ? "null" : value.isNumber() ? "a number" : "a string");
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		ExampleHandlers exampleHandlers() {
			return new ExampleHandlers();
		}

	}

	static class ExampleHandlers {

		@ReplyHandler(topics = "example-echo")
		String echo(String text) {
			return text.toUpperCase(Locale.ROOT);
		}

		@ReplyHandler(topics = "example-fail")
		String fail(String text) {
			throw new IllegalStateException("no " + text);
		}

	}

}
