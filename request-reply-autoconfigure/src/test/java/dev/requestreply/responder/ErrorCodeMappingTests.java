package dev.requestreply.responder;

import java.util.concurrent.CancellationException;

import dev.requestreply.ReplyErrorCode;
import dev.requestreply.convert.PayloadConversionException;
import dev.requestreply.handler.HandlingTimeExceededException;
import dev.requestreply.handler.InvalidHeaderException;
import dev.requestreply.handler.MalformedRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorCodeMappingTests {

	@Test
	void whenFailureIsAnnotatedOrMalformedThenItsCodeFollows() {
		assertThat(ErrorCodeMapping.codeOf(new Gone())).isEqualTo("NOT_FOUND");
		assertThat(ErrorCodeMapping.codeOf(new GoneForGood())).isEqualTo("NOT_FOUND");
		assertThat(ErrorCodeMapping.codeOf(new InvalidHeaderException("x"))).isEqualTo("INVALID_ARGUMENT");
		assertThat(ErrorCodeMapping.codeOf(new MalformedRequestException("x"))).isEqualTo("INVALID_ARGUMENT");
		assertThat(ErrorCodeMapping.codeOf(new PayloadConversionException("x", null))).isEqualTo("INVALID_ARGUMENT");
		assertThat(ErrorCodeMapping.codeOf(new IllegalStateException())).isEqualTo("INTERNAL");
	}

	@Test
	void whenTheEngineEndsARequestThenItsCodeSaysHow() {
		assertThat(ErrorCodeMapping.codeOf(new HandlingTimeExceededException("x"))).isEqualTo("DEADLINE_EXCEEDED");
		assertThat(ErrorCodeMapping.codeOf(new CancellationException())).isEqualTo("CANCELLED");
	}

	@ReplyErrorCode("NOT_FOUND")
	static class Gone extends RuntimeException {

	}

	static class GoneForGood extends Gone {

	}

}
