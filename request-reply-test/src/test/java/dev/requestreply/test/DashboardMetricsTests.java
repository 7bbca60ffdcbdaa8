package dev.requestreply.test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.requestreply.CorrelationId;
import dev.requestreply.CorrelationRegistry;
import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import dev.requestreply.RequestReplyOperations;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.RequestTimeoutException;
import dev.requestreply.wire.RequestReplyHeaders;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.kafka.test.EmbeddedKafkaBroker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Every metric, label and label value that the Grafana dashboard and the Prometheus alert rules
 * in {@code docs/} query is one the starter publishes, as scraped by Prometheus after real round
 * trips (success, error, timeout with a late reply, malformed request) over the embedded broker.
 * Labels a Prometheus server or the application adds ({@code instance}, {@code job},
 * {@code application}) are not the starter's and are let through. The application has a
 * {@code @DurableReplyListener}, so that the durable meters tagged by kind exist.
 */
@SpringBootTest(classes = { TestHandlers.class, DashboardMetricsTests.Reports.class },
		properties = { "request-reply.reply-topic=embedded-test-replies",
				"request-reply.metrics.percentile-histogram=true", "spring.application.name=dashboard-test",
				"request-reply.durable.topic-partitions=1" })
@EmbeddedRequestReply
class DashboardMetricsTests {

	private static final Path DOCS = Path.of("..", "docs");

	private static final Set<String> EXTERNAL_LABELS = Set.of("instance", "job", "application");

	private static final Pattern METRIC = Pattern.compile("\\brequestreply_[a-z_]+");

	private static final Pattern SELECTOR = Pattern.compile("(requestreply_[a-z_]+)\\{([^}]*)}");

	private static final Pattern MATCHER = Pattern.compile("(\\w+)\\s*(=~|!~|!=|=)\\s*\"([^\"]*)\"");

	private static final Pattern BY = Pattern.compile("\\bby\\s*\\(([^)]*)\\)");

	private static final Pattern SAMPLE = Pattern.compile("^(\\w+)(?:\\{(.*)})?\\s");

	private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

	@Autowired
	private RequestReplyOperations requestReply;

	@Autowired
	private ReplyHandlerClient client;

	@Autowired
	private PrometheusMeterRegistry prometheus;

	@Autowired
	private RequestReplyTemplate template;

	@Autowired
	private CorrelationRegistry registry;

	@Autowired
	private EmbeddedKafkaBroker broker;

	private final Map<String, Map<String, Set<String>>> scraped = new HashMap<>();

