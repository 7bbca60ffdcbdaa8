package dev.requestreply;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application with a {@code @DurableReplyListener} of kind {@code report}, for {@link ForkedApp}
 * role {@code durable}: its listener prints {@code FORKED delivered <id> <attempt>} for each call
 * and then, for an outcome whose context has {@code hang}, blocks for good (a crash in the middle
 * of a listener call).
 */
@Configuration(proxyBeanMethods = false)
@EnableAutoConfiguration
class ForkedDurableApp {

	@Bean
	Reports reports() {
		return new Reports();
	}

	/**
	 * Submit {@code count} durable requests of kind {@code report} to {@code topic}, payloads
	 * {@code quick-<i>} for the first {@code quick} of them (context {@code hang}) and
	 * {@code job-<i>} for the others, and wait until each is accepted.
	 * @return their ids, comma-separated, in order
	 */
	static String submit(ConfigurableApplicationContext context, String topic, int count, int quick)
			throws Exception {
		RequestReplyTemplate template = context.getBean(RequestReplyTemplate.class);
		List<DurableRequest> requests = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			DurableOptions options = DurableOptions.kind("report")
				.timeout(Duration.ofMinutes(5))
				.context("job", String.valueOf(i));
			requests.add((i < quick) ? template.submit(topic, "quick-" + i, options.context("hang", "true"))
					: template.submit(topic, "job-" + i, options));
		}
		for (DurableRequest request : requests) {
			request.accepted().get(30, TimeUnit.SECONDS);
		}
		return requests.stream().map(DurableRequest::id).collect(Collectors.joining(","));
	}

	static class Reports {

		private final CountDownLatch never = new CountDownLatch(1);

		@DurableReplyListener("report")
		void onReport(DurableOutcome<String> outcome) throws InterruptedException {
			System.out.println(ForkedJvm.PREFIX + "delivered " + outcome.id() + " " + outcome.deliveryAttempt());
			System.out.flush();
			if (outcome.context().containsKey("hang")) {
				this.never.await();
			}
		}

	}

}
