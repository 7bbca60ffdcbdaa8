package dev.requestreply.autoconfigure;

import dev.requestreply.interop.RequestReplyErrorChecker;
import dev.requestreply.interop.RequestReplyListenerErrorHandler;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.kafka.core.KafkaTemplate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The interop beans need no broker: one condition per test.
 */
class RequestReplyInteropAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(RequestReplyInteropAutoConfiguration.class));

	@Test
	void whenSpringKafkaIsPresentThenErrorCheckerAndListenerErrorHandlerExistUnderTheirDocumentedNames() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RequestReplyErrorChecker.class)
				.hasSingleBean(RequestReplyListenerErrorHandler.class);
			assertThat(context.getBean("requestReplyListenerErrorHandler"))
				.isInstanceOf(RequestReplyListenerErrorHandler.class);
			assertThat(context.getBean("requestReplyErrorChecker")).isInstanceOf(RequestReplyErrorChecker.class);
		});
	}

	@Test
	void whenDisabledThenNoInteropBeans() {
		this.contextRunner.withPropertyValues("request-reply.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RequestReplyErrorChecker.class)
				.doesNotHaveBean(RequestReplyListenerErrorHandler.class));
	}

	@Test
	void whenSpringKafkaIsAbsentThenNoInteropBeans() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(KafkaTemplate.class))
			.run((context) -> assertThat(context).doesNotHaveBean(RequestReplyErrorChecker.class));
	}

}
