// Re-runs a refresh while it reports unfinished work; stops on its own when everything is
// final, and never runs two refreshes at once.
import { reportFailure } from './failure.js';

export function createPoller(refresh, intervalMs) {
  let timer = null;
  let running = false;
  let stopped = false;

  function schedule() {
    if (timer === null && !running && !stopped) timer = setTimeout(tick, intervalMs);
  }

  async function tick() {
    timer = null;
    running = true;
    let keepGoing = false;
    try {
      keepGoing = await refresh();
    } catch (error) {
      reportFailure(error); // said on the page; a transient network error should not end the refresh loop
      keepGoing = true;
    } finally {
      running = false;
    }
    if (keepGoing) schedule();
  }

  return {
    /** Makes sure a refresh is coming, unless one is already scheduled or running. */
    ensure() {
      stopped = false;
      schedule();
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = null;
    },
  };
}
