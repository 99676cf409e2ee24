import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import vm from 'node:vm';
import { JSDOM, requestInterceptor } from 'jsdom';
import { bundleSdk } from '../scripts/bundles.mjs';

const CHECKOUT = 'https://pay.example';
const SHOP = 'https://shop.example';
let sdkCode;

before(async () => {
  // The tests run the very bundle that ships (UMD wrapper included), built in memory.
  sdkCode = await bundleSdk({ checkoutUrl: 'http://localhost:3001' });
});

/** A merchant page with checkout.js evaluated as a classic script (no src, so no script origin). */
function merchantPage() {
  const dom = new JSDOM('<!doctype html><html><head></head><body><button id="buy">Buy</button></body></html>', {
    url: `${SHOP}/cart`,
    runScripts: 'outside-only',
    pretendToBeVisual: true,
  });
  dom.window.eval(sdkCode);
  return dom;
}

function recorder() {
  const calls = [];
  return {
    calls,
    callbacks: {
      onSuccess: (data) => calls.push(['success', data]),
      onFailure: (data) => calls.push(['failure', data]),
      onClose: () => calls.push(['close']),
    },
  };
}

function postFromCheckout(window, data, { origin = CHECKOUT, source } = {}) {
  const iframe = window.document.querySelector('[data-test-id="payment-iframe"]');
  const from = source === undefined ? iframe.contentWindow : source;
  window.dispatchEvent(new window.MessageEvent('message', { data, origin, source: from }));
}

const modals = (window) => window.document.querySelectorAll('#payment-gateway-modal');

describe('PaymentGateway options', () => {
  let window;
  beforeEach(() => {
    window = merchantPage().window;
  });

  it('throws a clear error without a key', () => {
    assert.throws(() => new window.PaymentGateway({ orderId: 'order_1' }), /"key" is required/);
  });

  it('throws a clear error without an orderId', () => {
    assert.throws(() => new window.PaymentGateway({ key: 'key_test_abc123', orderId: ' ' }), /"orderId" is required/);
  });

  it('throws without options at all', () => {
    assert.throws(() => new window.PaymentGateway(), /"key" is required/);
  });

  it('accepts and ignores options it does not know, such as the former name', () => {
    for (const name of [42, 'x'.repeat(81), 'Amazon India (Official)']) {
      assert.doesNotThrow(() => new window.PaymentGateway({ key: 'k', orderId: 'o', name, colour: 'red' }));
    }
  });

  it('rejects callbacks that are not functions', () => {
    assert.throws(
      () => new window.PaymentGateway({ key: 'k', orderId: 'o', onSuccess: 'nope' }),
      /"onSuccess" must be a function/,
    );
  });
});

