package dev.requestreply.responder;

import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.requestreply.CorrelationId;
import dev.requestreply.ReplyHandler;
import dev.requestreply.convert.PayloadConverter;
import dev.requestreply.handler.ReplyHandlerEndpoint;
import dev.requestreply.handler.ReplyHandlerExecution;
import dev.requestreply.handler.ReplyHandlerOutcomeListener;
import dev.requestreply.handler.ReplyTopicPolicy;
import dev.requestreply.wire.RequestHeaders;
import dev.requestreply.wire.WireFormat;
import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;
import org.springframework.util.ReflectionUtils;

/**
 * One handler's engine without a broker, driven as its consumer and its watchdog would drive it:
 * records built by hand go to its pump, rebalances and the watchdog's checks are called
 * directly, replies land in a {@link MockProducer} (completed at once, or when a test says so).
 */
final class TestEngine implements AutoCloseable {

	static final String REQUESTS = "orders-requests";

	static final String REPLIES = "app-replies";

	final MockProducer<byte[], byte[]> producer;

	final MockConsumer<byte[], byte[]> consumer = new MockConsumer<>("earliest");

	final ServedHandler handler;

	private final OutcomeListeners listeners = new OutcomeListeners();

	private final Map<Integer, Long> offsets = new HashMap<>();

	// With transactions: the producer of each transaction, in order.
	final List<MockProducer<byte[], byte[]>> transactions = new CopyOnWriteArrayList<>();

	private TestEngine(ReplyHandlerEndpoint endpoint, List<ReplyHandlerOutcomeListener> listeners,
			boolean repliesComplete, boolean transactional) {
		this.producer = producer(repliesComplete);
		KafkaTemplate<byte[], byte[]> template = new KafkaTemplate<>(new MockProducerFactory<>(() -> this.producer));
		KafkaTemplate<byte[], byte[]> transactionTemplate = transactional
				? new KafkaTemplate<>(new MockProducerFactory<>((tx, id) -> {
					MockProducer<byte[], byte[]> producer = producer(true);
					producer.initTransactions();
					this.transactions.add(producer);
					return producer;
				}, "replies-")) : null;
		ResponderClients clients = new ResponderClients(new DefaultKafkaConsumerFactory<>(Map.of()), template,
				(transactionTemplate != null) ? transactionTemplate.getProducerFactory() : null);
		ResponderShared shared = new ResponderShared(new PayloadConverter(JsonMapper.builder().build()),
				new ReplyTopicPolicy(ReplyTopicPolicy.DEFAULT_PATTERNS, List.of(REQUESTS)), ObservationRegistry.NOOP,
				null, transactionTemplate, new ReplyTopics(TestEngine::lookUp, System::nanoTime));
		listeners.forEach(this.listeners::add);
		this.handler = new ServedHandler(endpoint, "responder-app", TestSettings.DEFAULTS, clients, shared,
				this.listeners, List.of());
	}

	/**
	 * Serve one method of a bean, its requests read from partitions 0 and 1.
	 * @param repliesComplete whether replies are sent at once (else when the test completes them)
	 */
	static TestEngine serve(Object bean, String methodName, ReplyHandler.Ordering ordering, int maxConcurrency,
			Duration maxHandlingTime, List<ReplyHandlerOutcomeListener> listeners, boolean repliesComplete) {
		return serve(bean, methodName, ordering, maxConcurrency, maxHandlingTime, listeners, repliesComplete, false);
	}

	/**
	 * Serve one method of a bean replying in transactions, each of a new producer
	 * ({@link #transactions}), its requests read from partitions 0 and 1.
	 */
	static TestEngine serveInTransactions(Object bean, String methodName, ReplyHandler.Ordering ordering) {
		return serve(bean, methodName, ordering, 64, Duration.ofMinutes(5), List.of(), true, true);
	}

