// What the pages do with a failure that no form or list on the page handled where it happened: say it
// on the page, so a refresh that failed never looks like a page with nothing to show. A fault of the
// page's own code (anything but a refusal or silence from the API) also goes to the console, where the
// browser tests fail on it.
import { ApiError } from '../../../web_shared/api.js';
import { byTestId, el } from './dom.js';

function banner() {
  let node = byTestId('page-error');
  if (!node) {
    node = el('p', { className: 'page-error', testId: 'page-error', role: 'alert' });
    (document.querySelector('main') ?? document.body).prepend(node);
  }
  return node;
}

/** Says on the page that it could not be brought up to date, and why. */
export function reportFailure(error) {
  const node = banner();
  node.textContent = `This page could not be brought up to date: ${error?.message || String(error)}. Use Refresh to try again.`;
  node.hidden = false;
  if (!(error instanceof ApiError)) console.error(error);
}

/** Clears what reportFailure said, once a refresh went through. */
export function clearFailure() {
  const node = byTestId('page-error');
  if (node) node.hidden = true;
}

/** Runs a refresh to its end: a success clears an earlier failure, a failure is reported. */
export function reported(promise) {
  return promise.then(
    (value) => {
      clearFailure();
      return value;
    },
    (error) => {
      reportFailure(error);
      return undefined;
    },
  );
}

/** A catch handler that reports the failure and lets the page go on with `fallback`. */
export function reportAndUse(fallback) {
  return (error) => {
    reportFailure(error);
    return fallback;
  };
}