describe('PaymentGateway modal', () => {
  let window;
  let document;
  beforeEach(() => {
    window = merchantPage().window;
    document = window.document;
  });

  function openGateway(extra = {}) {
    const { calls, callbacks } = recorder();
    const gateway = new window.PaymentGateway({
      key: 'key_test_abc123',
      orderId: 'order_ABCDEFGHIJKLMNOP',
      checkoutUrl: `${CHECKOUT}/`,
      ...callbacks,
      ...extra,
    }).open();
    return { gateway, calls };
  }

  it('builds the documented modal (docs/browser-contract.md) with the checkout iframe', () => {
    openGateway();
    const modal = document.querySelector('#payment-gateway-modal[data-test-id="payment-modal"]');
    assert.ok(modal);
    const content = modal.querySelector(':scope > div.modal-overlay > div.modal-content');
    assert.ok(content);
    const iframe = content.querySelector('iframe[data-test-id="payment-iframe"]');
    const src = new URL(iframe.src);
    assert.equal(`${src.origin}${src.pathname}`, `${CHECKOUT}/checkout`);
    assert.ok(iframe.src.startsWith(`${CHECKOUT}/checkout?order_id=order_ABCDEFGHIJKLMNOP&embedded=true`));
    assert.equal(src.searchParams.get('parent_origin'), SHOP);
    assert.ok(content.querySelector('button.close-button[data-test-id="close-modal-button"]'));
    assert.ok(document.getElementById('payment-gateway-styles').textContent.includes('#payment-gateway-modal'));
  });

  it('never passes a payee name to the checkout page: the page shows the account name', () => {
    openGateway({ name: 'Amazon India (Official)' });
    const src = new URL(document.querySelector('[data-test-id="payment-iframe"]').src);
    assert.deepEqual([...src.searchParams.keys()].sort(), ['embedded', 'order_id', 'parent_origin']);
  });

  it('opens only one modal when open() is called twice', () => {
    const { gateway } = openGateway();
    gateway.open();
    assert.equal(modals(window).length, 1);
  });

  it('calls onSuccess with the data and then closes on payment_success', () => {
    const { calls } = openGateway();
    const result = { paymentId: 'pay_1234567890abcdef', orderId: 'order_1234567890abcdef', signature: 'ab'.repeat(32) };
    postFromCheckout(window, { type: 'payment_success', data: result });
    assert.deepEqual(calls, [['success', result], ['close']]);
    assert.equal(modals(window).length, 0);
  });

  it('calls onFailure and keeps the modal open on payment_failed', () => {
    const { calls } = openGateway();
    postFromCheckout(window, { type: 'payment_failed', data: { error: 'Payment processing failed' } });
    assert.deepEqual(calls, [['failure', { error: 'Payment processing failed' }]]);
    assert.equal(modals(window).length, 1);
  });

  it('closes on close_modal', () => {
    const { calls } = openGateway();
    postFromCheckout(window, { type: 'close_modal' });
    assert.deepEqual(calls, [['close']]);
    assert.equal(modals(window).length, 0);
  });

  it('asks before closing while a payment is processing, and onClose gets that payment', () => {
    const closes = [];
    const questions = [];
    let answer = false;
    window.confirm = (question) => {
      questions.push(question);
      return answer;
    };
    openGateway({ onClose: (payment) => closes.push({ ...payment }) });
    postFromCheckout(window, {
      type: 'payment_status',
      data: { paymentId: 'pay_1234567890abcdef', status: 'pending' },
    });

    document.querySelector('[data-test-id="close-modal-button"]').click();
    assert.equal(modals(window).length, 1, 'declining keeps the modal');
    assert.match(questions[0], /still being processed/);

    answer = true;
    postFromCheckout(window, { type: 'close_modal' });
    assert.equal(modals(window).length, 0);
    assert.deepEqual(closes, [{ paymentId: 'pay_1234567890abcdef', status: 'pending' }]);
  });

  it('closes without asking once the payment is final', () => {
    window.confirm = () => assert.fail('asked although nothing is processing');
    const closes = [];
    openGateway({ onClose: (payment) => closes.push({ ...payment }) });
    postFromCheckout(window, {
      type: 'payment_failed',
      data: { error: 'x', paymentId: 'pay_1234567890abcdef', status: 'failed' },
    });
    document.querySelector('[data-test-id="close-modal-button"]').click();
    assert.deepEqual(closes, [{ paymentId: 'pay_1234567890abcdef', status: 'failed' }]);
  });

  it('ignores messages from any other origin, including the merchant page itself', () => {
    const { calls } = openGateway();
    postFromCheckout(window, { type: 'payment_success', data: { paymentId: 'pay_forged' } }, { origin: SHOP });
    postFromCheckout(window, { type: 'close_modal' }, { origin: 'https://pay.example.evil.com' });
    assert.deepEqual(calls, []);
    assert.equal(modals(window).length, 1);
  });

  it('ignores messages from the checkout origin that do not come from its iframe', () => {
    const { calls } = openGateway();
    postFromCheckout(window, { type: 'payment_success', data: {} }, { source: window });
    assert.deepEqual(calls, []);
  });

  it('ignores unknown message types and non-object data', () => {
    const { calls } = openGateway();
    postFromCheckout(window, { type: 'open_popup' });
    postFromCheckout(window, 'payment_success');
    assert.deepEqual(calls, []);
    assert.equal(modals(window).length, 1);
  });

  it('fits the modal to the height the checkout page reports', () => {
    openGateway();
    postFromCheckout(window, { type: 'resize', data: { height: 431.5 } });
    assert.equal(document.querySelector('.modal-content').style.height, '432px');
    postFromCheckout(window, { type: 'resize', data: { height: 'tall' } });
    assert.equal(document.querySelector('.modal-content').style.height, '432px');
  });

  it('stops listening once closed', () => {
    const { gateway, calls } = openGateway();
    const iframe = document.querySelector('[data-test-id="payment-iframe"]');
    gateway.close();
    window.dispatchEvent(
      new window.MessageEvent('message', {
        data: { type: 'payment_success', data: {} },
        origin: CHECKOUT,
        source: iframe.contentWindow,
      }),
    );
    assert.deepEqual(calls, [['close']]);
  });

  it('closes on the close button, the overlay and Escape, but not on a click inside the content', () => {
    const { calls } = openGateway();
    document.querySelector('.modal-content').click();
    assert.equal(modals(window).length, 1);
    document.querySelector('.modal-overlay').click();
    assert.equal(modals(window).length, 0);

    openGateway();
    document.querySelector('[data-test-id="close-modal-button"]').click();
    assert.equal(modals(window).length, 0);

    openGateway();
    document.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    assert.equal(modals(window).length, 0);
    assert.equal(calls.filter(([kind]) => kind === 'close').length, 1);
  });

  it('locks page scroll while open and restores it on close', () => {
    document.body.style.overflow = 'scroll';
    const { gateway } = openGateway();
    assert.equal(document.body.style.overflow, 'hidden');
    assert.equal(document.documentElement.style.overflow, 'hidden');
    gateway.close();
    assert.equal(document.body.style.overflow, 'scroll');
    assert.equal(document.documentElement.style.overflow, '');
  });

  it('keeps focus inside the modal and gives it back on close', () => {
    const buy = document.getElementById('buy');
    buy.focus();
    const { gateway } = openGateway();
    const closeButton = document.querySelector('[data-test-id="close-modal-button"]');
    const iframe = document.querySelector('[data-test-id="payment-iframe"]');
    buy.focus(); // focus wandering back to the page is pulled into the modal
    assert.equal(document.activeElement, closeButton);
    document.dispatchEvent(new window.KeyboardEvent('keydown', { key: 'Tab', bubbles: true }));
    assert.equal(document.activeElement, iframe);
    gateway.close();
    assert.equal(document.activeElement, buy);
  });

  it('still closes when a merchant callback throws', () => {
    const errors = [];
    window.setTimeout = (fn) => {
      try {
        fn();
      } catch (error) {
        errors.push(error);
      }
    };
    openGateway({
      onSuccess() {
        throw new Error('merchant bug');
      },
    });
    postFromCheckout(window, { type: 'payment_success', data: {} });
    assert.equal(modals(window).length, 0);
    assert.equal(errors[0].message, 'merchant bug');
  });
});

