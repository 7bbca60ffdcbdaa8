package dev.requestreply;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Flux;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Applications the multi-instance tests start: a requester, and an echo responder on
 * {@code ${test.topic}} that counts its calls and can be held.
 */
public final class TestResponders {

	private TestResponders() {
	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class RequesterApp {

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class EchoApp {

		@Bean
		Echo echo(Environment environment) {
			return new Echo(environment.getProperty("test.echo.max-delay-ms", Long.class, 0L));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class StreamApp {

		@Bean
		Ticker ticker() {
			return new Ticker();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class PartitionOrderedApp {

		@Bean
		PartitionOrdered partitionOrdered() {
			return new PartitionOrdered();
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class QueueJobsApp {

		@Bean
		QueueJobs queueJobs(Environment environment) {
			return new QueueJobs(environment.getRequiredProperty("test.job-ms", Long.class));
		}

	}

	@Configuration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	public static class GroupJobsApp {

		@Bean
		GroupJobs groupJobs(Environment environment) {
			return new GroupJobs(environment.getRequiredProperty("test.job-ms", Long.class));
		}

	}

	/**
	 * Jobs of {@code test.job-ms} on {@code ${test.topic}} in a consumer group.
	 */
	public static class GroupJobs extends Jobs {

		GroupJobs(long jobMillis) {
			super(jobMillis);
		}

		@ReplyHandler(topics = "${test.topic}")
		String run(String job) throws InterruptedException {
			return work(job);
		}

	}

	/**
	 * Jobs of {@code test.job-ms} in queue mode on {@code ${test.topic}}.
	 */
	public static class QueueJobs extends Jobs {

		QueueJobs(long jobMillis) {
			super(jobMillis);
		}

		@ReplyHandler(topics = "${test.topic}", queue = true)
		String run(String job) throws InterruptedException {
			return work(job);
		}

	}

	/**
	 * Jobs of a given length, for a JVM of their own ({@link ForkedApp}) or this one: each run
	 * is counted, prints {@code FORKED run <job> <epoch ms>} as it starts and
	 * {@code FORKED done <job> <epoch ms>} before it replies {@code "done:" + job}.
	 */
	abstract static class Jobs {

		final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

		private final long jobMillis;

		Jobs(long jobMillis) {
			this.jobMillis = jobMillis;
		}

		String work(String job) throws InterruptedException {
			this.runs.computeIfAbsent(job, (name) -> new AtomicInteger()).incrementAndGet();
			say("run " + job + " " + System.currentTimeMillis());
			// The job's work.
			Thread.sleep(this.jobMillis);
			say("done " + job + " " + System.currentTimeMillis());
			return "done:" + job;
		}

		private static void say(String line) {
			System.out.println(ForkedJvm.PREFIX + line);
			System.out.flush();
		}

	}

	/**
	 * Answers each request on {@code ${test.topic}} one at a time per partition.
	 */
	public static class PartitionOrdered {

		@ReplyHandler(topics = "${test.topic}", ordering = ReplyHandler.Ordering.PARTITION)
		String answer(String request) {
			return request;
		}

	}

	/**
	 * Answers each request on {@code ${test.topic}} with an endless stream, one element every 50 ms.
	 */
	public static class Ticker {

		@ReplyHandler(topics = "${test.topic}")
		Flux<Long> ticks(String request) {
			return Flux.interval(Duration.ofMillis(50));
		}

	}

	/**
	 * Answers {@code "echo:" + request}, each call passing its {@link #gate}, and taking a random
	 * time up to {@code test.echo.max-delay-ms} (0 by default).
	 */
	public static class Echo {

		final TestGate gate = new TestGate();

		private final long maxDelayMillis;

		Echo(long maxDelayMillis) {
			this.maxDelayMillis = maxDelayMillis;
		}

		@ReplyHandler(topics = "${test.topic}")
		String echo(String text) throws InterruptedException {
			this.gate.pass();
			if (this.maxDelayMillis > 0) {
				Thread.sleep(ThreadLocalRandom.current().nextLong(this.maxDelayMillis + 1));
			}
			return "echo:" + text;
		}

	}

}
