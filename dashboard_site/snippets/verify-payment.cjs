// Verify a checkout result before fulfilling the order (Node 18+, no dependencies).
// The browser's report (checkout.js onSuccess, or a payment link's return) can be forged; the
// signature cannot without your API secret, which only your server holds.
const crypto = require('node:crypto');

// signature = lowercase hex HMAC-SHA256 of "<orderId>|<paymentId>", keyed with your API secret.
function verifyPayment(orderId, paymentId, signature, apiSecret) {
  const expected = crypto.createHmac('sha256', apiSecret).update(`${orderId}|${paymentId}`).digest('hex');
  const given = Buffer.from(String(signature || ''));
  const wanted = Buffer.from(expected);
  return given.length === wanted.length && crypto.timingSafeEqual(given, wanted);
}

module.exports = { verifyPayment };

/* Express:
app.post('/payment-complete', express.json(), (req, res) => {
  const { orderId, paymentId, signature } = req.body;
  if (!verifyPayment(orderId, paymentId, signature, process.env.API_SECRET)) {
    return res.status(400).send('Invalid signature');
  }
  fulfil(orderId); // the order you created for this checkout
  res.send('OK');
});
*/
