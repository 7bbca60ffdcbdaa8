package dev.requestreply.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import dev.requestreply.ReplyHandler;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.handler.ReplyHandlerContainers;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.messaging.handler.annotation.SendTo;

/**
 * Round trips over one embedded broker, in one JVM, for three ways of doing request-reply:
 * <ol>
 * <li>{@code raw}: kafka-clients only: a producer and a reply consumer (no group) with a map of
 * futures, and a responder thread with its own consumer (a group, auto-commit) and producer;
 * both producers with {@code linger.ms=0}.</li>
 * <li>{@code spring}: Spring Kafka's {@code ReplyingKafkaTemplate} with a {@code @KafkaListener}
 * + {@code @SendTo} responder, on Spring Boot's defaults.</li>
 * <li>{@code ours}: {@link RequestReplyTemplate} with a {@link ReplyHandler @ReplyHandler}, on
 * its defaults.</li>
 * <li>{@code ours-tx} (not in the default list): {@code ours} with transactional replies
 * ({@code spring.kafka.producer.transaction-id-prefix} set on the responder, the requester
 * reading committed replies), to tell what exactly-once replies cost.</li>
 * <li>{@code ours-queue} (not in the default list): {@code ours} with the handler in queue mode
 * ({@code request-reply.handler.queue=true}, a share group).</li>
 * <li>{@code ours-durable} (not in the default list): {@code ours} with durable requests
 * ({@link OursDurable}): a round trip ends when the requester's listener has the outcome.</li>
 * <li>{@code ours-<label>} (not in the default list): {@code ours} with the settings of the system
 * property {@code bench.ours-<label>.properties} (separated by {@code ;}) on both applications, to
 * measure a setting side by side with the defaults.</li>
 * </ol>
 * For {@code spring} and {@code ours}, requester and responder are two Spring Boot applications
 * (contexts) with clients of their own, as in production and as the raw requester and responder.
 * Each measures the latency of requests sent one at a time (HdrHistogram), and the throughput
 * with a fixed number of requests in flight. After a warm-up the implementations take turns
 * within every round (the order rotating from round to round), so that machine noise hits all
 * alike; the table gives each one's ratio to {@code raw}.
 * <p>
 * System properties (durations in seconds): {@code bench.impls} (default
 * {@code raw,raw-headers,spring,ours};
 * also {@code spring-tuned}: linger.ms=0 and asynchronous commits), {@code bench.warmup.rounds}
 * (2), {@code bench.warmup.seconds} (per implementation and round, 10), {@code bench.rounds} (3),
 * {@code bench.latency.seconds} (8), {@code bench.throughput.seconds} (5), {@code bench.inflight}
 * ({@code 64,512}), {@code bench.payload.bytes} (100), {@code bench.charts.dir} (where the SVG charts
 * of the run go, {@code docs/charts}), {@code bench.client.metrics} (print the clients' records per
 * produce request and per fetch after each throughput run). Implementation {@code raw-headers} is
 * {@code raw} with the headers of our wire format on requests and replies instead of its own id,
 * matched by the correlation id, to tell their cost. {@code bench.handler.sleep-ms} (0) makes the
 * Spring and our responders block that long per request, for the slow-handler scenario
 * ({@code -Dbench.impls=spring,ours -Dbench.inflight=256 -Dbench.handler.sleep-ms=10}).
 * {@code bench.responders} (1) starts that many responder applications of ours on the one request
 * partition: in a consumer group the first owns it and the others stand by, in queue mode
 * ({@code ours-queue}) they all read it.
 * <p>
 * {@link FairEndToEndBenchmark} runs the same implementations with the broker and each
 * implementation's clients in JVMs of their own; this one-JVM mode stays as the quicker option.
 */
public final class EndToEndBenchmark {

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final long HANDLER_SLEEP_MILLIS = Long.getLong("bench.handler.sleep-ms", 0);

	private static final int RESPONDERS = Integer.getInteger("bench.responders", 1);

	private EndToEndBenchmark() {
	}

	/**
	 * One implementation of a round trip.
	 */
	interface RoundTrip extends AutoCloseable {

		CompletableFuture<?> call();

		@Override
		void close();

	}