describe('checkout origin', () => {
  const doms = [];
  after(() => doms.forEach((dom) => dom.window.close()));

  async function pageLoadingSdkFrom(scriptUrl) {
    const dom = new JSDOM(
      `<!doctype html><html><head><script src="${scriptUrl}"></script></head><body></body></html>`,
      {
        url: `${SHOP}/`,
        runScripts: 'dangerously',
        resources: {
          interceptors: [
            requestInterceptor((request) =>
              request.url === scriptUrl
                ? new Response(sdkCode, { headers: { 'Content-Type': 'text/javascript' } })
                : new Response('<!doctype html><title>checkout</title>', { headers: { 'Content-Type': 'text/html' } }),
            ),
          ],
        },
      },
    );
    doms.push(dom);
    await new Promise((resolve) => dom.window.addEventListener('load', resolve));
    return dom.window;
  }

  it('comes from the URL checkout.js was loaded from', async () => {
    const window = await pageLoadingSdkFrom('https://cdn.pay.example/sdk/v1.0.0/checkout.js');
    new window.PaymentGateway({ key: 'k', orderId: 'order_x' }).open();
    const src = window.document.querySelector('[data-test-id="payment-iframe"]').src;
    assert.ok(src.startsWith('https://cdn.pay.example/checkout?order_id=order_x&embedded=true'), src);
  });

  it('can be overridden with the checkoutUrl option', async () => {
    const window = await pageLoadingSdkFrom('https://cdn.pay.example/checkout.js');
    new window.PaymentGateway({ key: 'k', orderId: 'order_x', checkoutUrl: 'http://127.0.0.1:9999' }).open();
    const src = window.document.querySelector('[data-test-id="payment-iframe"]').src;
    assert.ok(src.startsWith('http://127.0.0.1:9999/checkout?order_id=order_x'), src);
  });

  it('falls back to the build-time origin when bundled into another script', () => {
    const { window } = merchantPage();
    new window.PaymentGateway({ key: 'k', orderId: 'order_x' }).open();
    const src = window.document.querySelector('[data-test-id="payment-iframe"]').src;
    assert.ok(src.startsWith('http://localhost:3001/checkout?order_id=order_x'), src);
  });
});

describe('UMD wrapper', () => {
  it('exports the class to CommonJS', () => {
    const module = { exports: {} };
    vm.runInNewContext(sdkCode, { module, exports: module.exports, URL, URLSearchParams });
    assert.equal(typeof module.exports, 'function');
    assert.equal(typeof module.exports.prototype.open, 'function');
  });

  it('defines an anonymous AMD module', () => {
    let defined = null;
    const define = (deps, factory) => {
      defined = { deps, value: factory() };
    };
    define.amd = {};
    vm.runInNewContext(sdkCode, { define, URL, URLSearchParams });
    assert.equal(defined.deps.length, 0);
    assert.equal(typeof defined.value.prototype.open, 'function');
  });

  it('sets the PaymentGateway global for a script tag', () => {
    const { window } = merchantPage();
    assert.equal(typeof window.PaymentGateway, 'function');
  });
});
