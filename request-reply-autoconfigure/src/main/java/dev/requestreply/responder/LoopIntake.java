package dev.requestreply.responder;

/**
 * What a {@link HandlerLoop} stops while it is stuck: its handler's intake of requests.
 */
interface LoopIntake {

	/**
	 * Take no more requests for now.
	 */
	void pause();

	/**
	 * Take requests again.
	 */
	void resume();

	/**
	 * Return an intake made of two actions.
	 */
	static LoopIntake of(Runnable pause, Runnable resume) {
		return new LoopIntake() {

			@Override
			public void pause() {
				pause.run();
			}

			@Override
			public void resume() {
				resume.run();
			}

		};
	}

}
