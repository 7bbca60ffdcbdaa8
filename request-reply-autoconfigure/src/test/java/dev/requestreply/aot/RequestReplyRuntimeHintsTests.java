package dev.requestreply.aot;

import java.lang.reflect.Method;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import dev.requestreply.DurableOutcome;
import dev.requestreply.DurableReplyListener;
import dev.requestreply.ReplyContext;
import dev.requestreply.ReplyHandler;
import dev.requestreply.actuate.DurableRequestsDescriptor;
import dev.requestreply.actuate.RequestReplyEndpoint.HandlerDescriptor;
import dev.requestreply.actuate.RequestReplyEndpoint.PendingRequestDescriptor;
import dev.requestreply.actuate.RequestReplyEndpoint.RequestReplyDescriptor;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.annotation.ReflectiveRuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.beans.factory.aot.AotServices;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The runtime hints an application processed ahead of time gets from the library: those of
 * {@link RequestReplyRuntimeHints}, found through {@code aot.factories}, and those of each
 * {@code @ReplyHandler} method, found on the beans as Spring's AOT processing finds any
 * {@code @Reflective} element.
 */
class RequestReplyRuntimeHintsTests {

	@Test
	void whenAotRunsThenTheRegistrarIsFoundThroughAotFactories() {
		assertThat(AotServices.factories().load(RuntimeHintsRegistrar.class))
			.hasAtLeastOneElementOfType(RequestReplyRuntimeHints.class);
	}

	@Test
	void whenHintsAreRegisteredThenKafkaCanInstantiateTheClientClassesTheLibraryNames() {
		RuntimeHints hints = registered();
		for (Class<?> client : List.of(ByteArraySerializer.class, ByteArrayDeserializer.class,
				ByteBufferDeserializer.class, CooperativeStickyAssignor.class)) {
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(client)
				.withMemberCategory(MemberCategory.INVOKE_PUBLIC_CONSTRUCTORS)).accepts(hints);
		}
	}

	@Test
	void whenHintsAreRegisteredThenTheEndpointsDescriptorsCanBeWrittenAsJson() {
		RuntimeHints hints = registered();
		for (Class<?> descriptor : List.of(RequestReplyDescriptor.class, PendingRequestDescriptor.class,
				HandlerDescriptor.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(descriptor)).accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(descriptor.getRecordComponents()[0]
				.getAccessor())).accepts(hints);
		}
	}

	@Test
	void whenABeanHasReplyHandlersThenTheyCanBeInvokedAndTheirTypesBound() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, Handlers.class);
		Method quote = ReflectionUtils.findMethod(Handlers.class, "quote", QuoteRequest.class, String.class,
				ReplyContext.class);
		Method history = ReflectionUtils.findMethod(Handlers.class, "history", QuoteRequest.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(quote)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(history)).accepts(hints);
		// Payload, and reply types inside CompletableFuture and Flux: their accessors, for Jackson.
		for (Class<?> bound : List.of(QuoteRequest.class, Quote.class, PricePoint.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(bound)).accepts(hints);
			assertThat(RuntimeHintsPredicates.reflection()
				.onMethodInvocation(bound.getRecordComponents()[0].getAccessor())).accepts(hints);
		}
		assertThat(RuntimeHintsPredicates.reflection().onType(ReplyContext.class)).rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(Handlers.class)
			.withMemberCategory(MemberCategory.INVOKE_DECLARED_METHODS)).rejects(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Handlers.class, "notAHandler"))
			.rejects(hints);
	}

	@Test
	void whenABeanHasDurableReplyListenersThenTheyCanBeInvokedAndTheirReplyTypeBound() {
		RuntimeHints hints = new RuntimeHints();
		new ReflectiveRuntimeHintsRegistrar().registerRuntimeHints(hints, Listeners.class);
		Method onQuote = ReflectionUtils.findMethod(Listeners.class, "onQuote", DurableOutcome.class);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(onQuote)).accepts(hints);
		// T of DurableOutcome<T>, which replies are converted to: its accessors, for Jackson.
		assertThat(RuntimeHintsPredicates.reflection().onType(Quote.class)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(Quote.class.getRecordComponents()[0].getAccessor())).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Listeners.class, "notAListener"))
			.rejects(hints);
	}

	@Test
	void whenHintsAreRegisteredThenThePendingStateOfDurableRequestsCanBeReadAndWrittenAsJson() {
		RuntimeHints hints = registered();
		Class<?> state = ClassUtils.resolveClassName("dev.requestreply.durable.PendingState", null);
		assertThat(RuntimeHintsPredicates.reflection().onType(state)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(state.getRecordComponents()[1].getAccessor()))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onMethodInvocation(DurableRequestsDescriptor.class.getRecordComponents()[0].getAccessor())).accepts(hints);
	}

	private static RuntimeHints registered() {
		RuntimeHints hints = new RuntimeHints();
		new RequestReplyRuntimeHints().registerHints(hints, RequestReplyRuntimeHintsTests.class.getClassLoader());
		return hints;
	}

	record QuoteRequest(String symbol) {
	}

	record Quote(String symbol, double price) {
	}

	record PricePoint(int minutesAgo, double price) {
	}

	static class Handlers {

		@ReplyHandler(topics = "quotes")
		CompletableFuture<Quote> quote(QuoteRequest request, @Header("tenant") String tenant, ReplyContext context) {
			return CompletableFuture.completedFuture(new Quote(request.symbol(), 1.0));
		}

		@ReplyHandler(topics = "history")
		Flux<PricePoint> history(QuoteRequest request) {
			return Flux.just(new PricePoint(0, 1.0));
		}

		String notAHandler(QuoteRequest request) {
			return request.symbol();
		}

	}

	static class Listeners {

		@DurableReplyListener("quote")
		void onQuote(DurableOutcome<Quote> outcome) {
		}

		void notAListener(DurableOutcome<Quote> outcome) {
		}

	}

}
