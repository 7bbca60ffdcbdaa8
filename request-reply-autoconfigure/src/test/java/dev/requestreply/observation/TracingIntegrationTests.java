package dev.requestreply.observation;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import dev.requestreply.DurableOptions;
import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import dev.requestreply.DurableRequest;
import dev.requestreply.ReplyHandler;
import dev.requestreply.RequestReplyTemplate;
import dev.requestreply.TestApps;
import dev.requestreply.TestBroker;
import dev.requestreply.TestFigures;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.propagation.Propagator;
import io.micrometer.tracing.test.simple.SimpleSpan;
import io.micrometer.tracing.test.simple.SimpleTraceContextBuilder;
import io.micrometer.tracing.test.simple.SimpleTracer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Trace context travels with a request through the broker: the handler's span is a child of the
 * requester's send span, a child of the request's round trip span, itself a child of the span
 * current when the request was made. Both ends carry the messaging keys and the correlation id
 * as {@code messaging.message.conversation_id}.
 */
class TracingIntegrationTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	private static final SimpleTracer tracer = new SimpleTracer();

	private static ConfigurableApplicationContext context;

	@BeforeAll
	static void start() {
		context = apps.startAssigned(new Class<?>[] { App.class }, "spring.application.name=tracing",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("tracing-replies"),
				"test.topic.echo=" + TestBroker.uniqueTopic("traced-echo"),
				"test.topic.durable=" + TestBroker.uniqueTopic("traced-durable"));
	}

	@Test
	void whenRequestMadeInsideASpanThenHandlerSpanIsItsChildAcrossTheBroker() throws Exception {
		String topic = context.getEnvironment().getRequiredProperty("test.topic.echo");
		ObservationRegistry registry = context.getBean(ObservationRegistry.class);
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		Handlers handlers = context.getBean(Handlers.class);
		Observation caller = Observation.start("test.caller", registry);
		CompletableFuture<String> reply;
		try (Observation.Scope scope = caller.openScope()) {
			reply = template.request(topic, "traced", String.class);
		}
		assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("TRACED");
		caller.stop();
		TraceContext inHandler = handlers.contexts.poll(10, TimeUnit.SECONDS);
		assertThat(inHandler).isNotNull();

		SimpleSpan callerSpan = span((span) -> span.getName().equals("test.caller"));
		SimpleSpan request = span((span) -> span.getKind() == Span.Kind.CLIENT && span.getName().contains(topic));
		SimpleSpan send = span((span) -> span.getKind() == Span.Kind.PRODUCER && span.getName().contains(topic));
		SimpleSpan receive = span((span) -> span.getKind() == Span.Kind.CONSUMER && span.getName().contains(topic));
		TestFigures.report("Spans: %s", tracer.getSpans());
		assertThat(request.getName()).isEqualTo(topic + " request");
		assertThat(request.getTraceId()).isEqualTo(callerSpan.getTraceId());
		assertThat(request.getParentId()).isEqualTo(callerSpan.getSpanId());
		assertThat(request.getTags()).containsEntry("topic", topic)
			.containsEntry("outcome", "success")
			.containsKey("requestreply.correlation.id")
			// Named as in Spring Kafka's observations and OpenTelemetry's messaging conventions.
			.containsEntry("messaging.system", "kafka")
			.containsEntry("messaging.operation", "request")
			.containsEntry("messaging.destination.name", topic)
			.containsEntry("messaging.destination.kind", "topic")
			.containsEntry("messaging.message.conversation_id", request.getTags().get("requestreply.correlation.id"));
		// The handler's span: Spring Kafka's listener keys, and the same conversation id.
		assertThat(receive.getTags()).containsEntry("messaging.system", "kafka")
			.containsEntry("messaging.operation", "process")
			.containsEntry("messaging.source.name", topic)
			.containsKey("messaging.kafka.consumer.group")
			.containsEntry("messaging.message.conversation_id", request.getTags().get("requestreply.correlation.id"));
		assertThat(send.getTraceId()).isEqualTo(callerSpan.getTraceId());
		assertThat(send.getParentId()).isEqualTo(request.getSpanId());
		assertThat(receive.getTraceId()).isEqualTo(callerSpan.getTraceId());
		assertThat(receive.getParentId()).isEqualTo(send.getSpanId());
		assertThat(inHandler.traceId()).isEqualTo(callerSpan.getTraceId());
		assertThat(inHandler.spanId()).isEqualTo(receive.getSpanId());
		// The reply is sent inside the handler's span, so it belongs to the same trace.
		SimpleSpan replySend = span((span) -> span.getKind() == Span.Kind.PRODUCER
				&& receive.getSpanId().equals(span.getParentId()));
		assertThat(replySend.getTraceId()).isEqualTo(callerSpan.getTraceId());
	}

	@Test
	void whenDurableRequestSubmittedInsideASpanThenItsResponderAndListenerContinueTheTrace() throws Exception {
		String topic = context.getEnvironment().getRequiredProperty("test.topic.durable");
		ObservationRegistry registry = context.getBean(ObservationRegistry.class);
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		Observation caller = Observation.start("test.durable.caller", registry);
		DurableRequest request;
		try (Observation.Scope scope = caller.openScope()) {
			request = template.submit(topic, "traced", DurableOptions.kind("traced"));
		}
		request.accepted().get(10, TimeUnit.SECONDS);
		caller.stop();
		Handlers handlers = context.getBean(Handlers.class);
		TraceContext inHandler = handlers.durableContexts.poll(10, TimeUnit.SECONDS);
		TraceContext inListener = context.getBean(Listener.class).contexts.poll(10, TimeUnit.SECONDS);
		assertThat(inHandler).isNotNull();
		assertThat(inListener).isNotNull();
		SimpleSpan callerSpan = span((span) -> span.getName().equals("test.durable.caller"));
		assertThat(inHandler.traceId()).isEqualTo(callerSpan.getTraceId());
		assertThat(inListener.traceId()).isEqualTo(callerSpan.getTraceId());
		// The listener's span: a child of the submit's write of the pending state, itself a child of
		// the submitting call's span.
		SimpleSpan listener = span((span) -> span.getSpanId().equals(inListener.spanId()));
		SimpleSpan submit = span((span) -> span.getSpanId().equals(listener.getParentId()));
		assertThat(listener.getKind()).isEqualTo(Span.Kind.CONSUMER);
		assertThat(submit.getKind()).isEqualTo(Span.Kind.PRODUCER);
		assertThat(submit.getParentId()).isEqualTo(callerSpan.getSpanId());
	}

	private static SimpleSpan span(java.util.function.Predicate<SimpleSpan> match) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> tracer.getSpans().stream().filter(match).findFirst().orElse(null), (span) -> span != null);
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		ObservationRegistry observationRegistry() {
			Propagator propagator = new HeaderPropagator();
			ObservationRegistry registry = ObservationRegistry.create();
			registry.observationConfig()
				.observationHandler(new FirstMatchingCompositeObservationHandler(
						new PropagatingSenderTracingObservationHandler<>(tracer, propagator),
						new PropagatingReceiverTracingObservationHandler<>(tracer, propagator),
						new DefaultTracingObservationHandler(tracer)));
			return registry;
		}

		@Bean
		Handlers handlers() {
			return new Handlers();
		}

		@Bean
		Listener listener() {
			return new Listener();
		}

	}

	static class Listener {

		final BlockingQueue<TraceContext> contexts = new LinkedBlockingQueue<>();

		@DurableReplyListener("traced")
		void onTraced(DurableOutcome<String> outcome) {
			Span current = tracer.currentSpan();
			if (current != null) {
				this.contexts.add(current.context());
			}
		}

	}

	static class Handlers {

		final BlockingQueue<TraceContext> contexts = new LinkedBlockingQueue<>();

		@ReplyHandler(topics = "${test.topic.echo}")
		String echo(String text) {
			Span current = tracer.currentSpan();
			if (current != null) {
				this.contexts.add(current.context());
			}
			return text.toUpperCase(Locale.ROOT);
		}

		final BlockingQueue<TraceContext> durableContexts = new LinkedBlockingQueue<>();

		@ReplyHandler(topics = "${test.topic.durable}")
		String durable(String text) {
			Span current = tracer.currentSpan();
			if (current != null) {
				this.durableContexts.add(current.context());
			}
			return text.toUpperCase(Locale.ROOT);
		}

	}

	/**
	 * Carries the trace and span id in two headers, as W3C or B3 propagation would in production.
	 */
	static class HeaderPropagator implements Propagator {

		private static final String TRACE_ID = "test-trace-id";

		private static final String SPAN_ID = "test-span-id";

		@Override
		public List<String> fields() {
			return List.of(TRACE_ID, SPAN_ID);
		}

		@Override
		public <C> void inject(TraceContext context, C carrier, Setter<C> setter) {
			setter.set(carrier, TRACE_ID, context.traceId());
			setter.set(carrier, SPAN_ID, context.spanId());
		}

		@Override
		public <C> Span.Builder extract(C carrier, Getter<C> getter) {
			Span.Builder builder = tracer.spanBuilder();
			String traceId = getter.get(carrier, TRACE_ID);
			String spanId = getter.get(carrier, SPAN_ID);
			if (traceId != null && spanId != null) {
				builder.setParent(new SimpleTraceContextBuilder().traceId(traceId).spanId(spanId).build());
			}
			return builder;
		}

	}

}