	public static void main(String[] args) throws Exception {
		List<String> names = list("bench.impls", "raw,raw-headers,spring,ours");
		int warmupRounds = Integer.getInteger("bench.warmup.rounds", 2);
		double warmupSeconds = dbl("bench.warmup.seconds", 10);
		int rounds = Integer.getInteger("bench.rounds", 3);
		double latencySeconds = dbl("bench.latency.seconds", 8);
		double throughputSeconds = dbl("bench.throughput.seconds", 5);
		int[] inFlights = list("bench.inflight", "64,512").stream().mapToInt(Integer::parseInt).toArray();
		byte[] payload = payload();

		long startedAt = System.nanoTime();
		EmbeddedKafkaKraftBroker broker = BenchmarkBroker.configured();
		broker.afterPropertiesSet();
		String servers = broker.getBrokersAsString();
		Map<String, RoundTrip> impls = new LinkedHashMap<>();
		try {
			for (String name : names) {
				broker.addTopics(new NewTopic(name + "-requests", 1, (short) 1),
						new NewTopic(name + "-replies", 1, (short) 1));
				impls.put(name, create(name, name, servers, payload));
			}
			for (Map.Entry<String, RoundTrip> impl : impls.entrySet()) {
				impl.getValue().call().get(60, TimeUnit.SECONDS); // the first round trip after start
			}
			System.out.printf("%nStarted in %.1f s; JVM %s %s, %d CPUs%n", (System.nanoTime() - startedAt) / 1e9,
					System.getProperty("java.version"),
					java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments(),
					Runtime.getRuntime().availableProcessors());

			for (int round = 0; round < warmupRounds; round++) {
				for (Map.Entry<String, RoundTrip> impl : impls.entrySet()) {
					Load.latency(impl.getValue(), warmupSeconds * 0.4);
					Load.throughput(impl.getValue(), inFlights[inFlights.length - 1], warmupSeconds * 0.6);
				}
				System.out.printf("Warm-up round %d done at %.0f s%n", round + 1, (System.nanoTime() - startedAt) / 1e9);
			}

			Map<String, Histogram> latencies = new LinkedHashMap<>();
			Map<String, List<Double>> p50s = new LinkedHashMap<>();
			Map<String, Map<Integer, List<Double>>> throughputs = new LinkedHashMap<>();
			for (String name : impls.keySet()) {
				latencies.put(name, new Histogram(3));
				p50s.put(name, new ArrayList<>());
				throughputs.put(name, new LinkedHashMap<>());
			}
			List<String> order = new ArrayList<>(impls.keySet());
			for (int round = 0; round < rounds; round++) {
				for (String name : order) {
					Histogram histogram = Load.latency(impls.get(name), latencySeconds);
					latencies.get(name).add(histogram);
					p50s.get(name).add(histogram.getValueAtPercentile(50) / 1e3);
				}
				for (int inFlight : inFlights) {
					for (String name : order) {
						double rate = Load.throughput(impls.get(name), inFlight, throughputSeconds).perSecond();
						throughputs.get(name).computeIfAbsent(inFlight, (key) -> new ArrayList<>()).add(rate);
						if (Boolean.getBoolean("bench.client.metrics")) {
							printClientMetrics(name + " at " + inFlight + " in flight");
						}
					}
				}
				StringBuilder line = new StringBuilder(String.format("Round %d (%s) at %.0f s:", round + 1, order,
						(System.nanoTime() - startedAt) / 1e9));
				for (String name : order) {
					line.append(String.format(" %s p50 %.0f us", name, last(p50s.get(name))));
					for (int inFlight : inFlights) {
						line.append(String.format(", %d in flight %.0f/s", inFlight,
								last(throughputs.get(name).get(inFlight))));
					}
					line.append(';');
				}
				System.out.println(line);
				order.add(order.remove(0));
			}
			report(latencies, p50s, throughputs, inFlights, names.get(0));
			drawCharts(latencies, throughputs);
			System.out.printf("%nTotal %.0f s%n", (System.nanoTime() - startedAt) / 1e9);
		}
		finally {
			impls.values().forEach(RoundTrip::close);
			broker.destroy();
		}
	}

	/**
	 * The request and reply payload: {@code bench.payload.bytes} ASCII characters.
	 */
	static byte[] payload() {
		byte[] payload = new byte[Integer.getInteger("bench.payload.bytes", 100)];
		Arrays.fill(payload, (byte) 'x');
		return payload;
	}

