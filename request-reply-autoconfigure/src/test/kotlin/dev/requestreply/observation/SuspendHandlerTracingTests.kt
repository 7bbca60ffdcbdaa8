package dev.requestreply.observation

import java.time.Duration
import java.util.concurrent.TimeUnit
import dev.requestreply.ReplyHandler
import dev.requestreply.RequestReplyOperations
import dev.requestreply.RequestReplyTemplate
import dev.requestreply.TestApps
import dev.requestreply.TestBroker
import dev.requestreply.request
import io.micrometer.observation.ObservationRegistry
import io.micrometer.tracing.Span
import io.micrometer.tracing.handler.DefaultTracingObservationHandler
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler
import io.micrometer.tracing.TraceContext
import io.micrometer.tracing.propagation.Propagator
import io.micrometer.tracing.test.simple.SimpleSpan
import io.micrometer.tracing.test.simple.SimpleTraceContextBuilder
import io.micrometer.tracing.test.simple.SimpleTracer
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler
import kotlinx.coroutines.delay
import org.assertj.core.api.Assertions.assertThat
import org.awaitility.Awaitility.await
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.RegisterExtension
import org.springframework.boot.autoconfigure.EnableAutoConfiguration
import org.springframework.context.ConfigurableApplicationContext
import org.springframework.context.annotation.Bean
import org.springframework.context.annotation.Configuration

/**
 * A suspend handler keeps its request's trace across suspensions: after resuming on another
 * thread, its span is still current, and a request it sends then is a child of it.
 */
class SuspendHandlerTracingTests {

	companion object {

		@JvmField
		@RegisterExtension
		val apps = TestApps()

		private val tracer = SimpleTracer()

		private lateinit var context: ConfigurableApplicationContext

		@BeforeAll
		@JvmStatic
		fun start() {
			context = apps.startAssigned(arrayOf(App::class.java), "spring.application.name=suspend-tracing",
				"request-reply.reply-topic=" + TestBroker.uniqueTopic("suspend-tracing-replies"),
				"test.topic.relay=" + TestBroker.createTopic("traced-relay", 1),
				"test.topic.inner=" + TestBroker.createTopic("traced-inner", 1))
		}

		private fun span(match: (SimpleSpan) -> Boolean): SimpleSpan = await().atMost(Duration.ofSeconds(10))
			.until({ tracer.spans.firstOrNull(match) }, { it != null })!!

	}

	@Test
	fun whenASuspendHandlerResumesThenItsSpanIsCurrentAndTheRequestsItSendsAreItsChildren() {
		val relay = context.environment.getRequiredProperty("test.topic.relay")
		val inner = context.environment.getRequiredProperty("test.topic.inner")
		val reply = context.getBean(RequestReplyTemplate::class.java)
			.request(relay, "x", String::class.java, Duration.ofSeconds(10))
			.get(20, TimeUnit.SECONDS)
		val received = span { it.kind == Span.Kind.CONSUMER && it.name.contains(relay) }
		// The span current in the handler after it resumed.
		assertThat(reply).isEqualTo(received.spanId)
		val innerRequest = span { it.kind == Span.Kind.CLIENT && it.name.contains(inner) }
		assertThat(innerRequest.traceId).isEqualTo(received.traceId)
		assertThat(innerRequest.parentId).isEqualTo(received.spanId)
	}

	class Handlers(private val template: RequestReplyOperations) {

		@ReplyHandler(topics = ["\${test.topic.relay}"])
		suspend fun relay(request: String): String {
			delay(10)
			val current = tracer.currentSpan()?.context()?.spanId() ?: "none"
			template.request<String>(inner(), request)
			return current
		}

		@ReplyHandler(topics = ["\${test.topic.inner}"])
		suspend fun inner(request: String): String {
			delay(1)
			return request
		}

		private fun inner(): String = context.environment.getRequiredProperty("test.topic.inner")

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	class App {

		@Bean
		fun observationRegistry(): ObservationRegistry {
			val propagator = HeaderPropagator()
			val registry = ObservationRegistry.create()
			registry.observationConfig().observationHandler(FirstMatchingCompositeObservationHandler(
				PropagatingSenderTracingObservationHandler(tracer, propagator),
				PropagatingReceiverTracingObservationHandler(tracer, propagator),
				DefaultTracingObservationHandler(tracer)))
			return registry
		}

		@Bean
		fun handlers(template: RequestReplyOperations) = Handlers(template)

	}

	/** Carries the trace and span id in two headers, as W3C or B3 propagation would. */
	class HeaderPropagator : Propagator {

		override fun fields(): List<String> = listOf(TRACE_ID, SPAN_ID)

		override fun <C : Any> inject(context: TraceContext, carrier: C?, setter: Propagator.Setter<C>) {
			setter.set(carrier, TRACE_ID, context.traceId())
			setter.set(carrier, SPAN_ID, context.spanId())
		}

		override fun <C : Any> extract(carrier: C?, getter: Propagator.Getter<C>): Span.Builder {
			val builder = tracer.spanBuilder()
			if (carrier == null) {
				return builder
			}
			val traceId = getter.get(carrier, TRACE_ID)
			val spanId = getter.get(carrier, SPAN_ID)
			if (traceId != null && spanId != null) {
				builder.setParent(SimpleTraceContextBuilder().traceId(traceId).spanId(spanId).build())
			}
			return builder
		}

		private companion object {

			const val TRACE_ID = "test-trace-id"

			const val SPAN_ID = "test-span-id"

		}

	}

}
