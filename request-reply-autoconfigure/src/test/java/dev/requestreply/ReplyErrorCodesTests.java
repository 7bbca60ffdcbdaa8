package dev.requestreply;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReplyErrorCodes#codeOf(Throwable)}: the code an error reply carries.
 */
class ReplyErrorCodesTests {

	@Test
	void whenClassIsAnnotatedThenItsCodeIsSent() {
		assertThat(ReplyErrorCodes.codeOf(new UnknownSymbol())).isEqualTo(ReplyErrorCodes.NOT_FOUND);
	}

	@Test
	void whenASuperclassIsAnnotatedThenItsCodeIsSent() {
		assertThat(ReplyErrorCodes.codeOf(new UnknownSymbol() {
		})).isEqualTo(ReplyErrorCodes.NOT_FOUND);
	}

	@Test
	void whenNotAnnotatedThenInternal() {
		assertThat(ReplyErrorCodes.codeOf(new IllegalStateException())).isEqualTo(ReplyErrorCodes.INTERNAL);
		assertThat(ReplyErrorCodes.annotatedCode(new IllegalStateException())).isNull();
	}

	@Test
	void whenTheCodeIsNotCanonicalThenUnknownIsSent() {
		assertThat(ReplyErrorCodes.codeOf(new Misnamed())).isEqualTo(ReplyErrorCodes.UNKNOWN);
		assertThat(ReplyErrorCodes.codeOf(new Misnamed())).isEqualTo(ReplyErrorCodes.UNKNOWN);
	}

	@Test
	void whenTheCodeHasSpacesAroundThenItIsTrimmed() {
		assertThat(ReplyErrorCodes.codeOf(new Padded())).isEqualTo(ReplyErrorCodes.UNAVAILABLE);
	}

	@ReplyErrorCode(ReplyErrorCodes.NOT_FOUND)
	static class UnknownSymbol extends RuntimeException {

	}

	@ReplyErrorCode("NO_SUCH_THING")
	static class Misnamed extends RuntimeException {

	}

	@ReplyErrorCode(" UNAVAILABLE ")
	static class Padded extends RuntimeException {

	}

}