	/**
	 * Start the clients of one implementation, on the topics {@code <prefix>-requests} and
	 * {@code <prefix>-replies} (which exist), their groups named after the prefix too.
	 * @param name the implementation: {@code raw}, {@code raw-headers}, {@code spring},
	 * {@code spring-tuned} or {@code ours[-<label>]}
	 */
	static RoundTrip create(String name, String prefix, String servers, byte[] payload) throws InterruptedException {
		String text = new String(payload, StandardCharsets.US_ASCII);
		return switch (name) {
			case "raw" -> new Raw(servers, payload, prefix, false);
			case "raw-headers" -> new Raw(servers, payload, prefix, true);
			case "spring" -> new Spring(servers, text, prefix, false);
			case "spring-tuned" -> new Spring(servers, text, prefix, true);
			default -> {
				if (!name.startsWith("ours")) {
					throw new IllegalArgumentException("Unknown implementation " + name);
				}
				// ours, ours-tx, or any ours-<label> with bench.ours-<label>.properties
				yield new Ours(servers, text, name, prefix);
			}
		};
	}

	/**
	 * Draw the run's figures beside the tables (see {@link BenchmarkCharts}): latency percentiles,
	 * and throughput as the median of the rounds.
	 */
	static void drawCharts(Map<String, Histogram> latencies, Map<String, Map<Integer, List<Double>>> throughputs) {
		Map<String, double[]> percentiles = new LinkedHashMap<>();
		latencies.forEach((name, h) -> percentiles.put(name, new double[] { h.getValueAtPercentile(50) / 1e3,
				h.getValueAtPercentile(99) / 1e3, h.getValueAtPercentile(99.9) / 1e3 }));
		Map<String, Map<Integer, Double>> medians = new LinkedHashMap<>();
		throughputs.forEach((name, byInFlight) -> {
			Map<Integer, Double> values = new LinkedHashMap<>();
			byInFlight.forEach((inFlight, rates) -> values.put(inFlight, median(rates)));
			medians.put(name, values);
		});
		BenchmarkCharts charts = BenchmarkCharts.fromSystemProperty();
		System.out.printf("%nCharts: %s, %s%n", charts.writeLatency(percentiles), charts.writeThroughput(medians));
	}