	private static TestEngine serve(Object bean, String methodName, ReplyHandler.Ordering ordering,
			int maxConcurrency, Duration maxHandlingTime, List<ReplyHandlerOutcomeListener> listeners,
			boolean repliesComplete, boolean transactional) {
		Method method = ReflectionUtils.findMethod(bean.getClass(), methodName, (Class<?>[]) null);
		ReflectionUtils.makeAccessible(method);
		ReplyHandlerEndpoint endpoint = new ReplyHandlerEndpoint("handlers", bean, method, List.of(REQUESTS), null,
				null, method.getGenericParameterTypes()[0], false, ordering, maxConcurrency, maxHandlingTime);
		TestEngine engine = new TestEngine(endpoint, listeners, repliesComplete, transactional);
		List<TopicPartition> partitions = List.of(new TopicPartition(REQUESTS, 0), new TopicPartition(REQUESTS, 1));
		engine.consumer.assign(partitions);
		engine.handler.pump().onPartitionsAssigned(engine.consumer, partitions);
		return engine;
	}

	/**
	 * Return a request addressed to the reply topic, at the next offset of its partition.
	 * @param deadlineMillis its deadline, or {@link RequestHeaders#NO_DEADLINE}
	 */
	ConsumerRecord<byte[], byte[]> request(int partition, String key, String value, long deadlineMillis) {
		RecordHeaders headers = WireFormat.standard().requestHeaders(new RecordHeaders(),
				new RequestHeaders(CorrelationId.random().toBytes(), REPLIES, null, deadlineMillis,
						"requester-1".getBytes(StandardCharsets.UTF_8), false));
		return record(partition, key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8),
				headers);
	}

	/**
	 * Hand records to the pump as one poll.
	 */
	@SafeVarargs
	final void deliver(ConsumerRecord<byte[], byte[]>... records) {
		this.handler.pump().onMessage(List.of(records), null, this.consumer);
	}

	/**
	 * Deliver the cancel record of a request, behind it in its partition.
	 */
	void cancel(ConsumerRecord<byte[], byte[]> request) {
		byte[] correlationId = WireFormat.standard().correlationId(request.headers());
		deliver(record(request.partition(), null, null, WireFormat.standard().cancelHeaders(correlationId)));
	}

	/**
	 * Take a partition away from the handler's consumer, as a rebalance does.
	 */
	void revoke(int partition) {
		TopicPartition revoked = new TopicPartition(REQUESTS, partition);
		this.handler.pump().onPartitionsRevokedBeforeCommit(this.consumer, List.of(revoked));
		this.consumer.assign(this.consumer.assignment().stream().filter((p) -> !p.equals(revoked)).toList());
	}

	/**
	 * Run the watchdog's check of this handler as if it ran later by the given time.
	 */
	void watchAfter(Duration later) {
		this.handler.watch().check(System.currentTimeMillis() + later.toMillis(), System.nanoTime() + later.toNanos());
	}

	/**
	 * Return a bounded wait that checks often: the engine's threads act within milliseconds.
	 */
	static ConditionFactory waiting() {
		return Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
			.pollInterval(Duration.ofMillis(5));
	}

	ReplyHandlerExecution execution() {
		return this.handler.execution();
	}

	/**
	 * Return the number of requests in hand, waiting, running or replying.
	 */
	int inHand() {
		return this.handler.requests().size();
	}

	@Override
	public void close() {
		this.handler.stop();
		this.listeners.stop();
	}

	private ConsumerRecord<byte[], byte[]> record(int partition, byte[] key, byte[] value, Headers headers) {
		long offset = this.offsets.merge(partition, 1L, Long::sum) - 1;
		ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(REQUESTS, partition, offset, key, value);
		for (Header header : headers) {
			record.headers().add(header);
		}
		return record;
	}

	private static MockProducer<byte[], byte[]> producer(boolean repliesComplete) {
		return new MockProducer<>(cluster(), repliesComplete, null, new ByteArraySerializer(),
				new ByteArraySerializer()) {

			@Override
			public void close(Duration timeout) {
				// A template may close its producer after a send: keep this one open, and its history.
			}

		};
	}

	// The reply topic has two partitions, as in cluster(); every other topic is missing.
	private static CompletableFuture<Integer> lookUp(String topic) {
		return REPLIES.equals(topic) ? CompletableFuture.completedFuture(2)
				: CompletableFuture.failedFuture(new UnknownTopicOrPartitionException(topic));
	}

	private static Cluster cluster() {
		Node node = new Node(0, "localhost", 9092);
		Node[] nodes = { node };
		return new Cluster("unit", List.of(node), List.of(new PartitionInfo(REPLIES, 0, node, nodes, nodes),
				new PartitionInfo(REPLIES, 1, node, nodes, nodes)), Set.of(), Set.of());
	}

}
