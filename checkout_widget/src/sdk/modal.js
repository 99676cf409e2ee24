/**
 * The modal's DOM (docs/browser-contract.md: exact structure and test ids):
 * div#payment-gateway-modal[data-test-id="payment-modal"] > div.modal-overlay > div.modal-content
 *   holding iframe[data-test-id="payment-iframe"] and button.close-button[data-test-id="close-modal-button"].
 */

const STYLE_ELEMENT_ID = 'payment-gateway-styles';

/** Adds the SDK's stylesheet once per document. */
export function injectStyles(document, css) {
  if (document.getElementById(STYLE_ELEMENT_ID)) return;
  const style = document.createElement('style');
  style.id = STYLE_ELEMENT_ID;
  style.textContent = css;
  (document.head || document.documentElement).appendChild(style);
}

export function buildModal(document, iframeSrc) {
  const root = document.createElement('div');
  root.id = 'payment-gateway-modal';
  root.setAttribute('data-test-id', 'payment-modal');

  const overlay = document.createElement('div');
  overlay.className = 'modal-overlay';

  const content = document.createElement('div');
  content.className = 'modal-content';
  content.setAttribute('role', 'dialog');
  content.setAttribute('aria-modal', 'true');
  content.setAttribute('aria-label', 'Secure payment');

  const iframe = document.createElement('iframe');
  iframe.setAttribute('data-test-id', 'payment-iframe');
  iframe.setAttribute('title', 'Secure payment form');
  iframe.setAttribute('allow', 'payment');
  iframe.src = iframeSrc;

  // After the iframe in DOM order, so tabbing out of the form reaches it before leaving the modal.
  const closeButton = document.createElement('button');
  closeButton.type = 'button';
  closeButton.className = 'close-button';
  closeButton.setAttribute('data-test-id', 'close-modal-button');
  closeButton.setAttribute('aria-label', 'Close payment window');
  closeButton.innerHTML = '<span aria-hidden="true">&times;</span>';

  content.append(iframe, closeButton);
  overlay.appendChild(content);
  root.appendChild(overlay);
  return { root, overlay, content, iframe, closeButton };
}

/** Locks page scrolling while the modal is open; the returned function restores it exactly. */
export function lockPageScroll(document) {
  const html = document.documentElement;
  const body = document.body;
  const saved = {
    htmlOverflow: html.style.overflow,
    bodyOverflow: body.style.overflow,
    bodyPaddingRight: body.style.paddingRight,
  };
  const view = document.defaultView;
  // Keep the page from shifting sideways when its scrollbar disappears.
  const scrollbarWidth = view ? view.innerWidth - html.clientWidth : 0;
  if (scrollbarWidth > 0) {
    const current = parseFloat(view.getComputedStyle(body).paddingRight) || 0;
    body.style.paddingRight = `${current + scrollbarWidth}px`;
  }
  html.style.overflow = 'hidden';
  body.style.overflow = 'hidden';
  return () => {
    html.style.overflow = saved.htmlOverflow;
    body.style.overflow = saved.bodyOverflow;
    body.style.paddingRight = saved.bodyPaddingRight;
  };
}