	private static void report(Map<String, Histogram> latencies, Map<String, List<Double>> p50s,
			Map<String, Map<Integer, List<Double>>> throughputs, int[] inFlights, String reference) {
		System.out.println();
		System.out.println("Latency, 1 request in flight (all rounds merged; microseconds)");
		System.out.println();
		System.out.println("| implementation | p50 | p99 | p99.9 | requests | p50 / " + reference + " | p99 / "
				+ reference + " |");
		System.out.println("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
		Histogram base = latencies.get(reference);
		for (Map.Entry<String, Histogram> entry : latencies.entrySet()) {
			Histogram h = entry.getValue();
			System.out.printf("| %s | %.0f | %.0f | %.0f | %,d | %.2fx | %.2fx |%n", entry.getKey(),
					h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
					h.getValueAtPercentile(99.9) / 1e3, h.getTotalCount(),
					(double) h.getValueAtPercentile(50) / base.getValueAtPercentile(50),
					(double) h.getValueAtPercentile(99) / base.getValueAtPercentile(99));
		}
		System.out.println();
		System.out.println("Throughput (round trips per second, median of rounds; per-round values in brackets)");
		System.out.println();
		StringBuilder header = new StringBuilder("| implementation |");
		StringBuilder rule = new StringBuilder("| --- |");
		for (int inFlight : inFlights) {
			header.append(" ").append(inFlight).append(" in flight | / ").append(reference).append(" |");
			rule.append(" ---: | ---: |");
		}
		System.out.println(header);
		System.out.println(rule);
		for (Map.Entry<String, Map<Integer, List<Double>>> entry : throughputs.entrySet()) {
			StringBuilder line = new StringBuilder("| " + entry.getKey() + " |");
			for (int inFlight : inFlights) {
				List<Double> values = entry.getValue().get(inFlight);
				double median = median(values);
				double baseMedian = median(throughputs.get(reference).get(inFlight));
				line.append(String.format(" %,.0f (%s) | %.2fx |", median, join(values), median / baseMedian));
			}
			System.out.println(line);
		}
	}

	/**
	 * Print how the Kafka clients batched (averages over their last 30 s): records per produce
	 * request and per fetch, by client id ({@code -Dbench.client.metrics=true}).
	 */
	static void printClientMetrics(String label) throws Exception {
		javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
		StringBuilder out = new StringBuilder("Client metrics, " + label + ":");
		for (javax.management.ObjectName name : server
			.queryNames(new javax.management.ObjectName("kafka.producer:type=producer-metrics,*"), null)) {
			Object rate = server.getAttribute(name, "record-send-rate");
			if (rate instanceof Double value && value > 1) {
				out.append(String.format("%n  producer %s: %.0f records/s, %.1f records per request",
						name.getKeyProperty("client-id"), value, server.getAttribute(name, "records-per-request-avg")));
			}
		}
		for (javax.management.ObjectName name : server
			.queryNames(new javax.management.ObjectName("kafka.consumer:type=consumer-fetch-manager-metrics,*"), null)) {
			if (name.getKeyProperty("topic") != null) {
				continue;
			}
			Object rate = server.getAttribute(name, "records-consumed-rate");
			if (rate instanceof Double value && value > 1) {
				out.append(String.format("%n  consumer %s: %.0f records/s, %.1f records per fetch, %.0f fetches/s",
						name.getKeyProperty("client-id"), value, server.getAttribute(name, "records-per-request-avg"),
						server.getAttribute(name, "fetch-rate")));
			}
		}
		System.out.println(out);
	}

	/**
	 * kafka-clients only.
	 */
	static final class Raw implements RoundTrip {

		static final String ID = "id";

		static final String CORRELATION_ID = "kafka_correlationId";

		static final byte[] REPLY_PARTITION = ByteBuffer.allocate(4).putInt(0).array();

		private final boolean contractHeaders;

		private final String requestTopic;

		private final String replyTopic;

		private final byte[] replyTopicBytes;

		private final byte[] responderBytes;

		private final byte[] payload;

		private final KafkaProducer<byte[], byte[]> producer;

		private final KafkaConsumer<byte[], byte[]> replyConsumer;

		private final KafkaProducer<byte[], byte[]> responderProducer;

		private final KafkaConsumer<byte[], byte[]> responderConsumer;

		private final ConcurrentHashMap<Long, CompletableFuture<byte[]>> futures = new ConcurrentHashMap<>();

		private final AtomicLong ids = new AtomicLong();

		private final List<Thread> threads = new ArrayList<>();

		private volatile boolean running = true;

		Raw(String servers, byte[] payload, String prefix, boolean contractHeaders) {
			this.payload = payload;
			this.contractHeaders = contractHeaders;
			this.requestTopic = prefix + "-requests";
			this.replyTopic = prefix + "-replies";
			this.replyTopicBytes = this.replyTopic.getBytes(StandardCharsets.UTF_8);
			// As long as a handler's default group and topic.
			this.responderBytes = (prefix + "-responder." + this.requestTopic).getBytes(StandardCharsets.UTF_8);
			this.producer = new KafkaProducer<>(producerConfig(servers));
			this.responderProducer = new KafkaProducer<>(producerConfig(servers));
			Map<String, Object> replyConfig = consumerConfig(servers);
			this.replyConsumer = new KafkaConsumer<>(replyConfig);
			TopicPartition replies = new TopicPartition(this.replyTopic, 0);
			this.replyConsumer.assign(List.of(replies));
			this.replyConsumer.seekToEnd(List.of(replies));
			this.replyConsumer.position(replies);
			Map<String, Object> responderConfig = consumerConfig(servers);
			responderConfig.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "-responder");
			responderConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, true);
			this.responderConsumer = new KafkaConsumer<>(responderConfig);
			this.responderConsumer.subscribe(List.of(this.requestTopic));
			start(prefix + "-replies", this::receiveReplies);
			start(prefix + "-responder", this::respond);
		}

		private void start(String name, Runnable task) {
			Thread thread = new Thread(task, name);
			thread.setDaemon(true);
			thread.start();
			this.threads.add(thread);
		}

		static Map<String, Object> producerConfig(String servers) {
			Map<String, Object> config = new java.util.HashMap<>();
			config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
			config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
			config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
			config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
			return config;
		}

