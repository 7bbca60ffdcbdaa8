package dev.requestreply.sample;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample as processed ahead of time by {@code spring-boot:process-aot} (bound to this module's
 * {@code prepare-package} phase), run on the JVM with {@code -Dspring.aot.enabled=true} in a
 * process of its own, answers the README's curl lines (a report taking 1 s, not 25 s). A native image is not built here (it needs
 * GraalVM); this runs the same generated bean definitions on the JVM. Run by failsafe, in the
 * {@code integration-test} phase of {@code verify}, after the processing.
 */
@Tag("slow")
class SampleAotIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private static Process app;

	private static Path log;

	private static String base;

	@BeforeAll
	static void start() throws Exception {
		assertThat(Path.of("target/classes/dev/requestreply/sample/SampleApplication__ApplicationContextInitializer.class"))
			.as("the sample processed ahead of time (spring-boot:process-aot in prepare-package)")
			.exists();
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		base = "http://localhost:" + port;
		log = Files.createTempFile("sample-aot", ".log");
		String classPath = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
			.filter((entry) -> !entry.endsWith("test-classes"))
			.collect(Collectors.joining(File.pathSeparator));
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				"-Dspring.aot.enabled=true", "-Xmx512m", "-XX:TieredStopAtLevel=1",
				SampleApplication.class.getName(), "--server.port=" + port, "--pricing.report-time=1s"));
		ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
		builder.environment().put("CLASSPATH", classPath);
		app = builder.start();
		// Ready once the handlers own their partitions: the first quote is then answered.
		await().atMost(Duration.ofSeconds(120))
			.pollInterval(Duration.ofMillis(500))
			// Not listening yet.
			.ignoreExceptionsInstanceOf(IOException.class)
			.until(() -> {
				assertThat(app.isAlive()).as("the AOT-processed sample runs; its log:%n%s", logText()).isTrue();
				return get("/quotes/ACME").statusCode() == 200;
			});
	}

	@AfterAll
	static void stop() throws Exception {
		if (app != null) {
			app.destroy();
			if (!app.waitFor(30, TimeUnit.SECONDS)) {
				app.destroyForcibly();
			}
		}
	}

	@Test
	void whenRunWithAotEnabledThenTheGeneratedInitializerIsUsed() throws IOException {
		assertThat(logText()).contains("Starting AOT-processed SampleApplication");
	}

	@Test
	void whenTheReadmesCurlLinesRunThenTheAotProcessedSampleAnswersThem() throws Exception {
		HttpResponse<String> quote = get("/quotes/ACME");
		assertThat(quote.statusCode()).isEqualTo(200);
		assertThat(body(quote).path("price").asDouble()).isEqualTo(123.45);
		// The README's line without ?timeout (the default 2 s), with room for a loaded build machine.
		HttpResponse<String> deep = get("/quotes/ACME/deep?timeout=10s");
		assertThat(deep.statusCode()).isEqualTo(200);
		assertThat(body(deep).path("bid").asDouble()).isEqualTo(123.40);
		HttpResponse<String> late = get("/quotes/ACME/deep?timeout=300ms");
		assertThat(late.statusCode()).isEqualTo(504);
		assertThat(body(late).path("title").asString()).isEqualTo("The pricing service did not answer in time");
		HttpResponse<String> history = get("/quotes/ACME/history");
		assertThat(history.statusCode()).isEqualTo(200);
		assertThat(body(history).size()).isEqualTo(5);
		HttpResponse<String> best = get("/quotes/ACME/best");
		assertThat(best.statusCode()).isEqualTo(200);
		assertThat(body(best).path("best").path("venue").asString()).isEqualTo("venue-lse");
		HttpResponse<String> unknown = get("/quotes/NOPE");
		assertThat(unknown.statusCode()).isEqualTo(404);
		assertThat(body(unknown).path("detail").asString()).isEqualTo("Unknown symbol 'NOPE'");
		HttpResponse<String> endpoint = get("/actuator/requestreply");
		assertThat(endpoint.statusCode()).isEqualTo(200);
		assertThat(body(endpoint).path("replyTopic").asString()).isEqualTo("pricing-replies");
		assertThat(body(endpoint).path("completed").asLong()).isPositive();
		HttpResponse<String> metrics = get("/actuator/metrics/requestreply.requests");
		assertThat(metrics.statusCode()).isEqualTo(200);
		assertThat(body(metrics).path("name").asString()).isEqualTo("requestreply.requests");
	}

	@Test
	void whenAReportIsSubmittedThenTheAotProcessedSampleDeliversItsOutcomeToItsListener() throws Exception {
		HttpResponse<String> submitted = http.send(
				HttpRequest.newBuilder(URI.create(base + "/reports/ACME"))
					.POST(HttpRequest.BodyPublishers.noBody())
					.timeout(Duration.ofSeconds(30))
					.build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
		assertThat(submitted.statusCode()).isEqualTo(202);
		String id = body(submitted).path("id").asString();
		// The listener's reply type, Report, bound by Jackson from the starter's hints.
		await().atMost(Duration.ofSeconds(30))
			.until(() -> body(get("/reports/" + id)).path("status").asString().equals("DONE"));
		assertThat(body(get("/reports/" + id)).path("report").path("high").asDouble()).isEqualTo(124.95);
		assertThat(body(get("/actuator/requestreply")).path("durable").path("readingOutcomes").asBoolean()).isTrue();
	}

	private static HttpResponse<String> get(String path) throws IOException, InterruptedException {
		return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).build(),
				HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
	}

	private static JsonNode body(HttpResponse<String> response) {
		return json.readTree(response.body());
	}

	private static String logText() throws IOException {
		return Files.readString(log, StandardCharsets.UTF_8);
	}

}
