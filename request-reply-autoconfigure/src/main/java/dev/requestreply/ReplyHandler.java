package dev.requestreply;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import dev.requestreply.aot.ReplyHandlerReflectiveProcessor;

import org.springframework.aot.hint.annotation.Reflective;

/**
 * Marks a method of a Spring bean as the handler of the requests sent to the given topics.
 * <p>
 * The method declares one parameter, the request payload, converted to the parameter's declared
 * type ({@code String} from UTF-8, {@code byte[]} as is, anything else from JSON). Its return value
 * is the reply; a returned {@link java.util.concurrent.CompletionStage} replies with the value it
 * completes with. A thrown exception, or a stage that fails, becomes an error reply, so that the
 * requester's future fails with {@link RemoteHandlerException}. A request whose
 * {@code rr_deadline} has passed is never handed to the method.
 * <p>
 * In Kotlin, with {@code kotlinx-coroutines-core} on the class path, the method may be a
 * {@code suspend} function: it runs as a coroutine that resumes on the handler's threads, with
 * the call's {@link ReplyContext} in its context, and is cancelled when the request ends before
 * it; a {@code kotlinx.coroutines.flow.Flow} it returns (with {@code kotlinx-coroutines-jdk9})
 * is a stream of replies.
 * <p>
 * The method runs on a handler thread, never on a Kafka consumer thread, so a call of any length
 * never costs the consumer its group membership: at most {@link #maxConcurrency()} calls at once
 * per handler and instance, in the order {@link #ordering()} says. Every request taken in hand
 * ends by a bound the library enforces: at its {@code rr_deadline} (the call's
 * {@link ReplyContext} is cancelled, its thread interrupted, a returned future cancelled, a stream
 * stopped), or, for a request without a deadline, after {@link #maxHandlingTime()}, with an error
 * reply of code {@code DEADLINE_EXCEEDED}.
 * <p>
 * Each handler gets a listener container in a consumer group shared by all instances of the
 * application, so that each request goes to one instance. Delivery is at least once: a request
 * whose offset was not committed when its instance stopped or crashed is delivered again, and the
 * method may run again for it.
 * <ul>
 * <li>By default a request handled twice gets two replies; the requester completes its future
 * with the first and counts the second as a duplicate.</li>
 * <li>With {@link #idempotent()}, an instance that gets a request it answered recently sends the
 * same reply again without calling the method; another instance does not know it.</li>
 * <li>With Spring Boot's {@code spring.kafka.producer.transaction-id-prefix} set, each reply is
 * sent and its request's offset committed in one Kafka transaction: a requester reading with
 * {@code isolation.level=read_committed} sees exactly one reply per request. The method may
 * still run more than once (its reply then discarded), so its side effects must be
 * idempotent.</li>
 * </ul>
 *
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Reflective(ReplyHandlerReflectiveProcessor.class)
public @interface ReplyHandler {

	/**
	 * Topics the requests are read from. {@code ${...}} placeholders resolve.
	 * @return the request topics
	 */
	String[] topics();

	/**
	 * Consumer group of this handler. {@code ${...}} placeholders resolve. Empty means
	 * {@code <base>.<topics>}, where the base is the {@code request-reply.handler.group-id}
	 * property, or else {@code spring.application.name}: one group per handler, shared by all
	 * instances of the application. Name it explicitly to keep it stable when the handler's topics
	 * change.
	 * @return the consumer group id
	 */
	String groupId() default "";

	/**
	 * Number of consumer threads of this handler. {@code ${...}} placeholders resolve. Empty
	 * means the {@code request-reply.handler.concurrency} property.
	 * @return the concurrency
	 */
	String concurrency() default "";

	/**
	 * Whether this instance remembers the replies of the requests it answered recently, and
	 * answers a request delivered again with the remembered reply instead of calling the method
	 * (counted as {@code replayed}). The window is bounded by the
	 * {@code request-reply.handler.idempotency.*} properties; with
	 * {@code request-reply.handler.idempotency.enabled} every handler behaves so. Replies to
	 * stream requests are not remembered.
	 * @return whether redelivered requests are answered from memory
	 * @since 0.2.0
	 */
	boolean idempotent() default false;

	/**
	 * In which order the requests of one partition are handled. Default {@link Ordering#KEY}:
	 * requests with the same key one at a time, in offset order; requests with different keys, and
	 * keyless ones, at once.
	 * @return the ordering
	 * @since 0.3.0
	 */
	Ordering ordering() default Ordering.KEY;

	/**
	 * Most calls of this method at once in one instance, across its consumers.
	 * {@code ${...}} placeholders resolve. Empty means the
	 * {@code request-reply.handler.max-concurrency} property. A call counts from its start until
	 * its reply is made or its request ended, not only while its method runs: a Kotlin
	 * {@code suspend} function counts while suspended, a returned {@code CompletableFuture} (or
	 * other stage, {@code Mono}) until it completes, a returned {@code Flow} or publisher until its
	 * last element.
	 * @return the limit, a positive number
	 * @since 0.3.0
	 */
	String maxConcurrency() default "";

	/**
	 * Longest time a request that carries no {@code rr_deadline} is in hand (from its receipt
	 * to its reply) before it is ended with an error reply of code {@code DEADLINE_EXCEEDED}, such
	 * as {@code 30s} or {@code PT30S}. {@code ${...}} placeholders resolve. Empty means the
	 * {@code request-reply.handler.max-handling-time} property.
	 * @return the duration
	 * @since 0.3.0
	 */
	String maxHandlingTime() default "";

	/**
	 * Whether this handler reads its topics in a Kafka share group ("queue mode", brokers 4.2
	 * and later, Spring Boot 4.1 and later) rather than a consumer group: any number of instances
	 * share each partition, and each request is acknowledged on its own once it ended (its reply
	 * or error reply sent, or skipped as expired, cancelled or refused), released for another
	 * instance when this one stops before starting it, and its acquisition lock renewed while
	 * the method still runs. A responder that dies has its requests delivered to the others as
	 * soon as its connection drops. The share group's id is the handler's consumer group id
	 * followed by {@code .share}. Share groups order nothing: requests run as with
	 * {@link Ordering#NONE}, and an explicit {@link #ordering()} of {@code KEY} or
	 * {@code PARTITION} fails start-up, as do transactions. A request on the last delivery the
	 * broker allows ({@code group.share.delivery.count.limit}) gets an error reply of code
	 * {@code ABORTED} without the method being called again. The
	 * {@code request-reply.handler.queue} property puts every handler in queue mode.
	 * @return whether the handler reads in a share group
	 * @since 0.3.0
	 */
	boolean queue() default false;

	/**
	 * Whether this handler's replies carry the library's own {@code rr_responder} header,
	 * {@code "true"} or {@code "false"}. {@code ${...}} placeholders resolve. Empty means the
	 * {@code request-reply.handler.responder-headers} property (default true). Without it a reply
	 * carries exactly the correlation id and the headers the method added (and, on an error
	 * reply, the error headers), as a Spring Kafka {@code ReplyingKafkaTemplate} caller that checks
	 * every reply header expects; a scatter-gather then names this handler's replies
	 * {@code unknown-<n>} rather than by its consumer group, and cannot tell its redelivered
	 * replies from another responder's.
	 * @return whether replies carry {@code rr_responder}
	 * @since 0.4.0
	 */
	String responderHeaders() default "";

	/**
	 * Name of the correlation id header this handler reads on requests (and on cancel records)
	 * and writes on its replies. {@code ${...}} placeholders resolve. Empty means the
	 * {@code request-reply.handler.correlation-id-header} property (default Spring Kafka's
	 * {@code kafka_correlationId}): the counterpart of {@code setCorrelationHeaderName(..)} of
	 * Spring Kafka's {@code ReplyingKafkaTemplate} and listener container factory. A header of
	 * this name the method adds to its reply is not sent twice.
	 * @return the header name
	 * @since 0.4.0
	 */
	String correlationIdHeader() default "";

	/**
	 * Name of the reply topic header this handler reads on requests. {@code ${...}}
	 * placeholders resolve. Empty means the {@code request-reply.handler.reply-topic-header}
	 * property (default {@code kafka_replyTopic}); Spring Kafka's
	 * {@code setReplyTopicHeaderName(..)}.
	 * @return the header name
	 * @since 0.4.0
	 */
	String replyTopicHeader() default "";

	/**
	 * Name of the reply partition header this handler reads on requests. {@code ${...}}
	 * placeholders resolve. Empty means the {@code request-reply.handler.reply-partition-header}
	 * property (default {@code kafka_replyPartition}); Spring Kafka's
	 * {@code setReplyPartitionHeaderName(..)}.
	 * @return the header name
	 * @since 0.4.0
	 */
	String replyPartitionHeader() default "";

	/**
	 * Topic every reply of this handler goes to, as with Spring's {@code @SendTo("topic")}: always,
	 * whatever reply topic the request names, and whether or not it names one (a request then
	 * needs only a correlation id); the reply partition a request names is ignored (it names a
	 * partition of another topic). {@code ${...}} placeholders resolve. Checked at start-up
	 * against {@code request-reply.handler.allowed-reply-topics}: a topic not allowed fails
	 * start-up. Empty means the topic each request names.
	 * @return the reply topic
	 * @since 0.4.0
	 */
	String replyTopic() default "";

	/**
	 * How the requests of one partition are ordered among themselves.
	 *
	 * @since 0.3.0
	 */
	enum Ordering {

		/**
		 * Requests with the same key one at a time, in offset order; requests with different keys,
		 * and keyless ones, at once.
		 */
		KEY,

		/**
		 * One request at a time per partition, in offset order, as a plain Kafka listener (the
		 * behaviour of request-reply 0.2).
		 */
		PARTITION,

		/**
		 * Every request at once, whatever its key.
		 */
		NONE

	}

}