		static Map<String, Object> consumerConfig(String servers) {
			Map<String, Object> config = new java.util.HashMap<>();
			config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
			config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
			config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
			config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
			config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
			return config;
		}

		@Override
		public CompletableFuture<?> call() {
			long id = this.ids.incrementAndGet();
			CompletableFuture<byte[]> future = new CompletableFuture<>();
			this.futures.put(id, future);
			ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(this.requestTopic, this.payload);
			if (this.contractHeaders) {
				// The headers RequestReplyTemplate sends, to tell their cost from the rest; the
				// correlation id is the match.
				record.headers().add(CORRELATION_ID, ByteBuffer.allocate(16).putLong(id).putLong(id).array());
				record.headers().add("kafka_replyTopic", this.replyTopicBytes);
				record.headers().add("kafka_replyPartition", REPLY_PARTITION);
				record.headers().add("rr_deadline",
						Long.toString(System.currentTimeMillis() + 30_000).getBytes(StandardCharsets.US_ASCII));
			}
			else {
				record.headers().add(ID, ByteBuffer.allocate(8).putLong(id).array());
			}
			this.producer.send(record, (metadata, ex) -> {
				if (ex != null && this.futures.remove(id) != null) {
					future.completeExceptionally(ex);
				}
			});
			return future;
		}

		private void receiveReplies() {
			try {
				while (this.running) {
					for (ConsumerRecord<byte[], byte[]> reply : this.replyConsumer.poll(Duration.ofMillis(100))) {
						Header header = reply.headers().lastHeader(this.contractHeaders ? CORRELATION_ID : ID);
						CompletableFuture<byte[]> future = this.futures.remove(ByteBuffer.wrap(header.value()).getLong());
						if (future != null) {
							future.complete(reply.value());
						}
					}
				}
			}
			catch (WakeupException ex) {
				// closing
			}
			finally {
				this.replyConsumer.close();
			}
		}

		private void respond() {
			try {
				while (this.running) {
					for (ConsumerRecord<byte[], byte[]> request : this.responderConsumer.poll(Duration.ofMillis(100))) {
						ProducerRecord<byte[], byte[]> reply = new ProducerRecord<>(this.replyTopic, request.value());
						if (this.contractHeaders) {
							// The headers a @ReplyHandler's reply carries.
							reply.headers().add(request.headers().lastHeader(CORRELATION_ID));
							reply.headers().add("rr_responder", this.responderBytes);
						}
						else {
							reply.headers().add(request.headers().lastHeader(ID));
						}
						this.responderProducer.send(reply);
					}
				}
			}
			catch (WakeupException ex) {
				// closing
			}
			finally {
				this.responderConsumer.close();
			}
		}

		@Override
		public void close() {
			this.running = false;
			this.replyConsumer.wakeup();
			this.responderConsumer.wakeup();
			for (Thread thread : this.threads) {
				try {
					thread.join(10_000);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
			}
			this.producer.close();
			this.responderProducer.close();
		}

	}

	/**
	 * Spring Kafka's ReplyingKafkaTemplate and a {@code @KafkaListener} + {@code @SendTo} responder.
	 */
	static final class Spring implements RoundTrip {

		private final ConfigurableApplicationContext responder;

		private final ConfigurableApplicationContext requester;

		private final ReplyingKafkaTemplate<String, String, String> template;

		private final String payload;

		private final String topic;

		Spring(String servers, String payload, String prefix, boolean tuned) throws InterruptedException {
			this.payload = payload;
			this.topic = prefix + "-requests";
			List<String> properties = new ArrayList<>(List.of("spring.kafka.bootstrap-servers=" + servers,
					"spring.main.banner-mode=off", "spring.jmx.enabled=false", "spring.application.name=" + prefix,
					"request-reply.enabled=false", "spring.kafka.consumer.auto-offset-reset=earliest",
					"bench.name=" + prefix, "bench.tuned=" + tuned));
			if (tuned) {
				properties.add("spring.kafka.producer.properties.linger.ms=0");
			}
			this.responder = start(SpringResponderApp.class, properties);
			this.requester = start(SpringRequesterApp.class, properties);
			@SuppressWarnings("unchecked")
			ReplyingKafkaTemplate<String, String, String> template = this.requester.getBean(ReplyingKafkaTemplate.class);
			this.template = template;
			this.template.waitForAssignment(Duration.ofSeconds(30));
			awaitAssigned(this.responder.getBean(KafkaListenerEndpointRegistry.class).getListenerContainers());
		}

