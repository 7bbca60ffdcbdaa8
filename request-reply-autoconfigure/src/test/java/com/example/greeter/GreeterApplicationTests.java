package com.example.greeter;

import dev.requestreply.TestApps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application of docs/getting-started.md, as its reader writes it, against the test broker:
 * started, it asks its own handler and logs the first reply.
 */
@ExtendWith(OutputCaptureExtension.class)
class GreeterApplicationTests {

	@RegisterExtension
	static final TestApps apps = new TestApps();

	@Test
	void whenTheGettingStartedApplicationStartsThenItLogsItsFirstReply(CapturedOutput output) {
		apps.start(new Class<?>[] { GreeterApplication.class }, "spring.application.name=greeter");
		assertThat(output).contains("Reply: Hello, Ada!");
	}

}