	@BeforeEach
	void roundTrips() {
		this.requestReply.requestAndWait("test-quote", new TestHandlers.QuoteRequest("ACME"), TestHandlers.Quote.class);
		assertThatExceptionOfType(RuntimeException.class)
			.isThrownBy(() -> this.requestReply.requestAndWait("test-fail", "NOPE", String.class));
		lateReply();
		assertThat(this.client.call("test-quote", "not json").isError()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(() -> {
			scrape();
			return this.scraped.get("requestreply_replies_skipped_total") != null
					&& this.prometheus.get("requestreply.replies.skipped").tag("reason", "late").functionCounter()
						.count() > 0;
		});
	}

	/**
	 * A request that times out, then its reply: written here rather than by a slow handler, which
	 * would skip the request if it read it after its deadline (as on a loaded machine).
	 */
	private void lateReply() {
		CompletableFuture<String> future = this.template.request("test-unanswered", "x", String.class,
				Duration.ofSeconds(1));
		CorrelationId id = this.registry.oldest(100)
			.stream()
			.filter((pending) -> pending.topic().equals("test-unanswered"))
			.findFirst()
			.orElseThrow()
			.correlationId();
		assertThatExceptionOfType(ExecutionException.class).isThrownBy(() -> future.get(10, TimeUnit.SECONDS))
			.withCauseInstanceOf(RequestTimeoutException.class);
		RecordHeaders headers = new RecordHeaders();
		headers.add(RequestReplyHeaders.CORRELATION_ID, id.toBytes());
		try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
				Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.getBrokersAsString()),
				new ByteArraySerializer(), new ByteArraySerializer())) {
			producer.send(new ProducerRecord<>(this.template.getReplyTopic(), null, null, null,
					"late".getBytes(StandardCharsets.UTF_8), headers)).get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Test
	void whenDashboardQueriesThenEveryMetricAndLabelIsPublished() throws IOException {
		List<String> queries = new ArrayList<>();
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DOCS.resolve("grafana-dashboard.json")));
		dashboard.findValues("expr").forEach((expr) -> queries.add(expr.asString()));
		assertThat(queries).hasSizeGreaterThanOrEqualTo(8);
		assertPublished(queries);
		assertThat(metricsOf(queries)).containsAll(List.of("requestreply_requests_seconds_count",
				"requestreply_requests_seconds_bucket", "requestreply_pending", "requestreply_pending_limit",
				"requestreply_replies_skipped_total", "requestreply_requests_rejected_total",
				"requestreply_handler_seconds_count", "requestreply_handler_seconds_bucket"));
	}

	@Test
	@SuppressWarnings("unchecked")
	void whenAlertRulesQueryThenEveryMetricAndLabelIsPublished() throws IOException {
		List<String> queries = new ArrayList<>();
		try (InputStream rules = Files.newInputStream(DOCS.resolve("prometheus-alerts.yaml"))) {
			Map<String, Object> document = new Yaml().load(rules);
			for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
				for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
					queries.add((String) rule.get("expr"));
				}
			}
		}
		assertThat(queries).hasSizeGreaterThanOrEqualTo(4);
		assertPublished(queries);
		assertThat(metricsOf(queries)).contains("requestreply_pending_limit", "requestreply_replies_skipped_total");
	}

	@Test
	@SuppressWarnings("unchecked")
	void whenTheStarterPublishesAMeterThenTheDashboardOrAnAlertRuleShowsIt() throws IOException {
		List<String> queries = new ArrayList<>();
		JsonNode dashboard = JsonMapper.builder().build().readTree(Files.readString(DOCS.resolve("grafana-dashboard.json")));
		dashboard.findValues("expr").forEach((expr) -> queries.add(expr.asString()));
		try (InputStream rules = Files.newInputStream(DOCS.resolve("prometheus-alerts.yaml"))) {
			Map<String, Object> document = new Yaml().load(rules);
			for (Map<String, Object> group : (List<Map<String, Object>>) document.get("groups")) {
				for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
					queries.add((String) rule.get("expr"));
				}
			}
		}
		Set<String> shown = new HashSet<>();
		metricsOf(queries).forEach((metric) -> shown.add(meterOf(metric)));
		Set<String> published = new HashSet<>();
		this.scraped.keySet()
			.stream()
			.filter((metric) -> metric.startsWith("requestreply_"))
			.map(DashboardMetricsTests::meterOf)
			// The round trip's observation: the same time as requestreply.requests, which dashboards use.
			.filter((meter) -> !meter.equals("requestreply_request") && !meter.equals("requestreply_request_active"))
			.forEach(published::add);
		assertThat(published).as("meters the starter publishes").isNotEmpty();
		assertThat(shown).as("meters shown by the dashboard or an alert rule").containsAll(published);
	}

	/**
	 * Return the meter of a Prometheus series name: without the suffixes of its unit and type.
	 */
	private static String meterOf(String metric) {
		return metric.replaceFirst("(_seconds)?(_count|_sum|_bucket|_max|_total)?$", "");
	}

	private void assertPublished(List<String> queries) {
		for (String query : queries) {
			Set<String> metrics = metricsOf(List.of(query));
			assertThat(metrics).as("metrics of %s", query).isNotEmpty();
			for (String metric : metrics) {
				assertThat(this.scraped).as("published metrics, queried by %s", query).containsKey(metric);
			}
			Matcher selector = SELECTOR.matcher(query);
			while (selector.find()) {
				Map<String, Set<String>> labels = this.scraped.get(selector.group(1));
				Matcher matcher = MATCHER.matcher(selector.group(2));
				while (matcher.find()) {
					String label = matcher.group(1);
					if (EXTERNAL_LABELS.contains(label)) {
						continue;
					}
					assertThat(labels).as("labels of %s in %s", selector.group(1), query).containsKey(label);
					if (!matcher.group(3).contains("$")) {
						for (String value : matcher.group(3).split("\\|")) {
							assertThat(labels.get(label)).as("values of %s of %s in %s", label, selector.group(1), query)
								.contains(value);
						}
					}
				}
			}
			Matcher by = BY.matcher(query);
			while (by.find()) {
				for (String label : by.group(1).split(",")) {
					String name = label.strip();
					if (!EXTERNAL_LABELS.contains(name)) {
						assertThat(metrics).as("a metric with label %s in %s", name, query)
							.anyMatch((metric) -> this.scraped.get(metric).containsKey(name));
					}
				}
			}
		}
	}

	private static Set<String> metricsOf(List<String> queries) {
		Set<String> metrics = new HashSet<>();
		for (String query : queries) {
			METRIC.matcher(query).results().forEach((result) -> metrics.add(result.group()));
		}
		return metrics;
	}

	private void scrape() {
		this.scraped.clear();
		for (String line : this.prometheus.scrape().split("\n")) {
			Matcher sample = SAMPLE.matcher(line);
			if (line.startsWith("#") || !sample.find()) {
				continue;
			}
			Map<String, Set<String>> labels = this.scraped.computeIfAbsent(sample.group(1), (name) -> new HashMap<>());
			if (sample.group(2) != null) {
				Matcher label = LABEL.matcher(sample.group(2));
				while (label.find()) {
					labels.computeIfAbsent(label.group(1), (name) -> new HashSet<>()).add(label.group(2));
				}
			}
		}
	}

	/**
	 * A durable reply listener, for the durable meters tagged by its kind.
	 */
	static class Reports {

		@DurableReplyListener("report")
		void onReport(DurableOutcome<String> outcome) {
		}

	}

}