		@Override
		public CompletableFuture<?> call() {
			return this.template.sendAndReceive(new ProducerRecord<>(this.topic, this.payload));
		}

		@Override
		public void close() {
			this.requester.close();
			this.responder.close();
		}

	}

	/**
	 * The requester: a ReplyingKafkaTemplate with its reply container.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SpringRequesterApp {

		@Bean
		ReplyingKafkaTemplate<String, String, String> replyingKafkaTemplate(ProducerFactory<String, String> producerFactory,
				ConcurrentKafkaListenerContainerFactory<String, String> factory,
				org.springframework.core.env.Environment environment) {
			String name = environment.getRequiredProperty("bench.name");
			ConcurrentMessageListenerContainer<String, String> replies = factory.createContainer(name + "-replies");
			replies.getContainerProperties().setGroupId(name + "-replies");
			if (environment.getRequiredProperty("bench.tuned", Boolean.class)) {
				replies.getContainerProperties().setSyncCommits(false);
			}
			ReplyingKafkaTemplate<String, String, String> template = new ReplyingKafkaTemplate<>(producerFactory,
					replies);
			template.setDefaultReplyTimeout(TIMEOUT);
			return template;
		}

	}

	/**
	 * The responder: a {@code @KafkaListener} with {@code @SendTo}, replying with Boot's KafkaTemplate.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SpringResponderApp {

		@Bean
		SpringResponder springResponder() {
			return new SpringResponder();
		}

		@Bean
		org.springframework.kafka.config.ContainerCustomizer<Object, Object, ConcurrentMessageListenerContainer<Object, Object>> benchContainerCustomizer(
				org.springframework.core.env.Environment environment) {
			boolean tuned = environment.getRequiredProperty("bench.tuned", Boolean.class);
			return (container) -> {
				if (tuned) {
					container.getContainerProperties().setSyncCommits(false);
				}
			};
		}

	}

	static class SpringResponder {

		@KafkaListener(topics = "${bench.name}-requests", groupId = "${bench.name}-responder")
		@SendTo
		String echo(String request) {
			return work(request);
		}

	}

	/**
	 * Our RequestReplyTemplate and a {@code @ReplyHandler}.
	 */
	static final class Ours implements RoundTrip {

		private final List<ConfigurableApplicationContext> responders = new ArrayList<>();

		private final ConfigurableApplicationContext requester;

		private final RequestReplyTemplate template;

		private final String payload;

		private final String topic;

		private final OursDurable.Outcomes durable;

		Ours(String servers, String payload, String name, String prefix) {
			this.payload = payload;
			boolean transactions = name.equals("ours-tx");
			this.topic = prefix + "-requests";
			List<String> properties = List.of("spring.kafka.bootstrap-servers=" + servers, "spring.main.banner-mode=off",
					"spring.jmx.enabled=false", "request-reply.default-timeout=30s", "bench.ours.topic=" + this.topic);
			// Extra settings of both applications, to measure one lever at a time: separated by ';'.
			properties = with(properties, list("bench." + name + ".properties", "", ";").toArray(String[]::new));
			List<String> responderProperties = with(properties, "spring.application.name=" + prefix + "-responder",
					"request-reply.handler.group-id=" + prefix + "-responder");
			List<String> requesterProperties = with(properties, "spring.application.name=" + prefix,
					"request-reply.reply-topic=" + prefix + "-replies");
			if (transactions) {
				responderProperties = with(responderProperties, "spring.kafka.producer.transaction-id-prefix=bench-tx-");
				requesterProperties = with(requesterProperties, "spring.kafka.consumer.isolation-level=read-committed");
			}
			if (name.equals("ours-queue")) {
				responderProperties = with(responderProperties, "request-reply.handler.queue=true");
			}
			// Two applications, so two names and reply topics: else the responder's own (idle) reply
			// consumer would read every reply too, as another instance of the requester.
			for (int i = 0; i < RESPONDERS; i++) {
				this.responders.add(start(OursResponderApp.class, responderProperties));
			}
			boolean durable = name.equals(OursDurable.NAME);
			this.requester = start(durable ? OursDurable.RequesterApp.class : OursRequesterApp.class,
					requesterProperties);
			this.template = this.requester.getBean(RequestReplyTemplate.class);
			this.durable = durable ? this.requester.getBean(OursDurable.Outcomes.class) : null;
			// One partition: in a consumer group one responder owns it, the others stand by.
			awaitAnyAssigned(this.responders.stream()
				.flatMap((responder) -> responder.getBean(ReplyHandlerContainers.class).getContainers().stream())
				.toList());
			if (this.durable != null) {
				try {
					this.durable.awaitFirst(this.template, this.topic, this.payload);
				}
				catch (Exception ex) {
					throw new IllegalStateException("No outcome of a first durable request", ex);
				}
			}
		}

