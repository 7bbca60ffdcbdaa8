package dev.requestreply.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.AliasFor;
import org.springframework.kafka.test.context.EmbeddedKafka;

/**
 * Runs a {@code @SpringBootTest} against an embedded single-node Kafka broker, wired to the
 * request-reply starter:
 * <ul>
 * <li>the broker starts before the application context, on a random port, and
 * {@code spring.kafka.bootstrap-servers} points at it, so every Kafka client of the application,
 * the requester and the {@code @ReplyHandler} consumers included, uses it;</li>
 * <li>consumer groups start without the broker's usual rebalance delay;</li>
 * <li>the context is ready only when every {@code @ReplyHandler} consumer has its partitions, so a
 * test's first request is answered at once rather than after the group's first rebalance;</li>
 * <li>a {@link ReplyHandlerClient} bean calls handlers through the wire format.</li>
 * </ul>
 * The broker is shared by the test classes that share a context; keep tests apart with topics of
 * their own.
 * <pre class="code">
 * &#64;SpringBootTest
 * &#64;EmbeddedRequestReply
 * class PricingTests {
 *
 *     &#64;Autowired
 *     RequestReplyOperations requestReply;
 *     ...
 * }
 * </pre>
 *
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@EmbeddedKafka
@Import(EmbeddedRequestReplyConfiguration.class)
public @interface EmbeddedRequestReply {

	/**
	 * Topics to create before the context starts (topics the application declares as
	 * {@code NewTopic} beans, and reply topics the template creates, need not be listed).
	 * @return the topics to create
	 */
	@AliasFor(annotation = EmbeddedKafka.class, attribute = "topics")
	String[] topics() default {};

	/**
	 * Number of partitions of the topics listed in {@link #topics()}.
	 * @return the number of partitions
	 */
	@AliasFor(annotation = EmbeddedKafka.class, attribute = "partitions")
	int partitions() default 2;

	/**
	 * Broker settings, as {@code key=value}. The defaults start consumer groups at once and let
	 * share groups ({@code @ReplyHandler(queue = true)}) keep their state on the one broker
	 * (whose defaults ask for three replicas, so that no record would ever be delivered); list
	 * them again when setting others.
	 * @return the broker settings
	 */
	@AliasFor(annotation = EmbeddedKafka.class, attribute = "brokerProperties")
	String[] brokerProperties() default { "group.initial.rebalance.delay.ms=0",
			"share.coordinator.state.topic.replication.factor=1", "share.coordinator.state.topic.min.isr=1" };

}
