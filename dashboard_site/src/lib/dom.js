// Small DOM helpers. Data from the API only ever reaches the page through textContent.

/** el('td', {dataset: {testId: 'amount'}, className: 'num'}, '₹5.00') */
export function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key === 'testId') node.dataset.testId = value;
    else if (key === 'className') node.className = value;
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

export function byTestId(testId, root = document) {
  return root.querySelector(`[data-test-id="${testId}"]`);
}

const BADGE_TONES = {
  success: 'good',
  processed: 'good',
  captured: 'good',
  paid: 'good',
  pending: 'warn',
  attempted: 'warn',
  created: 'neutral',
  failed: 'bad',
  expired: 'neutral',
  cancelled: 'neutral',
};

/** One label/value pair of a detail view's summary (<dl>). */
export function summaryItem(label, value, testId) {
  return el('div', {}, el('dt', {}, label), el('dd', { testId }, value));
}

export function statusBadge(status, testId = 'status') {
  const tone = BADGE_TONES[status] ?? 'neutral';
  return el('span', { className: `badge badge-${tone}`, testId }, status ?? '-');
}

/** Copies text and briefly confirms on the button itself. */
export function wireCopyButton(button, readText) {
  button.addEventListener('click', async () => {
    const text = readText();
    let copied = false;
    try {
      await navigator.clipboard.writeText(text);
      copied = true;
    } catch {
      copied = copyWithSelection(text);
    }
    const original = button.dataset.label ?? button.textContent;
    button.dataset.label = original;
    button.textContent = copied ? 'Copied' : 'Copy failed';
    button.classList.toggle('is-done', copied);
    setTimeout(() => {
      button.textContent = original;
      button.classList.remove('is-done');
    }, 1500);
  });
}

// Plain-http origins (localhost is fine, a LAN IP is not) have no async clipboard.
function copyWithSelection(text) {
  const area = el('textarea', { className: 'visually-hidden', readonly: true });
  area.value = text;
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}

let toastTimer;
/** A single polite status line at the bottom of the screen. */
export function showToast(message, tone = 'info') {
  let toast = byTestId('toast');
  if (!toast) {
    toast = el('div', { className: 'toast', testId: 'toast', role: 'status', 'aria-live': 'polite' });
    document.body.append(toast);
  }
  toast.textContent = message;
  toast.className = `toast toast-${tone} is-visible`;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toast.classList.remove('is-visible'), 4000);
}

/** Runs fn while the button shows a busy state, so a double click cannot send twice. */
export async function withBusyButton(button, busyLabel, fn) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (busyLabel) button.textContent = busyLabel;
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}