		@Override
		public CompletableFuture<?> call() {
			OursDurable.Outcomes outcomes = this.durable;
			if (outcomes != null) {
				return outcomes.submit(this.template, this.topic, this.payload);
			}
			return this.template.request(this.topic, this.payload, String.class);
		}

		@Override
		public void close() {
			this.requester.close();
			this.responders.forEach(ConfigurableApplicationContext::close);
		}

	}

	/**
	 * The requester: the auto-configured RequestReplyTemplate.
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class OursRequesterApp {

	}

	/**
	 * The responder: a {@code @ReplyHandler} (its idle RequestReplyTemplate is left as configured).
	 */
	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class OursResponderApp {

		@Bean
		OursResponder oursResponder() {
			return new OursResponder();
		}

	}

	static class OursResponder {

		@ReplyHandler(topics = "${bench.ours.topic}")
		String echo(String request) {
			return work(request);
		}

	}

	/**
	 * What the Spring and our responders do per request: echo it, after
	 * {@code bench.handler.sleep-ms} of blocking work (0 by default).
	 */
	static String work(String request) {
		if (HANDLER_SLEEP_MILLIS > 0) {
			sleep(HANDLER_SLEEP_MILLIS);
		}
		return request;
	}

	private static List<String> with(List<String> properties, String... more) {
		List<String> all = new ArrayList<>(properties);
		all.addAll(List.of(more));
		return all;
	}

	private static ConfigurableApplicationContext start(Class<?> source, List<String> properties) {
		return new SpringApplicationBuilder(source).web(WebApplicationType.NONE)
			.properties(properties.toArray(String[]::new))
			.run();
	}

	private static void awaitAssigned(java.util.Collection<? extends MessageListenerContainer> containers) {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		for (MessageListenerContainer container : containers) {
			while (container.getAssignedPartitions() == null || container.getAssignedPartitions().isEmpty()) {
				if (System.nanoTime() - end > 0) {
					throw new IllegalStateException("No partitions assigned to " + container);
				}
				sleep(20);
			}
		}
	}

	// Without containers (queue mode) there is nothing to wait for.
	private static void awaitAnyAssigned(List<? extends MessageListenerContainer> containers) {
		long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
		while (!containers.isEmpty() && containers.stream()
			.noneMatch((container) -> container.getAssignedPartitions() != null
					&& !container.getAssignedPartitions().isEmpty())) {
			if (System.nanoTime() - end > 0) {
				throw new IllegalStateException("No partitions assigned to any of " + containers);
			}
			sleep(20);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static List<String> list(String property, String defaultValue) {
		return list(property, defaultValue, ",");
	}

	static List<String> list(String property, String defaultValue, String separator) {
		return Arrays.stream(System.getProperty(property, defaultValue).split(separator))
			.map(String::trim)
			.filter((value) -> !value.isEmpty())
			.toList();
	}

	static double dbl(String property, double defaultValue) {
		String value = System.getProperty(property);
		return (value != null) ? Double.parseDouble(value) : defaultValue;
	}

	private static double last(List<Double> values) {
		return values.get(values.size() - 1);
	}

	static double median(List<Double> values) {
		List<Double> sorted = new ArrayList<>(values);
		sorted.sort(null);
		return sorted.get(sorted.size() / 2);
	}

	private static String join(List<Double> values) {
		StringBuilder text = new StringBuilder();
		for (double value : values) {
			text.append((text.length() > 0) ? ", " : "").append(String.format("%,.0f", value));
		}
		return text.toString();
	}

}
